"""Every page the foundation makes, checked as a person and an auditor would:
axe-core, the Nu Html Checker, 320 px without sideways scroll, 24 px targets,
keyboard alone, JavaScript on and off, SQL statement and page-weight budgets."""

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.support.a11y import assert_no_axe_violations
from tests.support.keyboard import assert_focus_visible, tab_to
from tests.support.layout import assert_no_horizontal_scroll, assert_targets_min_size
from tests.support.queries import QueryCounter
from tests.support.staff import STAFF_PASSWORD, browser_sign_in, one_time_code
from tests.support.weight import assert_page_weight

PUBLIC_PAGES = ["/", "/accessibility", "/privacy", "/cookies", "/childrens-code", "/young-people/privacy", "/staff/login"]
PUBLIC_QUERY_BUDGET = 6


def check_page(page, html_checker, where: str) -> None:
    assert_no_axe_violations(page, where)
    html_checker.assert_valid(page.content(), where)
    assert_no_horizontal_scroll(page, where)
    assert_targets_min_size(page, where=where)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_in_the_browser(any_page, html_checker, path):
    response = any_page.goto(path)
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    check_page(any_page, html_checker, path)


def test_not_found_page_in_the_browser(any_page, html_checker):
    response = any_page.goto("/no-such-page")
    assert response.status == 404
    any_page.console_errors.clear()  # the browser logs the 404 itself
    assert any_page.get_by_role("heading", level=1).inner_text() == "Page not found"
    check_page(any_page, html_checker, "404")


@pytest.mark.parametrize(
    "make",
    [
        lambda c: c.get("/no-such-page"),
        lambda c: c.post("/healthz"),
        lambda c: c.post("/staff/login", data={}),
        lambda c: c.post("/staff/login", data={"x": "y" * 70000}),
    ],
    ids=["404", "405", "400-csrf", "413"],
)
def test_error_pages_are_valid_html(client, html_checker, make):
    response = make(client)
    html_checker.assert_valid(response.get_data(as_text=True), str(response.status_code))


def test_sign_in_error_states_in_the_browser(any_page, html_checker, make_staff):
    any_page.goto("/staff/login")
    any_page.get_by_role("button", name="Continue").click()
    summary = any_page.locator(".govuk-error-summary")
    summary.wait_for()
    assert any_page.title().startswith("Error: ")
    assert "Enter your email address" in summary.inner_text()
    assert "Enter your password" in summary.inner_text()
    check_page(any_page, html_checker, "sign-in, empty")

    user = make_staff("moderator")
    any_page.get_by_label("Email address").fill(user.email)
    any_page.get_by_label("Password").fill("not the right password")
    any_page.get_by_role("button", name="Continue").click()
    any_page.get_by_text("The email address or password is not right").first.wait_for()
    check_page(any_page, html_checker, "sign-in, wrong password")


def test_error_summary_takes_focus_with_javascript(page, html_checker):
    page.goto("/staff/login")
    page.get_by_role("button", name="Continue").click()
    # Playwright's wait_for_function needs eval, which our CSP rightly refuses.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    # Following the summary link lands on the field.
    page.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "email"


def test_moderator_signs_in_reaches_staff_home_and_signs_out(app, any_page, html_checker, make_staff):
    user = make_staff("moderator")
    any_page.goto("/moderate")
    assert "/staff/login" in any_page.url  # anonymous visitors are sent to sign in
    check_page(any_page, html_checker, "sign-in")

    any_page.get_by_label("Email address").fill(user.email)
    any_page.get_by_label("Password").fill(STAFF_PASSWORD)
    any_page.get_by_role("button", name="Continue").click()
    any_page.wait_for_url("**/staff/login/code")
    check_page(any_page, html_checker, "code step")
    any_page.get_by_label("Enter your one-time code").fill(one_time_code(app, user))
    any_page.get_by_role("button", name="Sign in").click()
    any_page.wait_for_url("**/moderate")
    assert any_page.get_by_role("heading", level=1).inner_text() == "Staff home"
    check_page(any_page, html_checker, "staff home")

    any_page.get_by_role("button", name="Sign out").click()
    any_page.wait_for_url("**/staff/login?signed_out=1")
    assert "You have signed out" in any_page.inner_text("main")
    any_page.goto("/moderate")
    assert "/staff/login" in any_page.url

    from sqlalchemy import select

    from portal.staff.models import AuditEvent

    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == str(user.id)).order_by(AuditEvent.id)))
    assert actions[-3:] == ["sign_in.password_ok", "sign_in.success", "sign_out"]


def test_five_wrong_codes_in_the_browser_make_the_next_attempt_wait(app, page_nojs, make_staff):
    page = page_nojs
    user = make_staff("moderator")
    page.goto("/staff/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/login/code")
    for _attempt in range(6):
        page.get_by_label("Enter your one-time code").fill("123456")
        page.get_by_role("button", name="Sign in").click()
        page.locator(".govuk-error-summary").wait_for()
    assert "Too many wrong attempts. Wait" in page.inner_text(".govuk-error-summary")
    assert "locked" not in page.inner_text("main")
    page.goto("/moderate")
    assert "/staff/login" in page.url


def test_sign_in_by_keyboard_alone(app, page, make_staff):
    user = make_staff("moderator")
    page.goto("/staff/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("govuk-skip-link")
    assert_focus_visible(page, "skip link")
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    tab_to(page, page.get_by_role("button", name="Continue"))
    assert_focus_visible(page, "continue button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/login/code")
    tab_to(page, page.get_by_label("Enter your one-time code"))
    page.keyboard.type(one_time_code(app, user))
    page.keyboard.press("Enter")
    page.wait_for_url("**/moderate")
    tab_to(page, page.get_by_role("button", name="Sign out"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/login?signed_out=1")


def test_skip_link_moves_to_main_content(page_nojs):
    page_nojs.goto("/")
    page_nojs.keyboard.press("Tab")
    # The skip link must be the first thing Tab reaches; wait for the focus
    # and the fragment change rather than reading them the instant after the key.
    expect(page_nojs.get_by_role("link", name="Skip to main content")).to_be_focused()
    page_nojs.keyboard.press("Enter")
    expect(page_nojs).to_have_url(re.compile(r"#main-content$"))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_sql_statement_budget(app, client, path):
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        assert client.get(path).status_code == 200
    assert counter.count <= PUBLIC_QUERY_BUDGET, counter.format()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_weight_budget(client, path):
    assert_page_weight(client, path, total_kb=60, js_kb=25)


def test_staff_pages_in_the_browser_for_every_role(app, page, html_checker, make_staff):
    for role in ("facilitator", "moderator", "safeguarding_lead", "admin"):
        user = make_staff(role)
        browser_sign_in(app, page, user)
        check_page(page, html_checker, f"staff home as {role}")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/staff/login?signed_out=1")
