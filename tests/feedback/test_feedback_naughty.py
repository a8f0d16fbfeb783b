"""Every string of the Big List of Naughty Strings through every text field of the flow:
no server error, stored exactly, shown back escaped.

Fast on purpose: the test client posts straight to each step (CSRF off), and the draft
is put in the server-side session directly rather than walked to each time.
"""

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.feedback.forms import BODY_MAX
from portal.feedback.models import EqualityAnswers, Submission
from portal.feedback.services import _equality_id
from tests.support import naughty_strings

DRAFT = {"theme": "hope-for-the-future", "area": "keighley", "email": None}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def shown_text(element) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    return element.get_text()


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def test_every_naughty_string_as_the_message(app, client, no_csrf):
    strings = naughty_strings()
    assert len(strings) > 400
    expected = {}
    for index, text in enumerate(strings):
        token = f"naughty-{index:04d}"
        with client.session_transaction() as session:
            session["tell_us_draft"] = {"token": token, **DRAFT}
        response = client.post("/tell-us/message", data={"body": text})
        assert response.status_code < 500, repr(text)
        if not text.strip() or len(text) > BODY_MAX:
            assert response.status_code == 200 and soup(response).select(".govuk-error-summary"), repr(text)
            continue
        assert response.status_code == 302, repr(text)
        page = client.get("/tell-us/check-your-answers")
        assert page.status_code == 200, repr(text)
        assert shown_text(soup(page).select_one("#answer-message")) == lines(text), repr(text)
        response = client.post("/tell-us/check-your-answers", data={"draft_token": token})
        assert response.status_code == 302 and response.headers["Location"] != "/tell-us", repr(text)
        expected[token] = text
    with app.app_context():
        stored = dict(db.session.execute(
            select(Submission.draft_token, Submission.body).where(Submission.draft_token.startswith("naughty-"))
        ).all())
    assert len(stored) == len(expected) > 400
    mismatched = [(expected[t], stored.get(t)) for t in expected if stored.get(t) != expected[t]]
    assert not mismatched, mismatched[:5]


def test_every_naughty_string_as_an_email(app, client, no_csrf):
    accepted = {}
    for index, text in enumerate(naughty_strings()):
        token = f"naughty-mail-{index:04d}"
        with client.session_transaction() as session:
            session["tell_us_draft"] = {"token": token, **DRAFT, "body": "hello"}
        response = client.post("/tell-us/reply", data={"email": text})
        assert response.status_code in (200, 302), repr(text)
        if response.status_code == 200:
            page = soup(response)
            assert page.select(".govuk-error-summary"), repr(text)
            assert page.select_one("input[name=email]")["value"] == text.strip(), repr(text)
            continue
        if text.strip():
            page = client.get("/tell-us/check-your-answers")
            assert page.select_one("#answer-reply").get_text() == text.strip()
            client.post("/tell-us/check-your-answers", data={"draft_token": token})
            accepted[token] = text.strip()
    with app.app_context():
        stored = dict(db.session.execute(
            select(Submission.draft_token, Submission.email).where(Submission.draft_token.startswith("naughty-mail-"))
        ).all())
    assert stored == accepted


def test_every_naughty_string_as_the_ethnic_background_description(app, client, no_csrf):
    expected = {}
    for index, text in enumerate(naughty_strings()):
        token = f"naughty-equality-{index:04d}"
        with client.session_transaction() as session:
            session["tell_us_done"] = {"reference": "23456789", "token": "done"}
            session["tell_us_equality"] = {
                "token": token, "audience": "adult", "age_band": None, "theme_id": None, "area_id": None,
                "month": "2026-11-01", "answers": {"ethnic_group": "other"},
            }
        response = client.post("/tell-us/equality/ethnic-background", data={"answer": "other_any", "other": text})
        assert response.status_code < 500, repr(text)
        if len(text.strip()) > 200:
            assert response.status_code == 200 and soup(response).select(".govuk-error-summary"), repr(text)
            continue
        assert response.status_code == 302, repr(text)
        page = soup(client.get("/tell-us/equality/ethnic-background"))
        assert page.select_one("input[name=other]")["value"] == text.strip(), repr(text)
        assert client.post("/tell-us/equality/skip").status_code == 302
        if text.strip():
            expected[_equality_id(token)] = text.strip()
    with app.app_context():
        stored = dict(db.session.execute(
            select(EqualityAnswers.id, EqualityAnswers.ethnic_background_other)
        ).all())
    assert {k: v for k, v in stored.items() if v is not None} == expected


def test_every_naughty_string_as_a_reference_to_track(client):
    for text in naughty_strings():
        response = client.get("/track", query_string={"reference": text})
        assert response.status_code in (200, 404), repr(text)
        value = soup(response).select_one("input[name=reference]")["value"]
        assert value == text, repr(text)
