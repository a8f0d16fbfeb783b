"""Helpers for the People's Advisory Group in a real browser: rows made directly (members,
a waiting list, meetings, links), the emails read back from the outbox, the page checks
(axe-core, the Nu Html Checker, 320 px) kept and reported together, and the applicant's
journey through the real question pages."""

from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select, update

from portal.advisory import services
from portal.advisory.models import EQUALITIES_FORUM, AdvisoryLink, Application, Meeting
from portal.core.models import Area
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.shared.references import format_reference, new_reference, parse_reference
from portal.timeutil import UK, uk_today
from tests.support.a11y import assert_no_axe_violations
from tests.support.browser import PHONE_VIEWPORT, new_phone_page
from tests.support.layout import REFLOW_WIDTH, assert_no_horizontal_scroll

if TYPE_CHECKING:
    from playwright.sync_api import Page

REFERENCE_SHOWN = re.compile(r"BD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")
_counter = itertools.count(1)


# ---- rows made directly --------------------------------------------------------------


def make_application(app, pool: str = "shipley", stage: str = "member", *, name: str | None = None,
                     email: str | None = None, waiting_since: datetime | None = None,
                     created_at: datetime | None = None, **columns) -> SimpleNamespace:
    """An application in `pool` at `stage`, as the services would have left it (`columns`
    set last, e.g. declared_on or offer_expires_at).

    Returns its id, name, email and shown reference (readable after the session is gone).
    """
    n = next(_counter)
    now = datetime.now(UTC)
    created_at = created_at or now - timedelta(days=30, minutes=n)
    name = name or f"Person {n}"
    with app.app_context():
        area_id = None if pool == EQUALITIES_FORUM else db.session.scalar(select(Area.id).where(Area.slug == pool))
        applied = created_at.astimezone(UK).date()
        application = Application(
            reference=new_reference(), draft_token=f"browser-test-{n}", audience="adult", language="en",
            area_id=area_id, name=name, email=email, phone=None if email else "07700 900982", age_band="25_44",
            seat_pool=pool, why="I want to help my neighbours be heard.", bring="I run a lunch club.",
            interests="sharing-spaces-and-places", availability="weekday_evening", access_needs="",
            declaration="", declared_on=applied, consent_at=created_at, stage=stage,
            stage_changed_at=created_at, created_at=created_at, due_on=services.due_date(applied),
            status="received" if stage == "submitted" else "in_review", safeguarding_state="none",
        )
        if stage == "waiting_list":
            application.waiting_since = waiting_since or created_at
        if stage == "offered":
            application.offer_expires_at = now + timedelta(days=14)
        if stage == "member":
            application.status, application.answered_at = "answered", created_at
            application.term_start = applied
            application.term_end = services.add_years(applied, 2)
        if stage in ("declined", "withdrawn", "not_selected", "left"):
            application.status, application.answered_at = "answered", created_at
        if stage == "left":
            application.left_on = applied
        for column, value in columns.items():
            setattr(application, column, value)
        db.session.add(application)
        db.session.commit()
        return SimpleNamespace(id=application.id, name=name, email=email, pool=pool, stage=stage,
                               reference=format_reference(application.reference))


def fill_pool(app, pool: str, count: int = 5, prefix: str = "Member") -> list[SimpleNamespace]:
    """`count` members in `pool` (5 fills an area)."""
    return [make_application(app, pool, "member", name=f"{prefix} {i} of {pool}", email=f"member{i}.{pool}@example.org")
            for i in range(1, count + 1)]


def make_meeting(app, days_from_today: int = 30, place: str = "City Hall, Bradford",
                 agenda: str = "The Stronger Communities strategy: what people said.") -> int:
    with app.app_context():
        meeting = Meeting(held_on=uk_today() + timedelta(days=days_from_today), place=place, agenda=agenda)
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def make_link(app, application_id: int, purpose: str, *, expired: bool = False, used: bool = False) -> str:
    """A token for one of the emailed links; `expired` or `used` to see its problem page."""
    with app.app_context():
        application = db.session.get(Application, application_id)
        token = services.make_link(application, purpose)
        link_id = db.session.scalar(select(AdvisoryLink.id).order_by(AdvisoryLink.id.desc()).limit(1))
        changes = {}
        if expired:
            changes["expires_at"] = datetime.now(UTC) - timedelta(minutes=1)
        if used:
            changes["used_at"] = datetime.now(UTC) - timedelta(minutes=1)
        if changes:
            db.session.execute(update(AdvisoryLink).where(AdvisoryLink.id == link_id).values(**changes))
        db.session.commit()
        return token


def invite(app, member_ids: list[int], title: str = "Linking up schools: a focus group") -> int:
    """A focus group invitation to these members, through the service (emails queued)."""
    with app.app_context():
        people = [db.session.get(Application, ident) for ident in member_ids]
        invitation = services.invite(title, "An hour to talk about how schools could work together.",
                                     uk_today() + timedelta(days=20), "Shipley Library", people, actor=None)
        return invitation.id


