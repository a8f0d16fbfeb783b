"""Every string of the Big List of Naughty Strings through every sign-in field:
no server error, nothing echoed unescaped, and a password is never shown back."""

from bs4 import BeautifulSoup

from tests.support.naughty import naughty_strings
from tests.support.staff import STAFF_PASSWORD


def test_sign_in_fields_take_every_naughty_string(app, client, no_csrf, make_staff):
    user = make_staff("moderator")
    for text in naughty_strings():
        response = client.post("/staff/login", data={"email": text, "password": text})
        assert response.status_code == 200, repr(text)
        page = BeautifulSoup(response.data, "html.parser")
        assert not page.select("main script"), repr(text)
        email = page.select_one("input#email")
        if text.strip() and len(text) <= 254:
            assert email["value"] == text, repr(text)
        assert page.select_one("input#password")["value"] == ""

    # The code step, reached with the real password.
    client.post("/staff/login", data={"email": user.email, "password": STAFF_PASSWORD})
    for text in naughty_strings():
        response = client.post("/staff/login/code", data={"code": text})
        # After five wrong codes the account locks and the person is sent back to sign in.
        assert response.status_code in (200, 302), repr(text)
        if response.status_code == 200:
            page = BeautifulSoup(response.data, "html.parser")
            assert not page.select("main script"), repr(text)
