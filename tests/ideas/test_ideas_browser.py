"""The idea board end to end in headless Chromium at phone size, with JavaScript on and
off: proposing, a moderator approving, supporting (in place with htmx and announced; a
plain form post back to the same idea without JavaScript), supporting twice, withdrawing,
verifying by emailed code, and an answer reaching the idea and the proposer's track page.

Every page, in every state a person sees it in (empty, with each error, filled in,
supported or not, answered), is checked at 320 CSS px with axe-core and the Nu Html
Checker, for sideways scrolling, and for 24 px targets. The checks of one test are all
run and reported together, so one run lists every defect, not just the first.
"""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport, SupportVerification
from portal.shared.outbox import OutboxMessage
from tests.support.a11y import assert_no_axe_violations
from tests.support.browser import PHONE_VIEWPORT, new_phone_page
from tests.support.factories import make_published_response
from tests.support.ideas import add_support, make_idea
from tests.support.keyboard import assert_focus_visible, tab_to
from tests.support.layout import _TARGETS_JS, REFLOW_WIDTH, assert_no_horizontal_scroll
from tests.support.proposer import REFERENCE_SHOWN, Proposer, idea_by_reference
from tests.support.staff import browser_sign_in, csrf_token_from
from tests.support.weight import assert_page_weight

pytestmark = pytest.mark.browser

THEME = "sharing-spaces-and-places"
THEME_NAME = "Sharing Spaces and Places"
BOARD = f"/ideas/{THEME}"


# ---- checking every page and state ---------------------------------------------------


def targets_at_least_24px(page: Page, where: str) -> None:
    """tests.support.layout's 24 px target check, leaving out controls wholly off the page
    (the spam honeypot: off screen, no pointer events, opacity 0), which no one can point at."""
    width = page.evaluate("() => document.documentElement.clientWidth")
    offenders = [o for o in page.evaluate(_TARGETS_JS, 24) if o["x"] + o["w"] > 0 and o["x"] < width]
    lines = [f"  {o['what']}: {o['w']}×{o['h']}px at ({o['x']}, {o['y']})" for o in offenders[:30]]
    assert not offenders, f"{len(offenders)} target(s) smaller than 24×24px on {where}:\n" + "\n".join(lines)


class Checks:
    """Runs the four page checks at 320 px and keeps every failure, so a test goes on to
    the next page and reports everything it found at the end."""

    def __init__(self, html_checker, label: str):
        self.html_checker = html_checker
        self.label = label
        self.checked: list[str] = []
        self.failures: list[str] = []

    def __call__(self, page: Page, state: str) -> None:
        where = f"{self.label}: {page.url} ({state})"
        page.wait_for_load_state("load")
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": PHONE_VIEWPORT["height"]})
        try:
            for run in (lambda: assert_no_axe_violations(page, where),
                        lambda: self.html_checker.assert_valid(page.content(), where),
                        lambda: assert_no_horizontal_scroll(page, where),
                        lambda: targets_at_least_24px(page, where)):
                try:
                    run()
                except AssertionError as failure:
                    self.failures.append(str(failure))
        finally:
            page.set_viewport_size(dict(PHONE_VIEWPORT))
        self.checked.append(where)

    def assert_clean(self) -> None:
        failures, self.failures = self.failures, []
        assert not failures, f"{len(failures)} page check(s) failed:\n\n" + "\n\n".join(failures)


@pytest.fixture
def checks(html_checker):
    made: list[Checks] = []

    def make(label: str) -> Checks:
        made.append(Checks(html_checker, label))
        return made[-1]

    yield make
    # A journey that broke part way still reports the page checks that failed before it.
    left = [failure for c in made for failure in c.failures]
    assert not left, f"{len(left)} page check(s) failed:\n\n" + "\n\n".join(left)


def javascript_on(request) -> bool:
    return request.node.callspec.params["any_page"]


@contextmanager
def another_device(chromium, live_server, javascript: bool):
    """A second phone (its own cookies, so its own device): the moderator's, say."""
    page = new_phone_page(chromium, live_server.url, javascript=javascript)
    try:
        yield page
    finally:
        errors, offsite = list(page.console_errors), list(page.offsite_requests)
        page.context.close()
    assert not offsite, f"third-party requests: {offsite}"
    assert not errors, f"browser console errors: {errors}"