def stage_of(app, application_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, application_id).stage


def application_by_reference(app, shown: str) -> SimpleNamespace:
    with app.app_context():
        application = services.find_by_reference(parse_reference(shown))
        assert application is not None, shown
        return SimpleNamespace(id=application.id, stage=application.stage, seat_pool=application.seat_pool,
                               email=application.email, name=application.name,
                               waiting_since=application.waiting_since)


# ---- the outbox ----------------------------------------------------------------------


def emails_to(app, address: str) -> list[SimpleNamespace]:
    with app.app_context():
        return [SimpleNamespace(subject=m.subject, body=m.body, dedupe_key=m.dedupe_key)
                for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                            .order_by(OutboxMessage.id))]


def link_in(body: str, path: str) -> str:
    """The path (and token) of the first link in an email body that starts with `path`.

    The emails use PUBLIC_BASE_URL (no port in tests): the browser opens the same path on
    the live server.
    """
    for url in re.findall(r"https?://\S+", body):
        parts = urlsplit(url)
        if parts.path.startswith(path):
            return parts.path
    raise AssertionError(f"no {path} link in the email:\n{body}")


def offer_link(app, address: str) -> str:
    offers = [m for m in emails_to(app, address) if m.dedupe_key.startswith("advisory:offered:")]
    assert offers, f"no offer email to {address}: {[m.subject for m in emails_to(app, address)]}"
    return link_in(offers[-1].body, "/advisory-group/offer/")


# ---- page checks ---------------------------------------------------------------------


class Checks:
    """axe-core, the Nu Html Checker and 320 px reflow on one page in one state. Every
    failure is kept, so a test goes on to the next page and reports all it found."""

    def __init__(self, html_checker, label: str):
        self.html_checker = html_checker
        self.label = label
        self.checked: list[str] = []
        self.failures: list[str] = []

    def __call__(self, page: Page, state: str) -> None:
        where = f"{self.label}: {urlsplit(page.url).path} ({state})"
        page.wait_for_load_state("load")
        page.set_viewport_size({"width": REFLOW_WIDTH, "height": PHONE_VIEWPORT["height"]})
        try:
            for run in (lambda: assert_no_axe_violations(page, where),
                        lambda: self.html_checker.assert_valid(page.content(), where),
                        lambda: assert_no_horizontal_scroll(page, where)):
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


def no_check(_page, _state) -> None:
    """Stands in for Checks where a journey has been checked elsewhere."""


@contextmanager
def another_device(chromium, live_server, javascript: bool):
    """A second phone with its own cookies: the moderator's, or the applicant's mail app."""
    page = new_phone_page(chromium, live_server.url, javascript=javascript)
    try:
        yield page
    finally:
        errors, offsite = list(page.console_errors), list(page.offsite_requests)
        page.context.close()
    assert not offsite, f"third-party requests: {offsite}"
    assert not errors, f"browser console errors: {errors}"


# ---- moving about --------------------------------------------------------------------


def heading(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator("main h1")).to_have_text(re.compile(re.escape(text)))


def arrive(page: Page, path_end: str, text: str) -> None:
    page.wait_for_url(re.compile(re.escape(path_end) + r"(\?.*)?(#.*)?$"))
    heading(page, text)


def go_on(page: Page, button: str = "Continue") -> None:
    page.locator("main").get_by_role("button", name=button, exact=True).click()


def shows_error(page: Page, *messages: str) -> None:
    from playwright.sync_api import expect

    summary = page.locator(".govuk-error-summary")
    for message in messages:
        expect(summary).to_contain_text(message)
    expect(page).to_have_title(re.compile("^Error: "))


def visit_link_problem(page: Page, path: str, status: int) -> None:
    """Open a link whose page says what is wrong with it, with a 404 or 410 status: the
    browser logs that status as a console error, which here is expected (and only that)."""
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    expected = f"the server responded with a status of {status}"
    page.console_errors[:] = [e for e in page.console_errors  # type: ignore[attr-defined]
                              if not (expected in e and path.split("?")[0] in e)]


def seats_cell(page: Page, pool_name: str):
    """The "n of 5 filled" cell of one pool's row on /advisory-group."""
    return page.locator("table tbody tr").filter(
        has=page.get_by_role("rowheader", name=pool_name, exact=True)).locator("td").first


# ---- the applicant's journey ---------------------------------------------------------

APPLY = "/advisory-group/apply"


