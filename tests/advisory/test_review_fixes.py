"""What a review of the advisory group found, each kept fixed: 16 and 17-year-olds are
young people for safeguarding; an expired offer can be made again (and only the new link
works); a hidden application cannot move or accept; seats a draw kept are not offered to
the waiting list; a second draw straight after the first finds nothing to draw; the
members' CSV download is audited; emails name the pool in the applicant's language; and
sign-in failures arriving together are all counted."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.advisory import draw, services
from portal.advisory.models import Application
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent, SignInThrottle
from portal.timeutil import utcnow
from tests.support.advisory import make_application

BASE = "/moderate/advisory-group"


def test_a_16_year_old_applicant_is_a_young_person(app):
    with app.app_context():
        result = services.apply({
            "token": "young-applicant", "name": "Sam", "age_band": "16_17", "route": "keighley",
            "why": "Because", "bring": "Ideas", "consent": True, "email": "sam@example.com"}, "en")
        assert result.application.audience == "young_person"
        adult = services.apply({
            "token": "adult-applicant", "name": "Pat", "age_band": "25_44", "route": "keighley",
            "why": "Because", "bring": "Ideas", "consent": True, "email": "pat@example.com"}, "en")
        assert adult.application.audience == "adult"


def test_an_expired_offer_is_made_again_and_only_the_new_link_works(app):
    with app.app_context():
        person = make_application("Olu Offered", stage="shortlisted", email="olu@example.com")
        services.move(person, "offered")
        first = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
        db.session.execute(update(Application).where(Application.id == person.id)
                           .values(offer_expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
        person = db.session.get(Application, person.id)
        assert "offered" in services.allowed_moves(person)
        services.move(person, "offered")
        second = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
        subjects = [m.subject for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "olu@example.com"))]
    assert subjects.count("You are offered a place on the People’s Advisory Group") == 2
    assert not any("waiting list" in subject for subject in subjects)
    old, new = (body.split("/advisory-group/offer/")[1].split()[0] for body in (first, second))
    client = app.test_client()
    assert client.get(f"/advisory-group/offer/{old}").status_code == 410
    assert client.get(f"/advisory-group/offer/{new}").status_code == 200


def test_a_hidden_application_cannot_move_or_accept(app):
    with app.app_context():
        person = make_application("Hana Hidden", stage="shortlisted", email="hana@example.com")
        services.move(person, "offered")
        body = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id.desc())).first()
        person.status = "hidden"
        db.session.commit()
        assert services.allowed_moves(db.session.get(Application, person.id)) == ()
    token = body.split("/advisory-group/offer/")[1].split()[0]
    client = app.test_client()
    page = client.get(f"/advisory-group/offer/{token}")
    assert page.status_code == 410
    with app.app_context():
        assert db.session.get(Application, person.id).stage == "offered"


def test_seats_kept_for_a_draw_are_not_offered_to_the_waiting_list_and_a_second_draw_finds_none(app, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        for n in range(4):
            make_application(f"Member {n}", stage="member")
        for n in range(3):
            make_application(f"Hopeful {n}", stage="submitted", email=None)
        make_application("Wendy Waiting", stage="waiting_list", email=None)
        held = draw.hold_draw("keighley", "sex", None, seed="fixed-seed")
        assert held.seats == 1 and len(json.loads(held.result)["picked"]) == 1
        with pytest.raises(draw.NotNeeded):  # its seat is kept for the person it picked
            draw.hold_draw("keighley", "sex", None)
    page = client.get(f"{BASE}/pools/keighley").get_data(as_text=True)
    assert "Offer the seat to Wendy Waiting" not in page
    assert "Their seat is kept for them" in page


def test_the_members_csv_download_is_audited(app, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        make_application("Cee Member", stage="member")
    assert client.get(f"{BASE}/members.csv").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "advisory.members_csv"))
        assert event is not None and event.after == {"rows": 1}


def test_emails_name_the_pool_in_the_applicants_language(app):
    with app.app_context():
        person = make_application("Umar Urdu", pool="equalities-forum", stage="submitted", email="umar@example.com")
        person.language = "ur"
        db.session.commit()
        services.move(person, "waiting_list")
        body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.to_address == "umar@example.com")).first()
    assert "Equalities Forum" not in body and "مساوات" in body


def test_sign_in_failures_arriving_together_are_all_counted(app):
    from portal.staff import throttle

    keys_seen = []

    def fail():
        with app.test_request_context("/staff/login", environ_base={"REMOTE_ADDR": "192.0.2.5"}):
            keys = throttle.keys_for("together@staff.test")
            keys_seen.append(keys)
            throttle.record_failure(keys)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=fail) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        rows = {row.key: row.failures for row in db.session.scalars(select(SignInThrottle))}
    assert rows[keys_seen[0]["pair"]] == 12 and rows[keys_seen[0]["account"]] == 12, rows
