"""An admin's screens in a real browser, with JavaScript on and off: invite a moderator,
who sets a password through the emailed link, sets up an authenticator, saves recovery
codes and reaches the queue; then the admin rewords a theme and changes a setting, with
the error states on the way. Every screen is checked with axe-core, the Nu Html Checker
and for sideways scrolling at 320 px."""

import re

import pyotp
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from tests.support.layout import check_screen as check
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser


def test_an_admin_invites_a_moderator_who_sets_up_their_own_account(app, any_page, html_checker, make_staff):
    page = any_page
    browser_sign_in(app, page, make_staff("admin"))
    page.get_by_role("link", name="Staff accounts").click()
    check(page, html_checker, "staff accounts")
    page.get_by_role("link", name="Invite a member of staff").click()
    page.get_by_role("button", name="Send the invitation").click()
    expect_text = page.locator(".govuk-error-summary")
    assert "Enter their work email address" in expect_text.inner_text()
    check(page, html_checker, "invite, with errors")
    page.get_by_label("Work email address").fill("bilal.khan@bradford.gov.uk")
    page.get_by_label("Name").fill("Bilal Khan")
    page.get_by_label("Moderator", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(re.compile(r".*/admin/staff/\d+$"))
    assert "Invited: has not set a password yet" in page.locator("#account-state").inner_text()
    check(page, html_checker, "one account")
    page.get_by_role("button", name="Sign out").click()

    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == "bilal.khan@bradford.gov.uk"))
    link = re.search(r"http\S+(/staff/invitation/\S+)", body).group(1)
    page.goto(link)
    check(page, html_checker, "set your password")
    page.get_by_label("New password", exact=True).fill("kestrel moorland teacake viaduct")
    page.get_by_label("New password again").fill("kestrel moorland teacake viaduct")
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url("**/staff/login/set-up-code")
    secret = page.locator("main strong.yp-reference").inner_text().replace(" ", "")
    page.get_by_label("6-digit code from the app").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staff/recovery-codes")
    check(page, html_checker, "save your recovery codes")
    page.get_by_role("button", name="I have saved my codes").click()
    page.wait_for_url("**/moderate")
    assert "Bilal Khan" in page.locator("body").inner_text()

    # The link worked once.
    assert page.goto(link).status == 410
    assert "This link does not work any more" in page.locator("h1").inner_text()
    check(page, html_checker, "a used link")
    page.console_errors[:] = [error for error in page.console_errors if "status of 410" not in error]  # expected


def test_an_admin_rewords_a_theme_and_changes_the_target_answer_time(app, any_page, html_checker, make_staff):
    page = any_page
    browser_sign_in(app, page, make_staff("admin"))
    page.get_by_role("link", name="Themes, areas and settings").click()
    check(page, html_checker, "themes, areas and settings")
    page.get_by_role("link", name="Change Linking Up Schools").click()
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save").click()
    assert "Enter the theme's name" in page.locator(".govuk-error-summary").inner_text()
    check(page, html_checker, "a theme, with an error")
    page.get_by_label("Name").fill("Schools Linking Up")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/admin/reference(#themes)?$"))
    assert "Schools Linking Up is saved." in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Change Target answer time").click()
    page.get_by_label("Target answer time").fill("two weeks")
    page.get_by_role("button", name="Save").click()
    assert "as a whole number" in page.locator(".govuk-error-summary").inner_text()
    check(page, html_checker, "a setting, with an error")
    page.get_by_label("Target answer time").fill("15")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/admin/reference(#settings)?$"))
    assert "15 working days" in page.locator("#setting-target_answer_working_days").inner_text()

    page.goto("/ideas/linking-up-schools")
    assert "Schools Linking Up" in page.locator("h1").inner_text()
