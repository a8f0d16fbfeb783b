"""Sessions: nothing is stored for a visitor who has only opened a form, and the form they
opened still works once their first answer is stored (portal/sessions.py)."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.sessions import SECRET_ONLY, WebSession
from tests.support.journeys import Teller
from tests.support.staff import csrf_token_from

COOKIE = "yp_session"


def _stored_sessions(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(WebSession))
        db.session.remove()
        return count


def test_opening_form_pages_stores_no_session(app, client):
    before = _stored_sessions(app)
    for path in ("/tell-us/about", "/young-people/tell-us/age", "/staff/login"):
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200
        csrf_token_from(page.get_data(as_text=True))  # a form with its security token
    assert _stored_sessions(app) == before
    cookie = client.get_cookie(COOKIE).value
    assert cookie.startswith(SECRET_ONLY)  # the signed secret, and no answers, in the cookie


def test_the_first_answer_stores_the_session_and_keeps_open_forms_working(app, client):
    first_page = client.get("/tell-us/about").get_data(as_text=True)
    token = csrf_token_from(first_page)
    before = _stored_sessions(app)
    answered = client.post("/tell-us/about", data={"csrf_token": token, "answer": "sharing-spaces-and-places"})
    assert answered.status_code == 302
    assert _stored_sessions(app) == before + 1
    stored = client.get_cookie(COOKIE).value
    assert not stored.startswith(SECRET_ONLY)  # now only a random key to the stored row
    # A token from the page opened before the row existed still works: the secret moved with it.
    assert client.post("/tell-us/where", data={"csrf_token": token, "answer": "keighley"}).status_code == 302
    assert client.get("/tell-us/message").status_code == 200  # both answers were kept


def test_a_whole_journey_starting_from_a_cookie_only_session_is_stored(client, app):
    reference, _html = Teller(client).fill().send_and_follow()
    assert reference.startswith("BD-")


def test_a_forged_or_altered_secret_cookie_is_worth_nothing(app, client):
    token = csrf_token_from(client.get("/tell-us/about").get_data(as_text=True))
    cookie = client.get_cookie(COOKIE).value
    forger = app.test_client()
    secret = cookie[len(SECRET_ONLY):].split(".")[0]
    forger.set_cookie(COOKIE, f"{SECRET_ONLY}{secret}.not-the-signature")
    refused = forger.post("/tell-us/about", data={"csrf_token": token, "answer": "sharing-spaces-and-places"})
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.get_data(as_text=True)
    assert forger.get("/tell-us/where").headers.get("Location", "").endswith("/tell-us/about")  # no answer kept
