"""Signing staff in, as a person would: through the real two-step forms, in a test
client or in the browser."""

import re
import time

import pyotp

from portal.extensions import db
from portal.staff.models import StaffUser

STAFF_PASSWORD = "a-long-test-password-for-staff"


def one_time_code(app, user: StaffUser) -> str:
    """A code the server will accept now: never a time-step already used by this account."""
    with app.app_context():
        fresh = db.session.get(StaffUser, user.id)
        secret, last_step = fresh.totp_secret, fresh.last_totp_step
        db.session.remove()
    totp = pyotp.TOTP(secret)
    while True:
        now_step = int(time.time()) // totp.interval
        # The current step, not the previous one: a previous-step code can expire while the
        # browser is still typing it, when the 30-second window rolls over.
        step = max(now_step, last_step + 1)
        if step <= now_step + 1:
            return totp.generate_otp(step)
        time.sleep(1)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in_client(app, client, user: StaffUser) -> None:
    """Sign a staff member in through the real two-step forms."""
    page = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": user.email, "password": STAFF_PASSWORD, "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"])
    response = client.post(
        "/staff/login/code",
        data={"code": one_time_code(app, user), "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def browser_sign_in(app, page, user: StaffUser) -> None:
    """Sign in through the browser, like a person: email, password, then the code."""
    page.goto("/staff/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/login/code")
    page.get_by_label("Enter your one-time code").fill(one_time_code(app, user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/moderate")
