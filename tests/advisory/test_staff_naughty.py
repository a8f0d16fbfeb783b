"""The Big List of Naughty Strings through every text field of the advisory group's staff
screens and of the pages behind the emailed links: a move's note, a meeting's place and
agenda, an invitation's title, details and place, and a member's refreshed declaration.
Never a server error; what is stored is what was typed (after the cleaning every form
does), and the page that shows it afterwards renders it as text, never as markup."""

from datetime import timedelta

from sqlalchemy import select

from portal.advisory import services
from portal.advisory.models import Application, Invitation, Meeting
from portal.extensions import db
from portal.shared.text import clean_text
from portal.staff.models import AuditEvent
from portal.timeutil import uk_today
from tests.support.advisory import make_application
from tests.support.naughty import naughty_strings
from tests.support.staff import csrf_token_from

BASE = "/moderate/advisory-group"


def cleaned(text: str) -> str:
    return clean_text(text).strip()


def test_naughty_notes_meetings_and_invitations(app, staff_client):
    client, _user = staff_client("moderator")
    token = csrf_token_from(client.get("/moderate").get_data(as_text=True))
    strings = [s for s in naughty_strings() if cleaned(s)]
    with app.app_context():
        applicants = [make_application(f"Person {n}", stage="submitted").id for n in range(len(strings))]
        member = make_application("Member One", stage="member", email="member@example.com").id
    day = uk_today() + timedelta(days=7)
    for index, text in enumerate(strings):
        note = client.post(f"{BASE}/applications/{applicants[index]}/move",
                           data={"csrf_token": token, "stage": "shortlisted", "note": text})
        assert note.status_code == 303, (text, note.status_code)
        meeting = client.post(f"{BASE}/meetings", data={
            "csrf_token": token, "held_day": str(day.day), "held_month": str(day.month), "held_year": str(day.year),
            "place": text[:200], "agenda": text, "once": f"meeting-{index}"})
        assert meeting.status_code in (200, 303), (text, meeting.status_code)
        invitation = client.post(f"{BASE}/invitations", data={
            "csrf_token": token, "title": text[:200], "details": text, "held_day": str(day.day),
            "held_month": str(day.month), "held_year": str(day.year), "place": text[:200], "area": "",
            "interest": "", "once": f"invite-{index}"})
        assert invitation.status_code in (200, 303), (text, invitation.status_code)
        for response in (meeting, invitation):
            if response.status_code == 303:
                shown = client.get(response.headers["Location"])
                assert shown.status_code == 200, text
                assert "<script>alert" not in shown.get_data(as_text=True)
    with app.app_context():
        notes = {event.subject_id: event.detail for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "advisory.shortlisted"))}
        for index, text in enumerate(strings):
            assert db.session.get(Application, applicants[index]).stage == "shortlisted"
            # The audit log keeps printable characters only (so a note cannot forge log lines).
            expected = "".join(ch for ch in cleaned(text) if ch.isprintable())[:500]
            assert notes[str(applicants[index])] == expected, text
        places = {m.place for m in db.session.scalars(select(Meeting))}
        titles = {i.title for i in db.session.scalars(select(Invitation))}
        for text in strings:
            if len(cleaned(text[:200])) <= 200:
                assert cleaned(text[:200]) in places, text
                assert cleaned(text[:200]) in titles, text
        assert db.session.get(Application, member).stage == "member"


def test_naughty_declarations_through_the_emailed_link(app):
    strings = naughty_strings()
    with app.app_context():
        people = [make_application(f"Member {n}", stage="member", email=f"m{n}@example.com") for n in range(len(strings))]
        tokens = [services.make_link(person, "declaration") for person in people]
        ids = [person.id for person in people]
        db.session.commit()
    client = app.test_client()
    for token, text in zip(tokens, strings, strict=True):
        page = client.get(f"/advisory-group/declaration/{token}")
        assert page.status_code == 200
        saved = client.post(f"/advisory-group/declaration/{token}",
                            data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "declaration": text})
        assert saved.status_code == 200, (text, saved.status_code)
    with app.app_context():
        for application_id, text in zip(ids, strings, strict=True):
            assert db.session.get(Application, application_id).declaration == cleaned(text)[:2000], text