def new_tab(page: Page) -> Page:
    """A second tab on the same phone (the same cookies, so the same device)."""
    tab = page.context.new_page()
    tab.console_errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda msg: msg.type == "error" and tab.console_errors.append(msg.text))
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    return tab


def heading(page: Page, text: str) -> None:
    expect(page.locator("main h1")).to_have_text(re.compile(re.escape(text)))


def arrive(page: Page, path_end: str, text: str) -> None:
    page.wait_for_url(re.compile(re.escape(path_end) + r"(\?.*)?(#.*)?$"))
    heading(page, text)


def go_on(page: Page, button: str = "Continue") -> None:
    page.locator("main").get_by_role("button", name=button, exact=True).click()


def shows_error(page: Page, *messages: str) -> None:
    summary = page.locator(".govuk-error-summary")
    for message in messages:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile("^Error: "))


def tally(page: Page, idea_id: int):
    return page.locator(f"#tally-{idea_id}")


def status_region(page: Page, idea_id: int):
    return page.locator(f"#support-status-{idea_id}")


def banner(page: Page):
    return page.locator("main .govuk-notification-banner")


def idea_row(app, idea_id: int) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea


def support_rows(app, idea_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id))


def published_idea(app, **options) -> tuple[int, str]:
    with app.app_context():
        idea = make_idea(**options)
        return idea.id, idea.display_reference


# ---- propose → a moderator approves → on the board -----------------------------------


