"""Staff sign-in: password, one-time code, lockout, sessions, sign-out, the audit log."""

import pyotp
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.sessions import WebSession
from portal.staff.models import AuditEvent, StaffUser
from tests.support.staff import STAFF_PASSWORD, csrf_token_from, one_time_code, sign_in_client


def audit_actions(app, user_id=None) -> list[str]:
    with app.app_context():
        query = select(AuditEvent.action).order_by(AuditEvent.id)
        if user_id is not None:
            query = query.where(AuditEvent.subject_id == str(user_id))
        actions = list(db.session.scalars(query))
        db.session.remove()
        return actions


def post_form(client, get_path, post_path, data):
    token = csrf_token_from(client.get(get_path).get_data(as_text=True))
    return client.post(post_path, data={**data, "csrf_token": token})


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/moderate")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=%2Fmoderate")


def test_password_then_code_signs_in_and_sign_out_ends_the_session(app, client, make_staff):
    user = make_staff("moderator")
    sign_in_client(app, client, user)
    home = client.get("/moderate")
    assert home.status_code == 200
    assert "Staff home" in home.get_data(as_text=True)

    token = csrf_token_from(home.get_data(as_text=True))
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/moderate").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(WebSession).where(WebSession.is_staff.is_(True))) is None
    actions = audit_actions(app, user.id)
    assert actions.index("sign_in.password_ok") < actions.index("sign_in.success") < actions.index("sign_out")


def test_session_id_changes_at_sign_in(app, client, make_staff):
    user = make_staff("moderator")
    client.get("/staff/login")
    before = client.get_cookie("yp_session").value
    sign_in_client(app, client, user)
    after = client.get_cookie("yp_session").value
    assert before != after


def test_old_cookie_is_useless_after_sign_out(app, client, make_staff):
    user = make_staff("moderator")
    sign_in_client(app, client, user)
    stolen = client.get_cookie("yp_session").value
    post_form(client, "/moderate", "/staff/logout", {})
    thief = app.test_client()
    thief.set_cookie("yp_session", stolen)
    assert thief.get("/moderate").status_code == 302


