"""Sign-in hardening: nothing tells which staff emails exist (the same words and similar
time for a wrong password, an unknown email and an account that must wait); guessing is
slowed per account, per address and per pair with growing waits, but a stranger cannot
keep a moderator's own browser out; common and breached passwords are refused; lost
authenticators are recovered with one-time codes or by an admin, audited; and the
client address comes only from proxies we trust."""

import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.staff.models import AuditEvent, RecoveryCode, SignInThrottle, StaffUser
from portal.staff.services import AccountError, create_staff_user
from portal.timeutil import utcnow
from tests.support.staff import STAFF_PASSWORD, csrf_token_from, one_time_code, sign_in_client

WRONG = "The email address or password is not right"
WAIT = "Too many wrong attempts. Wait"


def attempt(client, email: str, password: str, address: str = "203.0.113.9"):
    page = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/staff/login", environ_base={"REMOTE_ADDR": address}, data={
        "email": email, "password": password, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def message(response) -> str:
    from bs4 import BeautifulSoup

    error = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".govuk-error-message")
    return " ".join(error.get_text(" ").split()).replace("Error:", "").strip() if error else ""


def unblock(app):
    with app.app_context():
        for row in db.session.scalars(select(SignInThrottle)):
            row.blocked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_a_wrong_password_an_unknown_email_and_a_waiting_account_read_the_same(app, make_staff):
    user = make_staff("moderator")
    for email in (user.email, "nobody@staff.test"):
        client = app.test_client()
        answers = [message(attempt(client, email, "not the password at all")) for _ in range(5)]
        assert answers == [WRONG] * 5, answers
        sixth = attempt(client, email, "not the password at all")
        assert sixth.status_code == 200 and message(sixth).startswith(WAIT), message(sixth)
        assert "locked" not in sixth.get_data(as_text=True).lower()
    # Both emails got exactly the same answers: the wait message says nothing about the account.
    with app.app_context():
        rows = list(db.session.scalars(select(SignInThrottle)))
        assert {row.key.split(":")[0] for row in rows} == {"pair", "account", "client"}
        assert not any(user.email in row.key for row in rows)  # emails are kept only as keyed hashes


