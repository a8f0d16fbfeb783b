"""Event mode in a real browser at phone size: three people in a row on one event tablet
(JavaScript on and off), each a new device with one support, and nobody sees anything of
the person before; every staff and public event page in each state passes axe-core, the
Nu Html Checker and 320 px; and, with JavaScript, the warning before the screen clears
by itself."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.ideas import eventmode
from portal.ideas.models import Event, Idea, IdeaSupport
from portal.shared.devices import COOKIE as DEVICE_COOKIE
from portal.timeutil import uk_today
from tests.support.a11y import assert_no_axe_violations
from tests.support.factories import theme_id
from tests.support.ideas import make_idea
from tests.support.layout import assert_no_horizontal_scroll
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser

SPACES = "sharing-spaces-and-places"
SCHOOLS = "linking-up-schools"


def check(page: Page, html_checker, where: str) -> None:
    assert_no_axe_violations(page, where)
    html_checker.assert_valid(page.content(), where)
    assert_no_horizontal_scroll(page, where)  # at 320 CSS px


def make_event(app, state: str = "open", name: str = "Idea board at City Park") -> tuple[int, str]:
    with app.app_context():
        event = eventmode.create_event(name, "City Park, Bradford", uk_today(),
                                       [theme_id(SPACES), theme_id(SCHOOLS)], None)
        if state in ("open", "closed"):
            eventmode.open_event(event, None)
        if state == "closed":
            eventmode.close_event(event, None)
        db.session.commit()
        return event.id, event.code


def make_ideas(app) -> list[int]:
    with app.app_context():
        return [make_idea(title="Youth clubs open later on Fridays", supports=4).id,
                make_idea(title="Lights and toilets in our parks", area="bradford-south", supports=2).id,
                make_idea(title="Pen pals with the other school", theme=SCHOOLS, audience="young_person").id]


def device_cookie(page: Page) -> str:
    [value] = [c["value"] for c in page.context.cookies() if c["name"] == DEVICE_COOKIE]
    return value


def become_the_tablet(app, page: Page, html_checker, make_staff, event_id: int, code: str) -> None:
    """A facilitator signs in on the tablet and makes it the event tablet (signing out)."""
    browser_sign_in(app, page, make_staff("facilitator"))
    page.goto(f"/moderate/events/{event_id}")
    check(page, html_checker, "staff event page, open")
    page.get_by_role("button", name="Use this device as the event tablet").click()
    page.wait_for_url(f"**/event/{code}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("This device is now the event tablet")
    expect(page.get_by_role("button", name="Next person")).to_be_visible()


def next_person(page: Page, code: str) -> None:
    page.get_by_role("button", name="Next person").click()
    page.wait_for_url(f"**/event/{code}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The screen has been cleared")


def support(page: Page, idea_id: int) -> None:
    idea = page.locator(f"#idea-{idea_id}")
    expect(idea.get_by_text("You support this", exact=True)).to_have_count(0)
    idea.get_by_role("button", name="Support this idea").click()
    expect(page.locator(f"#idea-{idea_id}").get_by_text("You support this", exact=True)).to_be_visible()


def propose(page: Page, html_checker, send: bool) -> None:
    page.get_by_role("button", name="Share your idea for Sharing Spaces and Places").click()
    page.wait_for_url(f"**/ideas/{SPACES}/propose")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/propose/who")
    page.get_by_label("18 or over").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/propose/idea")
    page.get_by_label("Give your idea a short name").fill("A book swap at the bus station")
    page.get_by_label("What is your idea, and why would it help?").fill("Shelves where anyone can leave a book.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/propose/where")
    if not send:
        return
    page.get_by_label("Keighley").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/propose/updates")
    page.get_by_role("button", name="Continue").click()  # no email
    page.wait_for_url("**/propose/check-your-answers")
    page.get_by_role("button", name="Send my idea").click()
    expect(page.locator("main h1")).to_have_text("Idea sent")
    check(page, html_checker, "proposal confirmation on the tablet")


def test_three_people_in_a_row_on_one_event_tablet(app, any_page, html_checker, make_staff):
    page = any_page
    event_id, code = make_event(app)
    first, second, _school = make_ideas(app)
    become_the_tablet(app, page, html_checker, make_staff, event_id, code)
    devices = [device_cookie(page)]
    check(page, html_checker, "event page on the tablet, first person")

    # The first person supports an idea and sends one of their own.
    support(page, first)
    check(page, html_checker, "event page, supported")
    propose(page, html_checker, send=True)
    next_person(page, code)
    devices.append(device_cookie(page))

    # The second sees nothing of the first: no support, no confirmation, no draft.
    expect(page.get_by_text("You support this", exact=True)).to_have_count(0)
    check(page, html_checker, "event page after Next person")
    page.goto("/ideas/propose/confirmation")
    expect(page.get_by_text("Idea sent")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"BD-[0-9A-Z]{4}-[0-9A-Z]{4}"))).to_have_count(0)
    page.goto(f"/event/{code}")
    support(page, first)
    support(page, second)
    propose(page, html_checker, send=False)  # a half-written idea, left behind
    next_person(page, code)
    devices.append(device_cookie(page))

    # The third: the second's supports and half-written idea are gone, even with Back.
    expect(page.get_by_text("You support this", exact=True)).to_have_count(0)
    page.go_back()
    # Back reaches the second person's last question, which now has no draft behind it
    # and redirects to the first question: wait for that, then read the page.
    page.wait_for_url(f"**/ideas/{SPACES}/propose/who")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("You support this", exact=True)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("A book swap at the bus station")
    expect(page.locator("input[value='A book swap at the bus station']")).to_have_count(0)
    page.goto(f"/ideas/{SPACES}/propose/idea")
    expect(page.get_by_label("Give your idea a short name")).to_have_count(0)  # no draft: back to the start
    page.goto(f"/event/{code}")
    support(page, first)
    next_person(page, code)
    devices.append(device_cookie(page))

    assert len(set(devices)) == 4, devices  # the facilitator's, and one fresh one after each person
    with app.app_context():
        rows = list(db.session.scalars(select(IdeaSupport).where(IdeaSupport.idea_id == first)))
        assert len(rows) == 3 and len({row.device for row in rows}) == 3
        assert {(row.channel, row.event_id) for row in rows} == {("event", event_id)}
        assert db.session.get(Idea, first).support_count == 4 + 3
        [proposed] = db.session.scalars(select(Idea).where(Idea.title == "A book swap at the bus station"))
        assert (proposed.channel, proposed.event_id) == ("event", event_id)
        supports, ideas = eventmode.counts([event_id])[event_id]
        assert (supports, ideas) == (4, 1)


def test_every_event_page_in_every_state_passes_the_checks(app, page, html_checker, make_staff):
    make_ideas(app)
    draft_id, draft_code = make_event(app, state="draft", name="Idea board at Keighley Library")
    closed_id, closed_code = make_event(app, state="closed", name="Stronger Communities idea board")
    browser_sign_in(app, page, make_staff("facilitator"))

    page.goto("/moderate/events")
    expect(page.locator("main h1")).to_have_text("Events")
    check(page, html_checker, "events list")
    page.get_by_role("button", name="Make an event").click()
    page.wait_for_url("**/moderate/events/new")
    check(page, html_checker, "new event, empty")
    page.get_by_role("button", name="Make the event").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the event")
    expect(page).to_have_title(re.compile("^Error: "))
    check(page, html_checker, "new event, errors")
    page.get_by_label("Name of the event").fill("Shipley market stall")
    page.get_by_label("Where it is").fill("Shipley Market Square")
    today = uk_today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Sharing Spaces and Places").check()
    check(page, html_checker, "new event, filled")
    page.get_by_role("button", name="Make the event").click()
    page.wait_for_url(re.compile(r"/moderate/events/\d+$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Event made")
    check(page, html_checker, "staff event page, draft")
    page.get_by_role("button", name="Open the event").click()
    expect(page.locator("#event-state")).to_contain_text("Open")
    check(page, html_checker, "staff event page, open")
    page.get_by_role("button", name="Close the event").click()
    expect(page.locator("#event-state")).to_contain_text("Closed")
    check(page, html_checker, "staff event page, closed")
    page.get_by_role("link", name="Print the poster with the QR code").click()
    page.wait_for_url(re.compile(r"/poster$"))
    expect(page.locator(".yp-poster svg[role=img]")).to_be_visible()
    check(page, html_checker, "poster")
    page.emulate_media(media="print")
    expect(page.locator(".yp-staff-bar")).to_be_hidden()
    expect(page.locator(".yp-poster__code")).to_be_visible()
    page.emulate_media(media="screen")

    for url, words in ((f"/event/{draft_code}", "This event has not started yet"),
                       (f"/event/{closed_code}", "This event has finished")):
        page.goto(url)
        expect(page.locator("#event-state")).to_contain_text(words)
        check(page, html_checker, f"public event page: {words}")
    open_id, open_code = make_event(app, name="Idea board in City Park")
    page.goto(f"/event/{open_code}")
    expect(page.locator(".yp-idea")).to_have_count(3)
    expect(page.locator("aside.yp-tablet-bar")).to_have_count(0)  # a phone that scanned the poster
    check(page, html_checker, "public event page, open")
    with app.app_context():
        assert {e.id for e in db.session.scalars(select(Event))} >= {draft_id, closed_id, open_id}


def _pause(page: Page) -> None:
    """From now the page's clock moves only when the test moves it."""
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)  # seconds since the epoch