def test_propose_every_question_and_error_then_a_moderator_approves_it_onto_the_board(
        app, any_page, checks, chromium, live_server, make_staff, request):
    page = any_page
    check = checks("propose")
    title = "A conversation café at Shipley library"
    body = "A weekly café where people learning English can practise with neighbours.\nTea & biscuits <free>."

    page.goto("/ideas")
    heading(page, "Ideas for the seven")
    expect(page.locator(".yp-theme-card")).to_have_count(7)
    check(page, "no ideas yet")
    page.get_by_role("link", name=THEME_NAME, exact=True).click()
    arrive(page, BOARD, THEME_NAME)
    expect(page.locator("#results")).to_contain_text("There are no ideas here yet")
    check(page, "empty board")

    page.get_by_role("button", name="Share your idea").click()
    arrive(page, f"{BOARD}/propose", "Share your idea")
    check(page, "start")
    page.get_by_role("button", name="Start now").click()

    arrive(page, f"{BOARD}/propose/who", "How old are you?")
    check(page, "empty")
    go_on(page)
    shows_error(page, "Choose how old you are")
    check(page, "error")
    page.get_by_label("18 or over", exact=True).check()
    check(page, "filled")
    go_on(page)

    arrive(page, f"{BOARD}/propose/idea", "Your idea")
    check(page, "empty")
    go_on(page)
    shows_error(page, "Give your idea a short name", "Say what your idea is and why it would help")
    check(page, "both missing")
    page.get_by_label("Give your idea a short name").fill("x" * 121)
    page.get_by_label("What is your idea, and why would it help?").fill("y" * 2001)
    go_on(page)
    shows_error(page, "The name of your idea must be 120 characters or fewer",
                "Your idea must be 2,000 characters or fewer")
    check(page, "both too long")
    page.get_by_label("Give your idea a short name").fill("   ")
    page.get_by_label("What is your idea, and why would it help?").fill(" \n ")
    go_on(page)
    shows_error(page, "Give your idea a short name", "Say what your idea is and why it would help")
    check(page, "only spaces")
    page.get_by_label("Give your idea a short name").fill("A\x00name")
    page.get_by_label("What is your idea, and why would it help?").fill("Some\x00words")
    go_on(page)
    shows_error(page, "What you wrote contains a character we cannot accept")
    check(page, "a character we cannot accept")
    page.get_by_label("Give your idea a short name").fill(title)
    page.get_by_label("What is your idea, and why would it help?").fill(body)
    check(page, "filled")
    go_on(page)

    arrive(page, f"{BOARD}/propose/where", "Which area is your idea for?")
    check(page, "empty")
    go_on(page)
    shows_error(page, "Choose the area your idea is for")
    check(page, "error")
    page.get_by_label("Shipley", exact=True).check()
    check(page, "filled")
    go_on(page)

    arrive(page, f"{BOARD}/propose/updates", "Do you want us to email you when your idea is answered?")
    check(page, "empty")
    email = page.get_by_label("Do you want us to email you when your idea is answered?")
    email.fill("not an email")
    go_on(page)
    shows_error(page, "Enter an email address in the correct format")
    check(page, "error")
    email.fill("x" * 250 + "@example.com")
    go_on(page)
    shows_error(page, "Email address must be 254 characters or fewer")
    check(page, "email too long")
    email.fill("proposer@example.com")
    check(page, "filled")
    go_on(page)

    arrive(page, f"{BOARD}/propose/check-your-answers", "Check your idea before you send it")
    summary = page.locator(".govuk-summary-list")
    for shown in (THEME_NAME, "18 or over", title, "Tea & biscuits <free>.", "Shipley", "proposer@example.com"):
        expect(summary).to_contain_text(shown)
    check(page, "check answers")
    page.get_by_role("link", name="Change the name of your idea").click()
    arrive(page, f"{BOARD}/propose/idea", "Your idea")
    expect(page.get_by_label("Give your idea a short name")).to_have_value(title)
    title = "A conversation café at Shipley library on Saturdays"
    page.get_by_label("Give your idea a short name").fill(title)
    go_on(page)
    arrive(page, f"{BOARD}/propose/check-your-answers", "Check your idea before you send it")
    expect(summary).to_contain_text(title)
    go_on(page, "Send my idea")

    page.wait_for_url("**/ideas/propose/confirmation")
    expect(page.locator(".govuk-panel__title")).to_have_text("Idea sent")
    reference = page.locator(".govuk-panel .yp-reference").inner_text().strip()
    assert REFERENCE_SHOWN.fullmatch(reference), reference
    expect(page.locator("main")).to_contain_text("We will email you when your idea is answered.")
    expect(page.locator("#help-now")).to_have_count(0)
    check(page, "confirmation")

    page.get_by_role("link", name=f"track {reference}").click()
    arrive(page, f"/track/{reference}", "Received")
    expect(page.locator("main")).to_contain_text("Not shown until it is on the board")
    check(page, "idea track page, received")

    with app.app_context():
        idea = idea_by_reference(reference)
        idea_id = idea.id
        assert (idea.title, idea.email, idea.status, idea.public_text) == (
            title, "proposer@example.com", "received", None)
        # Stored as the browser sent it: a plain form post sends CRLF line breaks, htmx LF.
        assert idea.body in (body, body.replace("\n", "\r\n"))
    page.goto(BOARD)
    expect(page.locator(f"#idea-{idea_id}")).to_have_count(0)  # nothing before a moderator approves it
    assert page.request.get(f"{BOARD}/{idea_id}").status == 404

    # A moderator, on their own device, approves it through the staff screens.
    with another_device(chromium, live_server, javascript_on(request)) as staff_page:
        browser_sign_in(app, staff_page, make_staff("moderator"))
        staff_page.goto(f"/moderate/items/{idea_id}")
        main = staff_page.locator("main")
        expect(main).to_contain_text(title)
        expect(staff_page.get_by_label("Merge this duplicate into another idea")).to_be_visible()
        check(staff_page, "moderation item page for an idea, with the merge form")
        staff_page.get_by_label("Merge this duplicate into another idea").fill("no such idea")
        staff_page.get_by_role("button", name="Merge", exact=True).click()
        expect(main).to_contain_text("We could not find that idea")
        check(staff_page, "moderation item page, merge target not found")
        staff_page.get_by_role("button", name="Save public wording").click()
        expect(main).to_contain_text("Public wording saved.")
        expect(staff_page.get_by_label("Public title")).to_have_value(title)
        check(staff_page, "moderation item page for an approved idea")

    page.goto("/ideas")
    expect(page.locator(".yp-theme-card").filter(has_text=THEME_NAME)).to_contain_text("1 idea, 0 supports")
    page.get_by_role("link", name=THEME_NAME, exact=True).click()
    arrive(page, BOARD, THEME_NAME)
    card = page.locator(f"#idea-{idea_id}")
    expect(card.get_by_role("heading", name=title)).to_be_visible()
    expect(card).to_contain_text("Shipley")
    expect(card).to_contain_text("Tea & biscuits <free>.")
    expect(tally(page, idea_id)).to_contain_text("0 supports")
    check(page, "board with the approved idea")
    card.get_by_role("link", name=title).click()
    arrive(page, f"{BOARD}/{idea_id}", title)
    check(page, "idea page")

    page.goto(f"/track/{reference}")
    heading(page, "On the board")
    expect(page.locator("main").get_by_role("link", name="see it and its supports")).to_have_attribute(
        "href", f"{BOARD}/{idea_id}")
    check(page, "idea track page, on the board")
    assert len(check.checked) >= 25
    check.assert_clean()


