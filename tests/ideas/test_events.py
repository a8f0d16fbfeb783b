"""Event mode: making, opening and closing an event (facilitators only, audited), its code
and QR code, its page, what is recorded at it (channel "event"), the event tablet's "Next
person" and two-minute reset, and every naughty string through the event form."""

import re
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas import eventmode, events, services
from portal.ideas.models import Event, Idea, IdeaSupport
from portal.shared.devices import COOKIE as DEVICE_COOKIE
from portal.shared.references import ALPHABET
from portal.staff.models import AuditEvent
from portal.timeutil import uk_today
from tests.support import max_queries, naughty_strings
from tests.support.factories import theme_id
from tests.support.ideas import make_idea
from tests.support.proposer import Proposer, idea_by_reference
from tests.support.staff import csrf_token_from

SPACES = "sharing-spaces-and-places"
SCHOOLS = "linking-up-schools"
SESSION_COOKIE = "yp_session"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    return soup(response).get_text(" ", strip=True)


def follow(client, response):
    assert response.status_code in (302, 303), response.status_code
    return client.get(response.headers["Location"])


def make_event(app, state: str = "open", themes=(SPACES, SCHOOLS), name: str = "Idea board at City Park",
               place: str = "City Park, Bradford"):
    with app.app_context():
        event = eventmode.create_event(name, place, uk_today(), [theme_id(slug) for slug in themes], None)
        if state in ("open", "closed"):
            eventmode.open_event(event, None)
        if state == "closed":
            eventmode.close_event(event, None)
        db.session.commit()
        return event.id, event.code


def event_state(app, event_id) -> str:
    with app.app_context():
        return db.session.get(Event, event_id).state


