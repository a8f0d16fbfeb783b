"""The safeguarding word list as data: the lead (or an admin) adds and switches off phrases,
each change takes effect for the next message and is in the audit log."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import delete, select

from portal.extensions import db
from portal.moderation.models import SafeguardingPhrase
from portal.staff.models import AuditEvent
from tests.support.journeys import Teller, stored
from tests.support.staff import csrf_token_from

URL = "/moderate/safeguarding-phrases"


@pytest.fixture
def cleanup_phrases(app):
    yield
    with app.app_context():  # phrases are reference data, kept between tests otherwise
        db.session.execute(delete(SafeguardingPhrase).where(SafeguardingPhrase.phrase.in_(["quorlax", "Quorlax", "county lines", "quorlax note"])))
        db.session.execute(SafeguardingPhrase.__table__.update().values(active=True))
        db.session.commit()


def errors(response) -> list[str]:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [a.get_text() for a in page.select(".govuk-error-summary__list a")]


@pytest.mark.parametrize("role, status", [("moderator", 403), ("facilitator", 403), ("safeguarding_lead", 200), ("admin", 200)])
def test_only_the_safeguarding_lead_and_admins(staff_client, role, status):
    client, _ = staff_client(role)
    assert client.get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(URL).headers["Location"].startswith("/staff/login")


def test_adding_a_phrase_flags_the_next_message_and_is_audited(app, staff_client, client, cleanup_phrases):
    lead, user = staff_client("safeguarding_lead")
    token = csrf_token_from(lead.get(URL).get_data(as_text=True))
    response = lead.post(URL, data={"csrf_token": token, "phrase": "  Quorlax ", "category": "exploitation"})
    assert response.status_code == 302
    assert "“Quorlax” added" in lead.get(URL).get_data(as_text=True)
    reference, _ = Teller(client).fill(body="There is quorlax in the flats on our estate").send_and_follow()
    assert stored(app, reference).safeguarding_categories == "exploitation"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safeguarding_phrase.added"))
        assert event.actor_id == user.id and event.after == {"phrase": "Quorlax", "category": "exploitation"}


def test_switching_a_phrase_off_and_on(app, staff_client, client, cleanup_phrases):
    admin, _ = staff_client("admin")
    with app.app_context():
        row = SafeguardingPhrase(phrase="quorlax", category="exploitation")
        db.session.add(row)
        db.session.commit()
        phrase_id = row.id
    token = csrf_token_from(admin.get(URL).get_data(as_text=True))
    switch_off = {"csrf_token": token, "toggle": str(phrase_id), "active": "0"}
    assert admin.post(URL, data=switch_off).status_code == 302
    # A double click or replayed form changes nothing more.
    assert admin.post(URL, data=switch_off).status_code == 302
    reference, _ = Teller(client).fill(body="Quorlax worries me").send_and_follow()
    assert stored(app, reference).safeguarding_state == "none"
    assert admin.post(URL, data={"csrf_token": token, "toggle": str(phrase_id), "active": "1"}).status_code == 302
    reference, _ = Teller(client).fill(body="Quorlax worries me").send_and_follow()
    assert stored(app, reference).safeguarding_state == "open"
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("safeguarding_phrase")).order_by(AuditEvent.id)))
    assert actions == ["safeguarding_phrase.switched_off", "safeguarding_phrase.switched_on"]


@pytest.mark.parametrize("phrase, category, message", [
    ("", "exploitation", "Enter a word or phrase"),
    ("  - ", "exploitation", "Enter a word or phrase"),
    ("ab", "exploitation", "The word or phrase must be at least 3 characters, or it will flag ordinary messages"),
    ("x" * 301, "exploitation", "The word or phrase must be 300 characters or fewer"),
    ("QUORLAX-NOTE", "self_harm", "That word or phrase is already on the list"),
    ("... & ...", "exploitation", "The pattern cannot be used"),
    ("county lines", "", "Select what kind of concern it suggests"),
    ("county lines", "spam", "Select what kind of concern it suggests"),
])
def test_bad_additions_are_refused_and_change_nothing(app, staff_client, phrase, category, message, cleanup_phrases):
    lead, _ = staff_client("safeguarding_lead")
    with app.app_context():
        if phrase == "QUORLAX-NOTE":  # already there, spelt another way
            db.session.add(SafeguardingPhrase(phrase="quorlax note", category="self_harm"))
            db.session.commit()
        before = db.session.scalar(select(db.func.count()).select_from(SafeguardingPhrase))
    token = csrf_token_from(lead.get(URL).get_data(as_text=True))
    response = lead.post(URL, data={"csrf_token": token, "phrase": phrase, "category": category})
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors(response)), errors(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(SafeguardingPhrase)) == before


def test_an_unknown_phrase_to_switch_is_not_found(staff_client):
    lead, _ = staff_client("safeguarding_lead")
    token = csrf_token_from(lead.get(URL).get_data(as_text=True))
    assert lead.post(URL, data={"csrf_token": token, "toggle": "999999"}).status_code == 404
    assert lead.post(URL, data={"csrf_token": token, "toggle": "x"}).status_code == 404


@pytest.mark.browser
def test_the_phrase_list_page_is_accessible(app, page, html_checker, make_staff):
    from tests.support import assert_no_axe_violations, assert_no_horizontal_scroll
    from tests.support.staff import browser_sign_in

    browser_sign_in(app, page, make_staff("safeguarding_lead"))
    page.goto(URL)
    assert_no_axe_violations(page, "phrases")
    html_checker.assert_valid(page.content(), "phrases")
    page.get_by_role("button", name="Add to the list").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_no_axe_violations(page, "phrases with errors")
    html_checker.assert_valid(page.content(), "phrases with errors")
    assert_no_horizontal_scroll(page, "phrases")