def test_a_disclosure_gets_help_on_the_confirmation_and_never_reaches_the_board(app, any_page, checks):
    page = any_page
    check = checks("flagged")
    page.goto(f"{BOARD}/propose/who")
    page.get_by_label("Under 13", exact=True).check()
    go_on(page)
    arrive(page, f"{BOARD}/propose/idea", "Your idea")
    page.get_by_label("Give your idea a short name").fill("Help")
    page.get_by_label("What is your idea, and why would it help?").fill("my stepdad hits me when mum is at work")
    go_on(page)
    arrive(page, f"{BOARD}/propose/where", "Which area is your idea for?")
    page.get_by_label("I would rather not say", exact=True).check()
    go_on(page)
    # Under-13s are never asked for an email address.
    arrive(page, f"{BOARD}/propose/check-your-answers", "Check your idea before you send it")
    expect(page.locator(".govuk-summary-list")).not_to_contain_text("Email")
    check(page, "check answers, under 13")
    go_on(page, "Send my idea")
    page.wait_for_url("**/ideas/propose/confirmation")
    help_box = page.locator("#help-now")
    expect(help_box).to_contain_text("Childline")
    expect(help_box.get_by_role("link", name="0800 1111")).to_have_attribute("href", "tel:08001111")
    check(page, "confirmation, flagged with help")
    reference = page.locator(".govuk-panel .yp-reference").inner_text().strip()
    with app.app_context():
        idea = idea_by_reference(reference)
        assert (idea.safeguarding_state, idea.email, idea.age_band) == ("open", None, "under_13")
    page.goto(f"/track/{reference}")
    heading(page, "Being reviewed")  # never says it was flagged
    check(page, "idea track page, being reviewed")
    page.goto("/ideas/propose/confirmation")
    page.get_by_role("button", name="I have finished: clear this page").click()
    page.wait_for_url(re.compile(r".*/ideas$"))
    expect(banner(page)).to_contain_text("Your answers have been cleared from this device.")
    check.assert_clean()


# ---- supporting ----------------------------------------------------------------------


def support_form_fields(page: Page, idea_id: int) -> tuple[str, dict]:
    """The support form's action and fields, as they are on the page now (to replay it)."""
    return page.locator(f"#support-{idea_id} form").evaluate(
        "form => [form.getAttribute('action'), Object.fromEntries(new FormData(form))]")