def test_the_tablet_warns_before_it_clears_the_screen_by_itself(app, page, html_checker, make_staff):
    if not hasattr(page, "clock"):
        pytest.skip("this Playwright has no clock API")
    page.clock.install()
    event_id, code = make_event(app)
    first, *_others = make_ideas(app)
    become_the_tablet(app, page, html_checker, make_staff, event_id, code)
    device = device_cookie(page)
    support(page, first)
    _pause(page)

    warning = page.get_by_role("alert").filter(has_text="This screen will clear in 20 seconds for the next person")
    still_here = page.get_by_role("button", name="I am still here")
    expect(warning).to_have_count(0)
    page.clock.fast_forward("01:38")  # 99 seconds without a touch: nothing yet
    expect(warning).to_have_count(0)
    page.clock.fast_forward("00:02")  # 101
    expect(warning).to_be_visible()
    expect(still_here).to_be_visible()
    expect(page.locator(f"#idea-{first}").get_by_text("You support this", exact=True)).to_be_visible()

    still_here.click()
    expect(warning).to_have_count(0)
    expect(still_here).to_be_hidden()
    page.clock.fast_forward("01:30")  # 90 seconds after "I am still here": nothing yet
    expect(warning).to_have_count(0)
    expect(page.locator(f"#idea-{first}").get_by_text("You support this", exact=True)).to_be_visible()
    page.clock.fast_forward("00:31")  # 121: the warning came and went, and "Next person" was pressed
    page.wait_for_url(f"**/event/{code}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The screen has been cleared")
    expect(page.get_by_text("You support this", exact=True)).to_have_count(0)
    assert device_cookie(page) != device
    with app.app_context():
        assert db.session.get(Idea, first).support_count == 4 + 1


def test_the_warning_itself_passes_the_checks(app, page, html_checker, make_staff):
    """axe waits on timers, so the clock must run while it checks: the reset is put far off
    (the bar's data attribute) and the warning brought up, then checked at 320 px."""
    if not hasattr(page, "clock"):
        pytest.skip("this Playwright has no clock API")
    page.clock.install()
    event_id, code = make_event(app)
    first, *_others = make_ideas(app)
    become_the_tablet(app, page, html_checker, make_staff, event_id, code)
    support(page, first)
    _pause(page)
    page.set_viewport_size({"width": 320, "height": 740})  # first: resizing would count as a touch
    page.wait_for_timeout(500)  # real time: any scroll the resize causes arrives now, not later
    page.evaluate("document.querySelector('[data-yp-idle]').dataset.ypIdleReset = '100000'")
    page.keyboard.press("Shift")  # a touch: the timers start again with the far-off reset
    page.wait_for_timeout(200)
    page.clock.fast_forward("01:41")
    expect(page.get_by_role("alert").filter(has_text="This screen will clear")).to_be_visible()
    page.clock.resume()
    check(page, html_checker, "the warning before the screen clears")
    expect(page.get_by_role("button", name="I am still here")).to_be_visible()  # it was up throughout