def test_wrong_password_is_generic_and_audited(app, client, make_staff):
    user = make_staff("moderator")
    response = post_form(client, "/staff/login", "/staff/login", {"email": user.email, "password": "wrong password here"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The email address or password is not right" in text
    assert "<title>Error:" in text
    unknown = post_form(client, "/staff/login", "/staff/login", {"email": "nobody@staff.test", "password": "whatever it is"})
    assert "The email address or password is not right" in unknown.get_data(as_text=True)
    assert "sign_in.failed" in audit_actions(app, user.id)


def test_code_step_needs_the_password_step_first(client):
    assert client.get("/staff/login/code").headers["Location"] == "/staff/login"


# Wrong passwords and codes are slowed, not locked: tests/staff/test_sign_in_hardening.py.


def test_a_one_time_code_cannot_be_used_twice(app, make_staff):
    user = make_staff("moderator")
    first = app.test_client()
    sign_in_client(app, first, user)
    with app.app_context():
        used_step = db.session.get(StaffUser, user.id).last_totp_step
        secret = db.session.get(StaffUser, user.id).totp_secret
    replayed = pyotp.TOTP(secret).generate_otp(used_step)
    second = app.test_client()
    post_form(second, "/staff/login", "/staff/login", {"email": user.email, "password": STAFF_PASSWORD})
    response = post_form(second, "/staff/login/code", "/staff/login/code", {"code": replayed})
    assert "The code is not right" in response.get_data(as_text=True)


def test_first_sign_in_sets_up_the_authenticator(app, client):
    from portal.staff.services import create_staff_user

    with app.app_context():
        user = create_staff_user("new@staff.test", STAFF_PASSWORD, "moderator")
        db.session.commit()
        user_id = user.id
    response = post_form(client, "/staff/login", "/staff/login", {"email": "new@staff.test", "password": STAFF_PASSWORD})
    assert response.headers["Location"] == "/staff/login/set-up-code"
    page = client.get("/staff/login/set-up-code").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    import re

    secret = re.search(r'class="yp-reference">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = post_form(client, "/staff/login/set-up-code", "/staff/login/set-up-code", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/moderate").status_code == 200
    with app.app_context():
        assert db.session.get(StaffUser, user_id).totp_confirmed
    assert "staff.code_set_up" in audit_actions(app, user_id)


def test_idle_staff_session_expires(app, client, make_staff):
    from datetime import timedelta

    from sqlalchemy import update

    from portal.timeutil import utcnow

    user = make_staff("moderator")
    sign_in_client(app, client, user)
    with app.app_context():
        db.session.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        db.session.commit()
    assert client.get("/moderate").status_code == 302


def test_absolute_staff_session_limit(app, client, make_staff):
    from datetime import timedelta

    from sqlalchemy import update

    from portal.timeutil import utcnow

    user = make_staff("moderator")
    sign_in_client(app, client, user)
    with app.app_context():
        db.session.execute(update(WebSession).values(created_at=utcnow() - timedelta(hours=11)))
        db.session.commit()
    assert client.get("/moderate").status_code == 302


def test_next_parameter_cannot_send_people_off_site(app, client, make_staff):
    user = make_staff("moderator")
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    client.post("/staff/login?next=//evil.example/x", data={"email": user.email, "password": STAFF_PASSWORD, "csrf_token": token})
    token = csrf_token_from(client.get("/staff/login/code").get_data(as_text=True))
    response = client.post("/staff/login/code", data={"code": one_time_code(app, user), "csrf_token": token})
    assert response.headers["Location"] == "/moderate"


def test_logout_needs_csrf(app, client, make_staff):
    user = make_staff("moderator")
    sign_in_client(app, client, user)
    assert client.post("/staff/logout").status_code == 400
    assert client.get("/moderate").status_code == 200


@pytest.mark.parametrize("role", ["facilitator", "moderator", "safeguarding_lead", "admin"])
def test_every_role_reaches_the_staff_landing_page(staff_client, role):
    client, user = staff_client(role)
    page = client.get("/moderate").get_data(as_text=True)
    assert user.display_name in page


def test_role_required_gives_403_to_the_wrong_role(app):
    from portal.staff.auth import role_required

    calls = []

    @role_required("admin")
    def admin_only():
        calls.append(1)
        return "ok"

    from flask_login import login_user
    from werkzeug.exceptions import Forbidden

    with app.test_request_context():
        user = StaffUser(id=999, email="m@x", display_name="m", role="moderator", password_hash="x", active=True)
        login_user(user)
        with pytest.raises(Forbidden):
            admin_only()
    assert calls == []


def test_users_create_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "cli@staff.test", "--role", "moderator", "--password", STAFF_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Created cli@staff.test" in result.output
    result = runner.invoke(args=["users", "create", "--email", "short@staff.test", "--role", "moderator", "--password", "short"])
    assert result.exit_code != 0 and "at least 15" in result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "cli@staff.test"))
        assert user.password_hash.startswith("$argon2id$")
        assert not user.totp_confirmed


def test_users_code_prints_a_valid_code_for_demo_accounts(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["users", "code", "moderator@yourplace.example"])
    assert result.exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "moderator@yourplace.example"))
        assert pyotp.TOTP(user.totp_secret).verify(result.output.strip(), valid_window=1)


def test_production_password_hashes_are_argon2id_above_the_asvs_minimum(make_app):
    from argon2 import extract_parameters

    with make_app(ARGON2_PARAMETERS=None).app_context():
        from portal.staff.services import password_hasher

        params = extract_parameters(password_hasher().hash("a long enough password"))
    assert params.type.name == "ID"
    assert params.memory_cost >= 46 * 1024 and params.time_cost >= 1


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/%0A/evil.example", "/\\evil.example", "https://evil.example/"])
def test_next_cannot_smuggle_another_host(app, client, make_staff, target):
    user = make_staff("moderator")
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    client.post(f"/staff/login?next={target}", data={"email": user.email, "password": STAFF_PASSWORD, "csrf_token": token})
    token = csrf_token_from(client.get("/staff/login/code").get_data(as_text=True))
    response = client.post("/staff/login/code", data={"code": one_time_code(app, user), "csrf_token": token})
    assert response.headers["Location"] == "/moderate"