def test_support_is_counted_once_announced_and_can_be_withdrawn(app, any_page, checks, request):
    javascript = javascript_on(request)
    page = any_page
    check = checks("support")
    idea_id, _reference = published_idea(app, title="Benches along the canal towpath in Shipley", area="shipley")
    other_id, _ = published_idea(app, title="A youth club in Keighley on Friday nights", supports=3, verified=1)

    page.goto(BOARD)
    card = page.locator(f"#idea-{idea_id}")
    expect(tally(page, idea_id)).to_contain_text("0 supports")
    expect(tally(page, other_id)).to_contain_text("3 supports")
    expect(tally(page, other_id)).to_contain_text("1 verified by email, 2 not verified")
    region = status_region(page, idea_id)
    expect(region).to_have_attribute("role", "status")
    expect(region).to_be_empty()
    check(page, "board, not supported")

    # Opened before supporting, so it still offers "Support": a second tab, same device.
    tab = new_tab(page)
    tab.goto(BOARD)
    expect(tab.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea")).to_be_visible()
    action, replay = support_form_fields(page, idea_id)
    assert replay["action"] == "support"

    if javascript:
        # Marks that survive only if the page is not loaded again and the region is kept.
        page.locator("main h1").evaluate("el => { el.dataset.stillHere = 'yes'; }")
        region.evaluate("el => { window.__region = el; }")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith(f"/{idea_id}/support")) as posted:
        card.get_by_role("button", name="Support this idea").click()
    expect(tally(page, idea_id)).to_contain_text("1 support")
    expect(card.get_by_role("button", name="Take back my support for this idea")).to_be_visible()
    expect(card).to_contain_text("You support this")
    message = "You support this idea. It now has 1 support."
    if javascript:
        assert posted.value.headers.get("hx-request") == "true" and "hx-boosted" not in posted.value.headers
        expect(region).to_have_text(message)
        expect(region).to_have_attribute("role", "status")
        expect(page.locator(f"[id=support-status-{idea_id}]")).to_have_count(1)
        assert region.evaluate("el => el === window.__region"), "the live region was replaced, not kept"
        assert page.locator("main h1").get_attribute("data-still-here") == "yes", "the page was loaded again"
        assert page.url.endswith(BOARD)
        expect(banner(page)).to_have_count(0)
    else:
        page.wait_for_url(re.compile(re.escape(f"{BOARD}#idea-{idea_id}") + "$"))
        expect(banner(page)).to_contain_text(message)
    assert (idea_row(app, idea_id).support_count, support_rows(app, idea_id)) == (1, 1)
    check(page, "board, supported")

    # Again, from the tab that still offers "Support": nothing changes, and it says so.
    again = "You already support this idea, so nothing changed. It has 1 support."
    tab.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea").click()
    if javascript:
        expect(status_region(tab, idea_id)).to_have_text(again)
    else:
        tab.wait_for_url(re.compile(re.escape(f"{BOARD}#idea-{idea_id}") + "$"))
        expect(banner(tab)).to_contain_text(again)
    expect(tally(tab, idea_id)).to_contain_text("1 support")
    expect(tab.locator(f"#support-{idea_id}").get_by_role("button", name="Take back my support for this idea")
           ).to_be_visible()
    check(tab, "board, supported twice")
    assert not tab.console_errors, tab.console_errors
    tab.close()

    # Again, as a replayed post of the form as it was before supporting.
    replayed = page.request.post(action, form=replay)
    assert replayed.ok
    assert again in replayed.text()
    assert (idea_row(app, idea_id).support_count, support_rows(app, idea_id)) == (1, 1)

    if not javascript:
        # The back button: the page from before supporting, shown again. Whether the
        # browser keeps the old form or fetches the page afresh, nothing changes.
        page.go_back()
        page.wait_for_load_state("load")
        control = page.locator(f"#support-{idea_id}")
        if control.locator("input[name=action]").get_attribute("value") == "support":
            control.get_by_role("button", name="Support this idea").click()
            page.wait_for_url(re.compile(re.escape(f"{BOARD}#idea-{idea_id}") + "$"))
            expect(banner(page)).to_contain_text(again)
        expect(tally(page, idea_id)).to_contain_text("1 support")
        assert (idea_row(app, idea_id).support_count, support_rows(app, idea_id)) == (1, 1)
        page.goto(BOARD)

    # Withdraw: falls by one.
    page.locator(f"#support-{idea_id}").get_by_role("button", name="Take back my support for this idea").click()
    withdrawn = "You no longer support this idea. It now has 0 supports."
    if javascript:
        expect(status_region(page, idea_id)).to_have_text(withdrawn)
    else:
        page.wait_for_url(re.compile(re.escape(f"{BOARD}#idea-{idea_id}") + "$"))
        expect(banner(page)).to_contain_text(withdrawn)
    expect(tally(page, idea_id)).to_contain_text("0 supports")
    expect(page.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea")).to_be_visible()
    assert (idea_row(app, idea_id).support_count, support_rows(app, idea_id)) == (0, 0)
    check(page, "board, support withdrawn")
    # The other idea was never touched.
    assert idea_row(app, other_id).support_count == 3
    check.assert_clean()


def test_supporting_on_the_idea_page_returns_to_the_same_idea(app, any_page, checks, request):
    javascript = javascript_on(request)
    page = any_page
    check = checks("idea page")
    idea_id, _ = published_idea(app, title="Free English classes at Keighley library", theme=THEME)
    url = f"{BOARD}/{idea_id}"

    page.goto(url)
    heading(page, "Free English classes at Keighley library")
    expect(status_region(page, idea_id)).to_have_attribute("role", "status")
    check(page, "not supported")
    page.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea").click()
    message = "You support this idea. It now has 1 support."
    if javascript:
        expect(status_region(page, idea_id)).to_have_text(message)
        assert page.url.endswith(url)
    else:
        page.wait_for_url(re.compile(re.escape(f"{url}#idea-{idea_id}") + "$"))
        expect(banner(page)).to_contain_text(message)
    expect(tally(page, idea_id)).to_contain_text("1 support")
    check(page, "supported")
    # Reloaded, it still knows this device supports it.
    page.goto(url)
    expect(page.locator(f"#support-{idea_id}")).to_contain_text("You support this")
    check(page, "supported, reloaded")
    page.locator(f"#support-{idea_id}").get_by_role("button", name="Take back my support for this idea").click()
    expect(tally(page, idea_id)).to_contain_text("0 supports")
    assert idea_row(app, idea_id).support_count == 0
    check.assert_clean()


@pytest.mark.parametrize("fixture", ["page", "page_nojs"])
def test_supporting_by_keyboard_alone(app, fixture, request):
    page = request.getfixturevalue(fixture)
    idea_id, _ = published_idea(app)
    page.goto(BOARD)
    button = page.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea")
    tab_to(page, button)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(tally(page, idea_id)).to_contain_text("1 support")
    assert idea_row(app, idea_id).support_count == 1


# ---- verifying by emailed code -------------------------------------------------------


def test_an_emailed_code_moves_a_support_from_unverified_to_verified(app, any_page, checks):
    page = any_page
    check = checks("verify")
    idea_id, _ = published_idea(app, title="Litter pickers for every school in Bradford West")
    url = f"{BOARD}/{idea_id}"
    page.goto(url)
    page.locator(f"#support-{idea_id}").get_by_role("button", name="Support this idea").click()
    expect(tally(page, idea_id)).to_contain_text("0 verified by email, 1 not verified")

    page.goto(url)
    page.get_by_role("link", name="Confirm your supports").click()
    arrive(page, "/ideas/confirm-your-supports", "Confirm your supports by email")
    check(page, "empty")
    go_on(page, "Send me a code")
    shows_error(page, "Enter your email address")
    check(page, "missing email")
    page.get_by_label("Email address").fill("not an email")
    go_on(page, "Send me a code")
    shows_error(page, "Enter an email address in the correct format, like name@example.com")
    expect(page.get_by_label("Email address")).to_have_value("not an email")
    check(page, "email in the wrong format")
    page.get_by_label("Email address").fill("x" * 250 + "@example.com")
    go_on(page, "Send me a code")
    shows_error(page, "Email address must be 254 characters or fewer")
    check(page, "email too long")
    page.get_by_label("Email address").fill("supporter@example.com")
    page.get_by_label("Email me when an idea I support is answered").check()
    check(page, "filled")
    go_on(page, "Send me a code")

    arrive(page, "/ideas/confirm-your-supports/code", "Type the code from the email")
    check(page, "empty")
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "supporter@example.com"))
        code = re.search(r"\b(\d{6})\b", message.body).group(1)
    code_box = page.get_by_label("Type the code from the email")
    go_on(page, "Confirm")
    shows_error(page, "Enter the 6-digit code from the email")
    check(page, "missing code")
    code_box.fill("12ab")
    go_on(page, "Confirm")
    shows_error(page, "The code is 6 digits, like 123456")
    check(page, "code in the wrong format")
    code_box.fill("000000" if code != "000000" else "111111")
    go_on(page, "Confirm")
    shows_error(page, "That code is not right. Check the email and try again")
    check(page, "wrong code")
    assert idea_row(app, idea_id).verified_count == 0
    code_box.fill(f"{code[:3]} {code[3:]}")  # as people type it, with a space
    go_on(page, "Confirm")

    page.wait_for_url(re.compile(r".*/ideas$"))
    expect(banner(page)).to_contain_text("Thank you. Your supports are now verified.")
    check(page, "themes, verified")
    page.goto(url)
    expect(tally(page, idea_id)).to_contain_text("1 support")
    expect(tally(page, idea_id)).to_contain_text("1 verified by email, 0 not verified")
    check(page, "idea page, verified support")
    row = idea_row(app, idea_id)
    assert (row.support_count, row.verified_count) == (1, 1)
    check.assert_clean()