def published_idea(app, **kwargs) -> int:
    with app.app_context():
        return make_idea(**kwargs).id


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def post_form(client, url: str, data: dict | None = None, token_from: str = "/moderate", **kwargs):
    token = csrf_token_from(client.get(token_from).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def support_on_event_page(client, code: str, idea_id: int, htmx: bool = False):
    page = client.get(f"/event/{code}")
    assert page.status_code == 200
    headers = {"Sec-Fetch-Site": "same-origin", **({"HX-Request": "true"} if htmx else {})}
    return client.post(f"/ideas/{SPACES}/{idea_id}/support", headers=headers, data={
        "action": "support", "next": f"/event/{code}"})  # no token: portal/shared/origin.py


def supports(app, idea_id) -> list[IdeaSupport]:
    with app.app_context():
        rows = list(db.session.scalars(select(IdeaSupport).where(IdeaSupport.idea_id == idea_id)
                                       .order_by(IdeaSupport.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def audit_actions(app, event_id) -> list[tuple[str, str | None]]:
    with app.app_context():
        return list(db.session.execute(select(AuditEvent.action, AuditEvent.actor_email).where(
            AuditEvent.subject_type == "event", AuditEvent.subject_id == str(event_id)).order_by(AuditEvent.id)))


def event_form(**overrides) -> dict:
    today = uk_today()
    data = {"name": "Idea board at Keighley Library", "place": "Keighley Library", "held_day": str(today.day),
            "held_month": str(today.month), "held_year": str(today.year), "themes": [SPACES, SCHOOLS]}
    data.update(overrides)
    return data


def tablet(app, staff_client, code: str):
    """A test client made into the event's tablet by a facilitator, as on the staff page."""
    client, _user = staff_client("facilitator")
    response = post_form(client, f"/event/{code}/tablet", token_from="/moderate/events")
    assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}"
    return client


# ---- who may make, open and close events -------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    event_id, code = make_event(app, state="draft")
    for url in ("/moderate/events", "/moderate/events/new", f"/moderate/events/{event_id}",
                f"/moderate/events/{event_id}/poster"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login"), url
    for url in (f"/moderate/events/{event_id}/open", f"/moderate/events/{event_id}/close", "/moderate/events/new",
                f"/event/{code}/tablet"):
        response = post_form(client, url, event_form(), token_from="/staff/login")
        assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login"), url
    assert event_state(app, event_id) == "draft"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1


@pytest.mark.parametrize("role", ["moderator", "safeguarding_lead"])
def test_staff_without_the_facilitator_role_cannot_make_open_or_close(app, staff_client, role):
    client, _user = staff_client(role)
    event_id, code = make_event(app, state="draft")
    reading = 200 if role == "moderator" else 403  # moderators may look (the staff home links them here)
    assert client.get("/moderate/events").status_code == reading
    assert client.get(f"/moderate/events/{event_id}").status_code == reading
    assert client.get(f"/moderate/events/{event_id}/poster").status_code == reading
    assert client.get("/moderate/events/new").status_code == 403
    for url in (f"/moderate/events/{event_id}/open", "/moderate/events/new", f"/event/{code}/tablet"):
        assert post_form(client, url, event_form(), token_from="/moderate").status_code == 403, url
    assert event_state(app, event_id) == "draft"
    if role == "moderator":
        page = client.get(f"/moderate/events/{event_id}")
        assert "Open the event" not in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_a_facilitator_or_admin_makes_opens_and_closes_an_event_and_each_step_is_audited(app, staff_client, role):
    client, user = staff_client(role)
    assert client.get("/moderate/events").status_code == 200
    assert "Make an event" in client.get("/moderate/events/new").get_data(as_text=True)
    response = post_form(client, "/moderate/events/new", event_form(), token_from="/moderate/events/new")
    assert response.status_code == 303
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(response.headers["Location"])
    with app.app_context():
        event = db.session.get(Event, event_id)
        code, themes = event.code, [theme.slug for theme in event.themes]
        assert (event.name, event.place, event.held_on, event.state) == (
            "Idea board at Keighley Library", "Keighley Library", uk_today(), "draft")
        assert event.created_by_id == user.id
    assert themes == [SPACES, SCHOOLS] or sorted(themes) == sorted([SPACES, SCHOOLS])
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert soup(page).select_one("#event-code").get_text() == code
    assert "Not open yet" in text_of(page)

    page = follow(client, post_form(client, f"/moderate/events/{event_id}/open", token_from="/moderate/events"))
    assert "The event is open" in text_of(page) and event_state(app, event_id) == "open"
    again = follow(client, post_form(client, f"/moderate/events/{event_id}/open", token_from="/moderate/events"))
    assert "already open, so nothing changed" in text_of(again)
    page = follow(client, post_form(client, f"/moderate/events/{event_id}/close", token_from="/moderate/events"))
    assert "The event is closed" in text_of(page) and event_state(app, event_id) == "closed"
    page = follow(client, post_form(client, f"/moderate/events/{event_id}/open", token_from="/moderate/events"))
    assert event_state(app, event_id) == "open"  # a second day: opened again

    assert audit_actions(app, event_id) == [("event.created", user.email), ("event.opened", user.email),
                                            ("event.closed", user.email), ("event.opened", user.email)]
    with app.app_context():
        closed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event.closed"))
        assert (closed.before["state"], closed.after["state"]) == ("open", "closed")
        assert closed.after["code"] == code


def test_sending_the_form_twice_makes_one_event(app, staff_client):
    client, _user = staff_client("facilitator")
    page = client.get("/moderate/events/new").get_data(as_text=True)
    once = re.search(r'name="once"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="once"', page)
    data = {**event_form(), "once": once.group(1), "csrf_token": csrf_token_from(page)}
    first = client.post("/moderate/events/new", data=data)
    again = client.post("/moderate/events/new", data=data)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert "You have made this event already" in text_of(client.get(again.headers["Location"]))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    # A new filling-in of the form makes a new event.
    page = client.get("/moderate/events/new").get_data(as_text=True)
    assert once.group(1) not in page
    assert post_form(client, "/moderate/events/new", event_form(), token_from="/moderate/events/new").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 2


def test_open_and_close_need_a_real_csrf_token(app, staff_client):
    client, _user = staff_client("facilitator")
    event_id, _code = make_event(app, state="draft")
    assert client.post(f"/moderate/events/{event_id}/open").status_code == 400
    assert client.post(f"/moderate/events/{event_id}/open", data={"csrf_token": "forged"}).status_code == 400
    assert event_state(app, event_id) == "draft"
    assert client.post("/moderate/events/999999/open", data={
        "csrf_token": csrf_token_from(client.get("/moderate").get_data(as_text=True))}).status_code == 404


def test_the_form_explains_each_problem_and_stores_nothing(app, staff_client):
    client, _user = staff_client("facilitator")
    cases = [
        ({"name": "   "}, "Enter the name of the event"),
        ({"place": ""}, "Enter where the event is"),
        ({"name": "x" * 121}, "The name of the event must be 120 characters or fewer"),
        ({"place": "x" * 121}, "Where the event is must be 120 characters or fewer"),
        ({"held_day": "", "held_month": "", "held_year": ""}, "Enter the date of the event"),
        ({"held_day": "31", "held_month": "2"}, "must be a real date"),
        ({"held_year": "26"}, "must be a real date"),
        ({"held_day": "1", "held_month": "1", "held_year": str(uk_today().year + 3)}, "within a year of today"),
        ({"themes": []}, "Select at least one theme to show at the event"),
        ({"themes": [SPACES, "not-a-theme"]}, "Select themes from the list"),
        ({"name": "Bad\x00name"}, "a character we cannot accept"),
    ]
    for overrides, message in cases:
        response = post_form(client, "/moderate/events/new", event_form(**overrides), token_from="/moderate/events/new")
        assert response.status_code == 200, overrides
        page = soup(response)
        assert message in page.select_one(".govuk-error-summary").get_text(), overrides
        assert page.title.get_text().startswith("Error:")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.startswith("event."))) == 0


# ---- codes and the QR code ------------------------------------------------------------


def test_a_code_already_taken_is_drawn_again(app, monkeypatch):
    _event_id, taken = make_event(app)
    drawn = iter([taken, taken, "K3Q94M"])
    monkeypatch.setattr(eventmode, "new_code", lambda: next(drawn))
    with app.app_context():
        event = eventmode.create_event("Second", "Shipley", uk_today(), [theme_id(SPACES)], None)
        db.session.commit()
        assert event.code == "K3Q94M"
        assert db.session.scalar(select(func.count(func.distinct(Event.code)))) == 2


def test_codes_are_found_whatever_the_case_spaces_or_dashes(app, client):
    _event_id, code = make_event(app)
    with app.app_context():
        for typed in (code, code.lower(), f" {code[:3]} {code[3:]} ", f"{code[:3]}-{code[3:]}".lower()):
            assert eventmode.find_by_code(typed).code == code, typed
        for typed in ("", None, code[:5], code + "2", "O0I1L9", "x" * 500):
            assert eventmode.find_by_code(typed) is None, typed
    response = client.get(f"/event/{code.lower()}")
    assert response.status_code == 302 and response.headers["Location"] == f"/event/{code}"
    assert client.get("/event/ZZZZZZ").status_code == 404
    assert client.get("/event/not-a-code").status_code == 404


def test_the_qr_code_is_an_accessible_svg_of_the_event_address(app, staff_client):
    with app.app_context():
        svg = eventmode.qr_svg("https://yourplace.example/event/K3Q94M", title="QR code for the event")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    if title is None:
        title = root.find("title")
    assert title is not None and title.text == "QR code for the event"
    assert root.get("aria-labelledby") == title.get("id")
    assert "style" not in svg  # the CSP allows no inline styles

    client, _user = staff_client("facilitator")
    event_id, code = make_event(app)
    page = client.get(f"/moderate/events/{event_id}/poster")
    assert page.status_code == 200
    poster = soup(page)
    assert poster.select_one("#poster-code").get_text() == code
    assert f"http://127.0.0.1/event/{code}" in poster.select_one(".yp-poster__url").get_text()
    qr = poster.select_one(".yp-poster svg[role=img]")
    assert qr.title.get_text() == f"QR code for http://127.0.0.1/event/{code}"


# ---- the event's page, and what is recorded at it ------------------------------------


def test_an_open_events_page_shows_its_themes_top_ideas_and_puts_the_device_in_the_event(app, client):
    event_id, code = make_event(app)
    with app.app_context():
        ids = [make_idea(title=f"Idea {n}", supports=n).id for n in range(5)]
        make_idea(title="Waiting for a moderator", published=False, supports=99)
        make_idea(title="Under another theme", theme="employment-opportunities", supports=50)
    page = client.get(f"/event/{code}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = soup(page)
    assert html.h1.get_text() == "Idea board at City Park"
    assert "City Park, Bradford" in html.get_text()
    section = html.select_one(f"section[aria-labelledby=theme-{SPACES}]")
    assert [h3.get_text(strip=True) for h3 in section.select(".yp-idea h3")] == ["Idea 4", "Idea 3", "Idea 2"]
    assert section.select_one(f"a[href='/ideas/{SPACES}/propose']")
    assert "There are no ideas here yet" in html.select_one(f"section[aria-labelledby=theme-{SCHOOLS}]").get_text()
    assert "Waiting for a moderator" not in html.get_text() and "Under another theme" not in html.get_text()
    assert len(ids) == 5
    with client.session_transaction() as session:
        assert session["event_id"] == event_id
        assert "event_tablet" not in session


def test_the_event_page_stays_within_the_query_budget(app, client):
    _event_id, code = make_event(app)
    with app.app_context():
        for n in range(6):
            make_idea(title=f"Idea {n}", supports=n)
            make_idea(title=f"School idea {n}", theme=SCHOOLS, supports=n)
    client.get(f"/event/{code}")
    support_on_event_page(client, code, published_idea(app))
    with app.app_context(), max_queries(db.engine, 6, "the event page"):
        response = client.get(f"/event/{code}")
    assert response.status_code == 200


def test_supports_and_ideas_made_at_an_open_event_carry_it(app, client):
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    response = support_on_event_page(client, code, idea_id)
    assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}#idea-{idea_id}"
    page = client.get(response.headers["Location"])
    assert "You support this" in page.get_data(as_text=True)
    [row] = supports(app, idea_id)
    assert (row.channel, row.event_id) == ("event", event_id)

    reference = Proposer(client).propose()
    with app.app_context():
        idea = idea_by_reference(reference)
        assert (idea.channel, idea.event_id) == ("event", event_id)

    # The same with htmx: the control is swapped in place, and the support carries the event.
    other = published_idea(app, title="Another idea")
    response = support_on_event_page(client, code, other, htmx=True)
    assert response.status_code == 200 and "You support this" in response.get_data(as_text=True)
    [row] = supports(app, other)
    assert (row.channel, row.event_id) == ("event", event_id)

    staff_page_counts = eventmode_counts(app, event_id)
    assert staff_page_counts == (2, 1)


def eventmode_counts(app, event_id):
    with app.app_context():
        return eventmode.counts([event_id])[event_id]


def test_the_staff_page_shows_what_was_recorded_at_the_event(app, client, staff_client):
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    support_on_event_page(client, code, idea_id)
    Proposer(client).propose()
    staff, _user = staff_client("facilitator")
    page = soup(staff.get(f"/moderate/events/{event_id}"))
    assert page.select_one("#event-counts").get_text(strip=True) == "1 support, 1 idea"
    listing = soup(staff.get("/moderate/events"))
    assert "1 support · 1 idea" in listing.get_text(" ", strip=True)


@pytest.mark.parametrize("state, words", [("closed", "This event has finished"),
                                          ("draft", "This event has not started yet")])
def test_a_closed_or_unopened_events_page_says_so_and_records_nothing(app, client, state, words):
    event_id, code = make_event(app, state=state)
    idea_id = published_idea(app)
    with client.session_transaction() as session:
        session["event_id"] = event_id  # say the device joined while it was open
    page = client.get(f"/event/{code}")
    assert page.status_code == 200
    assert words in text_of(page)
    assert not soup(page).select(".yp-idea")  # nothing to support from here
    with client.session_transaction() as session:
        assert "event_id" not in session
    # Supported elsewhere on the board afterwards: an online support, not the event's.
    from tests.support.proposer import support as support_on_idea_page

    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        support_on_idea_page(client, idea)
    [row] = supports(app, idea_id)
    assert (row.channel, row.event_id) == ("online", None)


def test_a_device_whose_session_still_names_a_closed_event_records_online(app, client):
    """Closed while the device was in it: current_event() finds no open event, so the
    support counts online; the service refuses outright to record against a closed event."""
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    client.get(f"/event/{code}")
    with app.app_context():
        eventmode.close_event(db.session.get(Event, event_id), None)
        db.session.commit()
    with client.session_transaction() as session:
        assert session["event_id"] == event_id
    from tests.support.proposer import support as support_on_idea_page

    with app.app_context():
        support_on_idea_page(client, db.session.get(Idea, idea_id))
    [row] = supports(app, idea_id)
    assert (row.channel, row.event_id) == ("online", None)
    with app.app_context():
        with pytest.raises(services.NotOpen):
            services.support(idea_id, "another-device", event=db.session.get(Event, event_id))
        assert db.session.scalar(select(func.count()).select_from(IdeaSupport).where(
            IdeaSupport.event_id == event_id)) == 0
    assert eventmode_counts(app, event_id) == (0, 0)


# ---- the event tablet --------------------------------------------------------------


def test_making_a_device_the_tablet_signs_the_facilitator_out_and_starts_tablet_mode(app, staff_client):
    event_id, code = make_event(app)
    client = tablet(app, staff_client, code)
    with client.session_transaction() as session:
        assert session["event_id"] == event_id and session["event_tablet"] is True
        assert "_user_id" not in session
    assert client.get("/moderate").status_code == 302  # signed out
    page = client.get(f"/event/{code}")
    bar = soup(page).select_one("aside.yp-tablet-bar")
    assert bar is not None and bar.select_one("form[action='/event/next-person'] button").get_text() == "Next person"
    assert bar["data-yp-idle-reset"] == "120" and bar["data-yp-idle-warn"] == "100"
    assert "20 seconds" in bar.select_one("[role=alert]")["data-message"]
    # Every page shows the bar while in tablet mode, and none is kept in the browser's cache.
    board = client.get(f"/ideas/{SPACES}")
    assert soup(board).select_one("aside.yp-tablet-bar") is not None
    assert board.headers["Cache-Control"] == "no-store"
    assert ("event.tablet_started", None) not in audit_actions(app, event_id)
    assert [action for action, _email in audit_actions(app, event_id)][-1] == "event.tablet_started"


def test_only_an_open_event_gets_a_tablet(app, staff_client):
    event_id, code = make_event(app, state="draft")
    client, _user = staff_client("facilitator")
    response = post_form(client, f"/event/{code}/tablet", token_from="/moderate/events")
    assert response.headers["Location"] == f"/moderate/events/{event_id}"
    with client.session_transaction() as session:
        assert "event_tablet" not in session and "_user_id" in session


def test_next_person_gives_a_new_device_and_a_new_session_and_forgets_the_last_persons_answers(app, staff_client):
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    client = tablet(app, staff_client, code)

    devices, sessions = [], []
    for person in range(3):
        page = client.get(f"/event/{code}")
        assert "You support this" not in page.get_data(as_text=True), person
        assert support_on_event_page(client, code, idea_id).status_code == 303
        assert "You support this" in client.get(f"/event/{code}").get_data(as_text=True)
        devices.append(cookie(client, DEVICE_COOKIE))
        sessions.append(cookie(client, SESSION_COOKIE))
        with client.session_transaction() as session:  # drafts as the journeys leave them
            session["idea_draft"] = {"theme": SPACES, "title": f"Person {person}'s idea"}
            session["idea_done"] = {"reference": "23456789", "token": "t"}
            session["tell_us_draft"] = {"token": "x", "body": f"Person {person}'s feedback"}
            session["tell_us_done"] = {"reference": "23456789", "token": "x"}
            session["idea_audience"] = "young_person"
        response = post_form(client, "/event/next-person", token_from=f"/event/{code}")
        assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}"
        with client.session_transaction() as session:
            assert set(session) - {"_flashes", "csrf_token"} == {"event_id", "event_tablet", "event_seen"}, person
        page = client.get(response.headers["Location"])
        assert "The screen has been cleared" in text_of(page)
        assert "You support this" not in page.get_data(as_text=True)
        assert client.get("/ideas/propose/confirmation").headers["Location"] == "/ideas"
        assert "Person" not in client.get("/tell-us/message").get_data(as_text=True)

    assert len(set(devices)) == 3 and None not in devices
    assert cookie(client, DEVICE_COOKIE) not in devices  # the next person is a new device again
    assert len(set(sessions)) == 3
    rows = supports(app, idea_id)
    assert len(rows) == 3 and len({row.device for row in rows}) == 3
    assert {(row.channel, row.event_id) for row in rows} == {("event", event_id)}
    with app.app_context():
        assert db.session.get(Idea, idea_id).support_count == 3


def test_i_have_finished_on_a_tablet_is_next_person(app, staff_client):
    """The confirmation's "I have finished" on the tablet also gives the next person a new
    device and session, not only a cleared page."""
    _event_id, code = make_event(app)
    client = tablet(app, staff_client, code)
    Proposer(client, SPACES).propose(title="A bench by the library")
    device = cookie(client, DEVICE_COOKIE)
    response = post_form(client, "/ideas/propose/finish", token_from="/ideas/propose/confirmation")
    assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}"
    assert cookie(client, DEVICE_COOKIE) not in (None, device)
    with client.session_transaction() as session:
        assert set(session) - {"_flashes", "csrf_token"} == {"event_id", "event_tablet", "event_seen"}
    assert client.get("/ideas/propose/confirmation").headers["Location"] == "/ideas"