def test_waits_grow_and_the_right_password_is_refused_while_waiting(app, make_staff):
    user = make_staff("moderator")
    client = app.test_client()
    for _ in range(5):
        attempt(client, user.email, "wrong wrong wrong wrong")
    refused = attempt(client, user.email, STAFF_PASSWORD)  # right, but this pair must wait
    assert message(refused).startswith(WAIT) and refused.status_code == 200
    assert "30 seconds" in message(refused) or "29 seconds" in message(refused)
    with app.app_context():
        first = db.session.scalar(select(SignInThrottle).where(SignInThrottle.key.startswith("pair:")))
        first_wait = first.blocked_until - first.updated_at
    unblock(app)
    attempt(client, user.email, "wrong again and again")
    with app.app_context():
        second = db.session.scalar(select(SignInThrottle).where(SignInThrottle.key.startswith("pair:")))
        assert second.blocked_until - second.updated_at == 2 * first_wait  # 30 s, then 60 s
        assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {"sign_in.failed", "sign_in.throttled"}
    unblock(app)
    response = attempt(client, user.email, STAFF_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/login/code"


def test_a_stranger_elsewhere_cannot_keep_a_moderator_out_of_their_own_browser(app, make_staff):
    user = make_staff("moderator")
    own = app.test_client()
    sign_in_client(app, own, user)  # this browser has signed in before: it is known
    own.post("/staff/logout", data={"csrf_token": csrf_token_from(own.get("/moderate").get_data(as_text=True))})
    # A stranger tries from eleven addresses, once each: the account as a whole must now wait…
    for number in range(11):
        attempt(app.test_client(), user.email, f"guess number {number} here", address=f"198.51.100.{number}")
    another = attempt(app.test_client(), user.email, STAFF_PASSWORD, address="198.51.100.200")
    assert message(another).startswith(WAIT)  # an unknown browser waits, even with the password
    # …but the moderator's own browser does not, and signs in.
    response = attempt(own, user.email, STAFF_PASSWORD, address="192.0.2.50")
    assert response.status_code == 302, message(response)
    with app.app_context():
        account = db.session.scalar(select(SignInThrottle).where(SignInThrottle.key.startswith("account:")))
        assert account.blocked_until - account.updated_at <= timedelta(minutes=5)  # and never long for anyone


@pytest.fixture
def unlimited_app(make_app):
    return make_app(RATELIMIT_ENABLED=False)


def test_one_address_trying_many_accounts_is_slowed(unlimited_app):
    client = unlimited_app.test_client()
    answers = [message(attempt(client, f"person{n}@staff.test", "some wrong password")) for n in range(31)]
    assert answers[:30] == [WRONG] * 30 and answers[30].startswith(WAIT)


def test_similar_time_for_a_wrong_password_an_unknown_email_and_a_waiting_account(make_app):
    # Production argon2 costs, so the password check is what takes the time, as it would.
    app = make_app(ARGON2_PARAMETERS={}, RATELIMIT_ENABLED=False)
    with app.app_context():
        create_staff_user("timing@staff.test", STAFF_PASSWORD, "moderator")
        db.session.commit()

    def timed(email: str, address: str) -> float:
        client = app.test_client()
        page = client.get("/staff/login", environ_base={"REMOTE_ADDR": address})
        token = csrf_token_from(page.get_data(as_text=True))
        start = time.perf_counter()
        client.post("/staff/login", environ_base={"REMOTE_ADDR": address},
                    data={"email": email, "password": "a wrong password typed", "csrf_token": token})
        return time.perf_counter() - start

    for _ in range(6):  # make one pair wait
        timed("waiting@staff.test", "192.0.2.77")
    kinds = (("wrong", "timing@staff.test", "192.0.2.1"), ("unknown", "nobody@staff.test", "192.0.2.2"),
             ("waiting", "waiting@staff.test", "192.0.2.77"))
    # Round by round, so a machine that gets busier half-way slows every kind alike.
    times = {kind: [] for kind, _email, _address in kinds}
    for _ in range(7):
        for kind, email, address in kinds:
            times[kind].append(timed(email, address))
    samples = {kind: statistics.median(found) for kind, found in times.items()}
    print(samples)
    fastest, slowest = min(samples.values()), max(samples.values())
    assert slowest < fastest * 1.5, samples


@pytest.mark.parametrize("password", ["aaaaaaaaaaaaaaa", "passwordpassword", "qwertyuiopasdfgh", "iloveyou12345678",
                                      "bradfordbradford1", "new.person@staff.test", "yourplaceyourplace",
                                      "1234567890123456"])
def test_common_and_breached_passwords_are_refused(app, password):
    with app.app_context():
        with pytest.raises(AccountError, match="too easy to guess|at least 15"):
            create_staff_user("new.person@staff.test", password, "moderator")
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == "new.person@staff.test")) is None


def test_the_command_line_refuses_a_common_password_with_the_reason(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "cli@staff.test", "--role", "moderator",
                                                "--password", "passwordpassword"])
    assert result.exit_code != 0 and "too easy to guess" in result.output
    good = app.test_cli_runner().invoke(args=["users", "create", "--email", "cli@staff.test", "--role", "moderator",
                                              "--password", "ferry lantern cobble orchard"])
    assert good.exit_code == 0, good.output


def test_recovery_codes_are_shown_once_and_each_works_once(app):
    with app.app_context():
        user = create_staff_user("recover@staff.test", STAFF_PASSWORD, "moderator")
        db.session.commit()
        user_id = user.id
    client = app.test_client()
    response = attempt(client, "recover@staff.test", STAFF_PASSWORD)
    assert response.headers["Location"] == "/staff/login/set-up-code"
    page = client.get("/staff/login/set-up-code").get_data(as_text=True)
    import re

    import pyotp

    secret = re.search(r"([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})", page).group(1).replace(" ", "")
    done = client.post("/staff/login/set-up-code", data={"code": pyotp.TOTP(secret).now(),
                                                          "csrf_token": csrf_token_from(page)})
    assert done.headers["Location"] == "/staff/recovery-codes"
    shown = client.get("/staff/recovery-codes").get_data(as_text=True)
    codes = re.findall(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>", shown)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post("/staff/recovery-codes", data={"csrf_token": csrf_token_from(shown)})
    assert "<code>" not in client.get("/staff/recovery-codes", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        stored = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user_id)))
        assert len(stored) == 10 and not any(code.replace("-", "") in stored for code in codes)  # hashed

    def sign_in_with(code: str):
        other = app.test_client()
        attempt(other, "recover@staff.test", STAFF_PASSWORD, address="192.0.2.9")
        form = other.get("/staff/login/code").get_data(as_text=True)
        return other, other.post("/staff/login/code", data={"code": code, "csrf_token": csrf_token_from(form)})

    other, used = sign_in_with(codes[3].lower())
    assert used.status_code == 302 and other.get("/moderate").status_code == 200
    _again, reused = sign_in_with(codes[3])
    assert reused.status_code == 200 and "The code is not right" in reused.get_data(as_text=True)
    with app.app_context():
        assert "sign_in.recovery_code_used" in {e.action for e in db.session.scalars(select(AuditEvent))}