def test_a_code_that_has_run_out_asks_for_a_new_one(app, any_page, checks):
    page = any_page
    check = checks("verify")
    page.goto("/ideas/confirm-your-supports")
    page.get_by_label("Email address").fill("late@example.com")
    go_on(page, "Send me a code")
    arrive(page, "/ideas/confirm-your-supports/code", "Type the code from the email")
    with app.app_context():
        db.session.execute(update(SupportVerification).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()
    page.get_by_label("Type the code from the email").fill("123456")
    go_on(page, "Confirm")
    arrive(page, "/ideas/confirm-your-supports", "Confirm your supports by email")
    expect(banner(page)).to_contain_text("That code has run out. Ask for a new one.")
    check(page, "code run out")
    # With no code waiting, the code page sends the person back to ask for one.
    page.goto("/ideas/confirm-your-supports/code")
    arrive(page, "/ideas/confirm-your-supports", "Confirm your supports by email")
    check.assert_clean()


# ---- an answer -----------------------------------------------------------------------


def test_an_answer_shows_on_the_idea_the_board_and_the_proposers_track_page(app, any_page, checks, client):
    page = any_page
    check = checks("answered")
    reference = Proposer(client).propose(title="Lights on the path through Lister Park",
                                         body="It is too dark to walk home in winter.", area="bradford-west")
    with app.app_context():
        idea = idea_by_reference(reference)
        idea.public_text, idea.public_title, idea.status = idea.body, idea.title, "in_review"
        db.session.commit()
        add_support(idea, "device-one")
        response = make_published_response([idea], you_said="Lights on the park path.",
                                           we_did="We will put solar lights along the main path.")
        idea_id, response_id = idea.id, response.id
        row = db.session.get(Idea, idea_id)
        assert (row.status, row.response_id) == ("answered", response_id) and row.answered_at is not None

    page.goto(BOARD)
    card = page.locator(f"#idea-{idea_id}")
    expect(card).to_contain_text("Answered")
    # The card links to what was done: the answer itself, or the idea's answer section.
    expect(card.get_by_role("link", name=re.compile("^See what we did"))).to_have_attribute(
        "href", re.compile(f"^(/you-said-we-did/{response_id}|{re.escape(BOARD)}/{idea_id}#answer)$"))
    check(page, "board with an answered idea")
    page.goto(f"{BOARD}/{idea_id}#answer")
    answer = page.locator("#answer")
    expect(answer).to_contain_text("We answered this idea")
    to_answer = answer.locator(f'a[href="/you-said-we-did/{response_id}"]')
    expect(to_answer).to_be_visible()
    check(page, "idea page, answered")
    to_answer.click()
    page.wait_for_url(f"**/you-said-we-did/{response_id}")
    expect(page.locator("main")).to_contain_text("We will put solar lights along the main path.")

    page.goto(f"/track/{reference}")
    heading(page, "Answered")
    expect(page.locator(f'main a[href="/you-said-we-did/{response_id}"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text("Lights on the path through Lister Park")
    check(page, "idea track page, answered")
    check.assert_clean()


# ---- the board's other states --------------------------------------------------------


def test_a_full_board_pages_sorts_and_filters(app, any_page, checks):
    page = any_page
    check = checks("board")
    with app.app_context():
        ids = [make_idea(title=f"Idea number {n}: a place to meet in the evenings", supports=n,
                         verified=n // 3, area="shipley" if n % 2 else "keighley",
                         audience="young_person" if n % 5 == 0 else "adult").id for n in range(25)]
    page.goto("/ideas")
    expect(page.locator(".yp-theme-card").filter(has_text=THEME_NAME)).to_contain_text("25 ideas, 300 supports")
    check(page, "themes with ideas")

    page.goto(BOARD)
    expect(page.locator("li.yp-idea")).to_have_count(20)
    expect(page.locator("li.yp-idea").first).to_have_attribute("id", f"idea-{ids[-1]}")
    more = page.locator("#results a[rel=next]")
    expect(more).to_be_visible()
    check(page, "first page, with a next page link")
    more.click()
    page.wait_for_url(re.compile(r".*after=.*"))
    expect(page.locator("li.yp-idea")).to_have_count(5)
    expect(page.locator("#results a[rel=prev]")).to_be_visible()
    check(page, "second page, with a previous page link")

    page.goto(BOARD)
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_label("Area").select_option("keighley")
    page.get_by_role("button", name="Show ideas").click()
    page.wait_for_url(re.compile(r".*order=newest.*area=keighley|.*area=keighley.*order=newest"))
    expect(page.locator("li.yp-idea")).to_have_count(13)
    expect(page.locator("li.yp-idea").first).to_have_attribute("id", f"idea-{ids[0]}")
    check(page, "newest, one area")

    page.goto(f"{BOARD}?area=bradford-east")
    expect(page.locator("#results")).to_contain_text("There are no ideas for this area yet.")
    check(page, "an area with no ideas")
    check.assert_clean()


# ---- page weight ---------------------------------------------------------------------


def test_idea_pages_stay_within_the_page_weight_budget(app, client):
    """PERFORMANCE.md: ≤ 60 KB compressed on first load, JavaScript ≤ 25 KB."""
    with app.app_context():
        ideas = [make_idea(title=f"Idea {n}: " + "a longer name for an idea " * 3, body="Words. " * 250, supports=n)
                 for n in range(25)]
        make_published_response([ideas[0]])
        answered_id, idea_id = ideas[0].id, ideas[1].id
    for path in ("/ideas", BOARD, f"{BOARD}?area=keighley&order=newest", f"{BOARD}/{idea_id}",
                 f"{BOARD}/{answered_id}", f"{BOARD}/propose", "/ideas/confirm-your-supports"):
        assert_page_weight(client, path, total_kb=60, js_kb=25)

    proposer = Proposer(client)
    answers = [("who", {"answer": "adult"}), ("idea", {"title": "A name", "body": "Words. " * 280}),
               ("where", {"answer": "keighley"}), ("updates", {"email": "me@example.com"})]
    for step, data in answers:
        assert_page_weight(client, f"{proposer.prefix}/{step}", total_kb=60, js_kb=25)
        assert proposer.post(f"/{step}", data).status_code == 302
    assert_page_weight(client, f"{proposer.prefix}/check-your-answers", total_kb=60, js_kb=25)
    sent = proposer.send()
    assert sent.status_code == 303
    reference = REFERENCE_SHOWN.search(client.get(sent.headers["Location"]).get_data(as_text=True)).group(0)
    for path in ("/ideas/propose/confirmation", f"/track/{reference}"):
        assert_page_weight(client, path, total_kb=60, js_kb=25)
    token = csrf_token_from(client.get("/ideas/confirm-your-supports").get_data(as_text=True))
    client.post("/ideas/confirm-your-supports", data={"email": "me@example.com", "csrf_token": token})
    assert_page_weight(client, "/ideas/confirm-your-supports/code", total_kb=60, js_kb=25)