def apply_through_the_pages(page: Page, check=no_check, *, name: str, email: str, area: str = "Shipley",
                            errors: bool = False, full: bool = False, answer_questions: bool = False) -> str:
    """From /advisory-group to the confirmation, answering every question; returns the
    reference shown. `errors` sends each required question empty first (and checks that
    state); `full` expects the area to be full, said on the route and check pages;
    `answer_questions` answers the first two questions about you, then skips the rest."""
    from playwright.sync_api import expect

    page.goto("/advisory-group")
    heading(page, "People’s Advisory Group")
    page.get_by_role("button", name="Apply to join").click()
    arrive(page, APPLY, "Apply to join the People’s Advisory Group")
    check(page, "start")
    page.get_by_role("button", name="Start now").click()

    def question(step: str, title: str, *messages: str) -> None:
        arrive(page, f"{APPLY}/{step}", title)
        check(page, "empty")
        if errors and messages:
            go_on(page)
            arrive(page, f"{APPLY}/{step}", title)
            shows_error(page, *messages)
            check(page, "sent empty: " + "; ".join(messages))

    question("age", "How old are you?", "Choose how old you are")
    page.get_by_label("25 to 44", exact=True).check()
    go_on(page)

    question("name", "What is your name?", "Enter your name")
    page.get_by_label("What is your name?").fill(name)
    go_on(page)

    question("contact", "How can we contact you?", "Enter an email address or a phone number, or both")
    page.get_by_label("Email address").fill(email)
    go_on(page)

    question("route", "How would you join?", "Choose how you would join")
    option = page.locator(".govuk-radios__item").filter(has=page.get_by_label(f"I live in {area}", exact=True))
    if full:
        expect(option).to_contain_text("All 5 seats are filled. You can still apply and join the waiting list.")
    else:
        expect(option).to_contain_text(re.compile(r"[1-5] of 5 seats open"))
    page.get_by_label(f"I live in {area}", exact=True).check()
    go_on(page)

    question("why", "Why do you want to join?", "Tell us why you want to join",
             "Tell us what you would bring to the group")
    page.get_by_label("Why do you want to join the group?").fill("I want people in my street to be asked first.")
    page.get_by_label("What would you bring to the group?").fill("I volunteer at the library in Saltaire.")
    go_on(page)

    # Optional: sending it empty is an answer, so there is no error state to see.
    question("interests", "Which topics do you care about most? (optional)")
    page.get_by_label("Sharing Spaces and Places").check()
    go_on(page)

    question("availability", "When could you come to a meeting?",
             "Choose at least one time you could come to a meeting")
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("Online meetings").check()
    go_on(page)

    question("access", "Do you need any help to take part? (optional)")  # optional too
    page.get_by_label("Do you need any help to take part? (optional)").fill("A hearing loop, please.")
    go_on(page)

    question("declaration", "Do you have any interests to tell us about?",
             "Choose yes if you have interests to declare, or no")
    if errors:
        page.get_by_label("Yes", exact=True).check()
        go_on(page)
        arrive(page, f"{APPLY}/declaration", "Do you have any interests to tell us about?")
        shows_error(page, "Tell us about your interests")
        check(page, "yes, with nothing said")
    page.get_by_label("No", exact=True).check()
    go_on(page)

    question("consent", "Can we contact you about the group?", "Tick the box to say we may contact you about the group")
    page.get_by_label("I agree that you may contact me about the People’s Advisory Group").check()
    go_on(page)

    arrive(page, f"{APPLY}/check-your-answers", "Check your answers before you send your application")
    main = page.locator("main")
    expect(main).to_contain_text(name)
    expect(main).to_contain_text(f"I live in {area}")
    box = page.locator("#waiting-list")
    if full:
        expect(box).to_contain_text("You will join the waiting list")
        expect(box).to_contain_text(f"All 5 seats for {area} are filled at the moment.")
    else:
        expect(box).to_have_count(0)
    check(page, "with the waiting-list box" if full else "seats open")
    go_on(page, "Send my application")

    arrive(page, f"{APPLY}/questions-about-you", "Questions about you (optional)")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your application has been sent.")
    check(page, "intro")
    if answer_questions:
        go_on(page, "Answer the questions")
        arrive(page, f"{APPLY}/questions-about-you/sex", "What is your sex?")
        expect(page.locator(".govuk-caption-l")).to_have_text("Question 1 of 4 (optional)")
        check(page, "first question")
        go_on(page)  # no answer is an answer here: on to the next question
        arrive(page, f"{APPLY}/questions-about-you/ethnic-group", "What is your ethnic group?")
        check(page, "second question")
        page.get_by_label("Asian or Asian British", exact=True).check()
        go_on(page)
        arrive(page, f"{APPLY}/questions-about-you/ethnic-background",
               "Which of these best describes your Asian or Asian British background?")
        check(page, "the background question for the group chosen")
        go_on(page, "Skip the rest of the questions")
    else:
        go_on(page, "Skip the questions")

    arrive(page, f"{APPLY}/confirmation", "Application sent")
    reference = page.locator("#reference").inner_text().strip()
    assert REFERENCE_SHOWN.fullmatch(reference), reference
    return reference