def test_an_admin_resets_a_lost_authenticator_from_the_command_line_audited(app, make_staff):
    user = make_staff("moderator")
    admin = make_staff("admin")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "reset-code", user.email, "--admin", user.email, "--reason", "lost phone"])
    assert refused.exit_code != 0 and "not an active admin" in refused.output
    done = runner.invoke(args=["users", "reset-code", user.email, "--admin", admin.email,
                               "--reason", "lost phone, checked in person"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        fresh = db.session.get(StaffUser, user.id)
        assert fresh.totp_secret is None and not fresh.totp_confirmed
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.authenticator_reset"))
        assert event.actor_id == admin.id and event.detail == "lost phone, checked in person"
    response = attempt(app.test_client(), user.email, STAFF_PASSWORD)
    assert response.headers["Location"] == "/staff/login/set-up-code"  # a new authenticator, with the password


def test_wrong_codes_are_slowed_too(app, make_staff):
    user = make_staff("moderator")
    client = app.test_client()
    attempt(client, user.email, STAFF_PASSWORD)
    form = client.get("/staff/login/code").get_data(as_text=True)
    token = csrf_token_from(form)
    for _ in range(5):
        wrong = client.post("/staff/login/code", data={"code": "000000", "csrf_token": token})
        assert "The code is not right" in wrong.get_data(as_text=True)
    waiting = client.post("/staff/login/code", data={"code": one_time_code(app, user), "csrf_token": token})
    assert WAIT in waiting.get_data(as_text=True) and client.get("/moderate").status_code == 302


@pytest.mark.parametrize("hops, expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_comes_only_through_trusted_proxies(make_app, hops, expected):
    app = make_app(TRUSTED_PROXY_HOPS=hops)
    seen = []

    @app.get("/_address")
    def _address():
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    client = app.test_client()
    client.get("/_address", headers={"X-Forwarded-For": "203.0.113.7"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen == [expected]


def test_a_client_facing_the_app_directly_cannot_dodge_a_limit_with_new_forwarded_addresses(make_app):
    app = make_app(TRUSTED_PROXY_HOPS=0)
    client = app.test_client()
    statuses = []
    # Each attempt a new browser (a new session) and a new X-Forwarded-For: only the real
    # address is left to count by, and sign-in allows 60 posts a minute from one address.
    for n in range(62):
        other = app.test_client()
        page = other.get("/staff/login", environ_base={"REMOTE_ADDR": "192.0.2.44"})
        statuses.append(other.post("/staff/login", headers={"X-Forwarded-For": f"198.51.100.{n}"},
                                   environ_base={"REMOTE_ADDR": "192.0.2.44"},
                                   data={"email": "x@staff.test", "password": "y" * 16,
                                         "csrf_token": csrf_token_from(page.get_data(as_text=True))}).status_code)
    del client
    assert statuses[:60] == [200] * 60 and set(statuses[60:]) == {429}, statuses


def test_redis_being_down_does_not_stop_form_posts(make_app):
    # Nothing listens on port 1: limits fall back to each process's memory until Redis is back.
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", PROPAGATE_EXCEPTIONS=False)
    response = attempt(app.test_client(), "someone@staff.test", "a wrong password here")
    assert response.status_code == 200 and message(response) == WRONG