def test_next_person_outside_tablet_mode_changes_nothing(app, client):
    _event_id, code = make_event(app)
    idea_id = published_idea(app)
    support_on_event_page(client, code, idea_id)
    device = cookie(client, DEVICE_COOKIE)
    response = post_form(client, "/event/next-person", token_from=f"/ideas/{SPACES}/propose/who")  # any page with a form
    assert response.status_code == 303 and response.headers["Location"] == "/ideas"
    assert cookie(client, DEVICE_COOKIE) == device
    assert client.post("/event/next-person").status_code == 400  # no CSRF token


def _quiet_for(client, seconds: float) -> None:
    with client.session_transaction() as session:
        session["event_seen"] = time.time() - seconds


def test_two_minutes_without_a_touch_clears_the_tablet_on_the_next_request(app, staff_client):
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    client = tablet(app, staff_client, code)
    support_on_event_page(client, code, idea_id)
    first_device = cookie(client, DEVICE_COOKIE)
    with client.session_transaction() as session:
        session["idea_draft"] = {"theme": SPACES, "title": "Half-written idea"}

    _quiet_for(client, 90)  # a person reading: nothing happens
    page = client.get(f"/ideas/{SPACES}")
    assert page.status_code == 200 and cookie(client, DEVICE_COOKIE) == first_device
    with client.session_transaction() as session:
        assert session["idea_draft"]["title"] == "Half-written idea"
        assert time.time() - session["event_seen"] < 5  # the touch restarted the clock

    _quiet_for(client, 121)
    response = client.get(f"/ideas/{SPACES}/propose/idea")
    assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}"
    assert cookie(client, DEVICE_COOKIE) != first_device
    with client.session_transaction() as session:
        assert "idea_draft" not in session
        assert (session["event_id"], session["event_tablet"]) == (event_id, True)
    page = client.get(f"/event/{code}")
    assert "nobody had touched it for 2 minutes" in text_of(page)
    assert "You support this" not in page.get_data(as_text=True)


