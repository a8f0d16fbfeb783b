"""Staff accounts from the admin screens: invite by email (a single-use link to set a
password, then the authenticator), change a role, disable, send a new link, reset a lost
authenticator; each audited with before and after, and refused when it would leave the
portal without an admin."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent, StaffInvitation, StaffUser
from tests.support.staff import STAFF_PASSWORD, csrf_token_from, sign_in_client

NEW_PASSWORD = "correct horse battery staple glacier"


@pytest.fixture
def admin(client_request, make_staff):
    user = make_staff("admin")
    client_request.sign_in(user)
    return user


def _invite(client_request, email="new.moderator@bradford.gov.uk", role="moderator"):
    client_request.get("/admin/staff/invite", expected_title="Invite a member of staff")
    client_request.post("/admin/staff/invite", {"email": email, "name": "Amina Hussain", "role": role})
    with client_request.app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == email)
                                  .order_by(OutboxMessage.id.desc())).first()
        link = re.search(r"http\S+/staff/invitation/(\S+)", mail.body)
        return user.id, link.group(1)


def _events(app, action):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_invited_person_sets_a_password_then_an_authenticator_and_signs_in(app, client_request, admin):
    user_id, token = _invite(client_request)
    page = client_request.get(f"/admin/staff/{user_id}")
    assert "Invited: has not set a password yet" in page.get_text()
    assert _events(app, "staff.invited")[0].after["role"] == "moderator"

    person = app.test_client()
    form = person.get(f"/staff/invitation/{token}")
    assert form.status_code == 200 and "Set your password" in form.get_data(as_text=True)
    csrf = csrf_token_from(form.get_data(as_text=True))
    # Two different passwords, then a common one: refused, and the link still works.
    answer = person.post(f"/staff/invitation/{token}", data={"csrf_token": csrf, "password": NEW_PASSWORD,
                                                               "confirm": NEW_PASSWORD + "x"})
    assert answer.status_code == 200 and "The two passwords are not the same" in answer.get_data(as_text=True)
    answer = person.post(f"/staff/invitation/{token}", data={"csrf_token": csrf, "password": "passwordpassword1",
                                                               "confirm": "passwordpassword1"})
    assert "too easy to guess" in answer.get_data(as_text=True)
    answer = person.post(f"/staff/invitation/{token}", data={"csrf_token": csrf, "password": NEW_PASSWORD,
                                                               "confirm": NEW_PASSWORD})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/staff/login/set-up-code")

    # The link worked once.
    assert person.get(f"/staff/invitation/{token}").status_code == 410
    setup = person.get("/staff/login/set-up-code").get_data(as_text=True)
    secret = re.search(r"([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})", setup).group(1).replace(" ", "")
    answer = person.post("/staff/login/set-up-code", data={"csrf_token": csrf_token_from(setup),
                                                            "code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/staff/recovery-codes")
    assert person.get("/moderate/queue").status_code == 200

    # And with their own password, another day.
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user.totp_confirmed and user.password_hash
        assert NEW_PASSWORD not in str([e.after for e in db.session.scalars(select(AuditEvent))])


def test_a_forged_or_replaced_link_changes_nothing(app, client_request, admin):
    user_id, first = _invite(client_request)
    assert app.test_client().get("/staff/invitation/not-a-real-token").status_code == 410
    client_request.get(f"/admin/staff/{user_id}")
    client_request.post(f"/admin/staff/{user_id}/link")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffInvitation)
                                 .where(StaffInvitation.user_id == user_id, StaffInvitation.used_at.is_(None))) == 1
    person = app.test_client()
    page = person.get(f"/staff/invitation/{first}")
    assert page.status_code == 410 and "Nothing has been changed" in page.get_data(as_text=True)


def test_an_email_that_has_an_account_is_refused(client_request, admin, make_staff):
    make_staff("moderator", email="existing@bradford.gov.uk")
    client_request.get("/admin/staff/invite")
    page = client_request.post("/admin/staff/invite", {"email": "Existing@Bradford.gov.uk ", "name": "Someone",
                                                       "role": "moderator"}, expected_status=200)
    assert "There is already an account for" in page.get_text()
    page = client_request.post("/admin/staff/invite", {"email": "not an email", "name": "", "role": "king"},
                               expected_status=200)
    text = page.get_text()
    assert "Enter an email address in the correct format" in text and "Enter the name other staff will see" in text
    assert "Choose a role" in text


def test_changing_a_role_is_audited_with_before_and_after(app, client_request, admin, make_staff):
    other = make_staff("moderator")
    client_request.get(f"/admin/staff/{other.id}")
    client_request.post(f"/admin/staff/{other.id}/role", {"role": "safeguarding_lead"})
    event = _events(app, "staff.role_changed")[0]
    assert event.before["role"] == "moderator" and event.after["role"] == "safeguarding_lead"
    assert event.actor_id == admin.id


def test_the_only_admin_cannot_be_demoted_or_disabled(app, client_request, admin):
    client_request.get(f"/admin/staff/{admin.id}")
    page = client_request.post(f"/admin/staff/{admin.id}/role", {"role": "moderator"}, expected_status=422)
    assert "This is the only admin" in page.get_text()
    client_request.post(f"/admin/staff/{admin.id}/active", {"active": "0"})
    assert "You cannot disable your own account. Nothing has been changed." in client_request.get(
        f"/admin/staff/{admin.id}").get_text()
    with app.app_context():
        assert db.session.get(StaffUser, admin.id).role == "admin"
        assert db.session.get(StaffUser, admin.id).active


def test_a_disabled_account_is_signed_out_at_once_and_cannot_sign_in(app, client_request, admin, make_staff):
    other = make_staff("moderator")
    their_browser = app.test_client()
    sign_in_client(app, their_browser, other)
    assert their_browser.get("/moderate/queue").status_code == 200

    client_request.get(f"/admin/staff/{other.id}")
    client_request.post(f"/admin/staff/{other.id}/active", {"active": "0"})
    assert their_browser.get("/moderate/queue").status_code == 302  # sent to sign in
    login = their_browser.get("/staff/login").get_data(as_text=True)
    answer = their_browser.post("/staff/login", data={"email": other.email, "password": STAFF_PASSWORD,
                                                       "csrf_token": csrf_token_from(login)})
    assert answer.status_code == 200 and "The email address or password is not right" in answer.get_data(as_text=True)
    assert _events(app, "staff.disabled")[0].before["active"] is True
    # Posting the same wanted state again changes nothing more.
    client_request.get(f"/admin/staff/{other.id}")
    client_request.post(f"/admin/staff/{other.id}/active", {"active": "0"})
    assert len(_events(app, "staff.disabled")) == 1


def test_resetting_a_lost_authenticator_needs_a_reason_and_is_audited(app, client_request, admin, make_staff):
    other = make_staff("moderator")
    client_request.get(f"/admin/staff/{other.id}/reset-authenticator", expected_title="Reset the authenticator")
    page = client_request.post(f"/admin/staff/{other.id}/reset-authenticator", {"reason": "  "}, expected_status=200)
    assert "Say why, for the audit log" in page.get_text()
    with app.app_context():
        assert db.session.get(StaffUser, other.id).totp_confirmed
    client_request.post(f"/admin/staff/{other.id}/reset-authenticator",
                        {"reason": "Lost phone; called back on the desk number"})
    with app.app_context():
        assert not db.session.get(StaffUser, other.id).totp_confirmed
    assert _events(app, "staff.authenticator_reset")[0].detail == "Lost phone; called back on the desk number"


def test_only_admins_reach_the_account_screens(app, staff_client):
    moderator, _user = staff_client("moderator")
    for url in ("/admin/staff", "/admin/staff/invite", "/admin/reference"):
        assert moderator.get(url).status_code == 403
    assert app.test_client().get("/admin/staff").status_code == 302