def test_the_quiet_reset_also_catches_a_post_and_htmx(app, staff_client):
    _event_id, code = make_event(app)
    idea_id = published_idea(app)
    client = tablet(app, staff_client, code)
    page = client.get(f"/event/{code}")
    token = csrf_token_from(page.get_data(as_text=True))
    _quiet_for(client, 200)
    response = client.post(f"/ideas/{SPACES}/{idea_id}/support", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "action": "support", "next": f"/event/{code}"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/event/{code}"
    assert supports(app, idea_id) == []  # the next person's first touch supports nothing for them


def test_the_pages_script_can_say_someone_is_still_there(app, staff_client):
    _event_id, code = make_event(app)
    client = tablet(app, staff_client, code)
    token = csrf_token_from(client.get(f"/event/{code}").get_data(as_text=True))
    _quiet_for(client, 110)
    assert client.post("/event/still-here", data={"csrf_token": token}).status_code == 204
    with client.session_transaction() as session:
        assert time.time() - session["event_seen"] < 5


def test_the_idle_time_is_a_setting(app, staff_client):
    _event_id, code = make_event(app)
    client = tablet(app, staff_client, code)
    app.config["EVENT_TABLET_IDLE_SECONDS"] = 30
    try:
        bar = soup(client.get(f"/event/{code}")).select_one("aside.yp-tablet-bar")
        assert (bar["data-yp-idle-reset"], bar["data-yp-idle-warn"]) == ("30", "10")
        _quiet_for(client, 31)
        assert client.get("/ideas").status_code == 303
    finally:
        app.config.pop("EVENT_TABLET_IDLE_SECONDS")


def test_closing_the_event_ends_tablet_mode(app, staff_client):
    event_id, code = make_event(app)
    idea_id = published_idea(app)
    client = tablet(app, staff_client, code)
    device = cookie(client, DEVICE_COOKIE)
    with app.app_context():
        eventmode.close_event(db.session.get(Event, event_id), None)
        db.session.commit()
    response = client.get(f"/ideas/{SPACES}")
    assert response.status_code == 303 and response.headers["Location"] == f"/event/{code}"
    assert cookie(client, DEVICE_COOKIE) != device
    page = client.get(f"/event/{code}")
    assert "This event has finished" in text_of(page)
    assert soup(page).select_one("aside.yp-tablet-bar") is None
    with client.session_transaction() as session:
        assert "event_tablet" not in session and "event_id" not in session
    assert "csrf_token" not in page.get_data(as_text=True)  # the closed page has nothing to support
    from tests.support.proposer import support as support_on_idea_page

    with app.app_context():
        support_on_idea_page(client, db.session.get(Idea, idea_id))
    assert [(row.channel, row.event_id) for row in supports(app, idea_id)] == [("online", None)]


def test_signing_in_on_the_tablet_ends_tablet_mode(app, staff_client, make_staff):
    from tests.support.staff import sign_in_client

    _event_id, code = make_event(app)
    client = tablet(app, staff_client, code)
    sign_in_client(app, client, make_staff("facilitator"))
    with client.session_transaction() as session:
        assert "event_tablet" not in session
    assert soup(client.get("/moderate/events")).select_one("aside.yp-tablet-bar") is None


# ---- the Big List of Naughty Strings through every field of the event form ----------


@pytest.fixture
def facilitator(request, staff_client):
    """A signed-in facilitator's client, then CSRF off (the sign-in forms need it on)."""
    client, _user = staff_client("facilitator")
    request.getfixturevalue("no_csrf")
    return client


def _created(response) -> tuple[int | None, BeautifulSoup | None]:
    """(the new event's id, None), or (None, the form page showing an error)."""
    if response.status_code == 303:
        return int(response.headers["Location"].rsplit("/", 1)[1]), None
    assert response.status_code == 200, response.status_code
    page = soup(response)
    assert page.select_one(".govuk-error-summary"), "no error shown"
    return None, page


@pytest.mark.parametrize("field, limit", [("name", eventmode.NAME_MAX), ("place", eventmode.PLACE_MAX)])
def test_every_naughty_string_as_the_name_and_the_place(app, facilitator, field, limit):
    expected = {}
    for text in naughty_strings():
        response = facilitator.post("/moderate/events/new", data=event_form(**{field: text}))
        assert response.status_code < 500, repr(text)
        event_id, page = _created(response)
        valid = bool(text.strip()) and len(text.strip()) <= limit and "\x00" not in text
        assert (event_id is not None) == valid, repr(text)
        if event_id is None:
            assert page.select_one(f"input[name={field}]")["value"] == text.strip(), repr(text)
        else:
            expected[event_id] = text.strip()
    with app.app_context():
        stored = dict(db.session.execute(select(Event.id, getattr(Event, field))).all())
        codes = dict(db.session.execute(select(Event.id, Event.code)).all())
    assert stored == expected and len(expected) > 300

    # Shown back escaped: every one on the list of events, and on the event's own pages.
    listed, url = [], "/moderate/events"
    while url:
        listing = facilitator.get(url)
        assert listing.status_code == 200
        page = soup(listing)
        assert len(page.find_all("script")) == 1  # the app's own: nothing injected
        for item in page.select(".yp-event-summary"):
            event_id = int(item.h2.a["href"].rsplit("/", 1)[1])
            listed.append(event_id)
            if field == "name":
                assert item.h2.get_text() == expected[event_id], repr(expected[event_id])
            else:
                assert item.p.get_text().startswith(expected[event_id] + ", "), repr(expected[event_id])
        following = page.select_one("a[rel=next]")
        url = following["href"] if following else None
    assert sorted(listed) == sorted(expected)
    css = ".yp-event__name" if field == "name" else ".yp-event__where"
    for event_id in list(expected)[::10]:
        shown = soup(facilitator.get(f"/moderate/events/{event_id}")).select_one(css).get_text()
        assert shown == expected[event_id], repr(expected[event_id])
        with app.app_context():
            eventmode.open_event(db.session.get(Event, event_id), None)
            db.session.commit()
        public = soup(facilitator.get(f"/event/{codes[event_id]}"))
        shown = public.h1.get_text() if field == "name" else public.select_one(".yp-event__where").get_text()
        assert shown == expected[event_id] if field == "name" else shown.startswith(expected[event_id] + ",")
        assert len(public.find_all("script")) == 1


@pytest.mark.parametrize("field", ["held_day", "held_month", "held_year"])
def test_every_naughty_string_in_the_date(app, facilitator, field):
    base = date(uk_today().year, 3, 1) if uk_today().month < 9 else date(uk_today().year + 1, 1, 1)
    base = base if abs((base - uk_today()).days) <= 366 else uk_today() + timedelta(days=1)
    parts = {"held_day": str(base.day), "held_month": str(base.month), "held_year": str(base.year)}
    made = 0
    for text in naughty_strings():
        response = facilitator.post("/moderate/events/new", data=event_form(**{**parts, field: text}))
        assert response.status_code < 500, repr(text)
        event_id, page = _created(response)
        if event_id is None:
            shown = page.select_one(f"input[name={field}]")["value"]
            assert shown == text.strip(), repr(text)
            continue
        made += 1
        assert re.fullmatch(r"[0-9]{1,4}", text.strip()), repr(text)
        with app.app_context():
            held_on = db.session.get(Event, event_id).held_on
        number = int(text.strip())
        assert {"held_day": held_on.day, "held_month": held_on.month, "held_year": held_on.year}[field] == number
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == made


def test_every_naughty_string_as_a_theme(app, facilitator):
    for text in naughty_strings():
        response = facilitator.post("/moderate/events/new", data=event_form(themes=[SPACES, text]))
        assert response.status_code < 500, repr(text)
        if text == SPACES:
            continue
        assert _created(response)[0] is None, repr(text)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_every_naughty_string_as_an_event_code(app, client):
    make_event(app)
    for text in naughty_strings():
        response = client.get("/event/" + text.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"))
        assert response.status_code in (200, 302, 308, 404), repr(text)
    with client.session_transaction() as session:
        assert events.TABLET not in session
