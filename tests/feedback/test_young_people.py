"""The young people's space and journey: their words, their privacy, what we did."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from portal.core.reference import THEMES
from portal.extensions import db
from portal.timeutil import utcnow
from tests.support.journeys import YOUNG, Teller, stored


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def publish(app, you_said, we_did, young=True, summary=None, days_ago=0, state="published"):
    from portal.responses.models import Response

    with app.app_context():
        response = Response(you_said=you_said, we_did=we_did, young_people_summary=summary, status="done",
                            responsible="Youth Service", action_date=date.today(), state=state,
                            answers_young_people=young, answers_adults=not young,
                            published_at=utcnow() - timedelta(days=days_ago))
        db.session.add(response)
        db.session.commit()
        return response.id


def test_the_space_explains_what_happens_and_links_to_tell_us(client):
    response = client.get("/young-people")
    assert response.status_code == 200
    page = soup(response)
    text = page.select_one("main").get_text(" ", strip=True)
    assert "We read everything" in text and "We tell you what we did" in text
    assert page.select_one("a.govuk-button--start")["href"] == "/young-people/tell-us"
    assert "We have not answered any young people’s messages here yet" in text
    assert "0800 1111" in text


def test_the_space_shows_published_answers_for_young_people_in_their_words(app, client):
    plain = publish(app, "There is nowhere to go after school", "We agreed to extend the opening hours of two youth clubs",
                    summary="Two youth clubs will stay open later.", days_ago=1)
    other = publish(app, "Buses are late", "We asked the operator for a new timetable", days_ago=2)
    publish(app, "Adult only", "Not for young people", young=False)
    publish(app, "Draft one", "Not published", state="draft")
    page = soup(client.get("/young-people"))
    items = page.select(".yp-response-summary")
    texts = [item.get_text(" ", strip=True) for item in items]
    assert len(items) == 2
    assert "Two youth clubs will stay open later." in texts[0]  # the young people's summary is used
    assert "We asked the operator for a new timetable" in texts[1]  # the ordinary answer when there is none
    assert not any("Adult only" in t or "Draft one" in t for t in texts)
    if "responses.show" in app.view_functions:
        hrefs = [item.select_one("a")["href"] for item in items]
        assert hrefs == [f"/you-said-we-did/{plain}", f"/you-said-we-did/{other}"]


def test_no_tracking_no_cookie_no_third_party_anything(client):
    response = client.get("/young-people")
    assert "Set-Cookie" not in response.headers
    page = soup(response)
    for element in page.select("script[src], link[href], img[src], iframe"):
        url = element.get("src") or element.get("href")
        assert url.startswith("/") or url.startswith("data:"), url


def test_the_start_page_has_a_privacy_notice_in_their_words(client):
    text = soup(client.get("/young-people/tell-us")).select_one("main").get_text(" ", strip=True)
    assert "We never ask for your birthday" in text
    assert "If you are under 13, we will not ask for your email" in text
    assert "We do not track you" in text


def test_questions_are_in_plain_words_with_plain_theme_hints(client):
    teller = Teller(client, YOUNG)
    age = soup(teller.get("/age"))
    assert age.select_one("h1").get_text(strip=True) == "How old are you?"
    labels = [label.get_text(strip=True) for label in age.select(".govuk-radios__label")]
    assert labels == ["Under 13", "13 to 15", "16 or 17", "18 to 25, and I have been in care"]
    assert not age.select("input[type=date]") and "birthday" in age.get_text()
    teller.answer("age", "13_15")
    care = soup(teller.get("/care"))
    assert "(optional)" in care.select_one("h1").get_text()
    teller.answer("care", None)
    about = soup(teller.get("/about"))
    hints = [hint.get_text(strip=True) for hint in about.select(".govuk-radios__hint")]
    assert hints == [plain for _slug, _name, _description, plain, _pillar in THEMES]


def test_skipping_is_as_easy_as_answering(client):
    """The care question and the email are skipped with the same Continue button."""
    teller = Teller(client, YOUNG)
    teller.answer("age", "16_17")
    buttons = soup(teller.get("/care")).select("main button")
    assert [b.get_text(strip=True) for b in buttons] == ["Continue"]
    assert teller.answer("care", None).headers["Location"] == "/young-people/tell-us/about"


def test_a_young_persons_feedback_is_stored_with_band_and_care(app, client):
    reference, html = Teller(client, YOUNG).fill(age="16_17", care="yes", email="me@example.com").send_and_follow()
    submission = stored(app, reference)
    assert (submission.audience, submission.age_band, submission.care_experienced, submission.email) == (
        "young_person", "16_17", "yes", "me@example.com")
    assert "We got your message" in html


def test_email_step_explains_itself_plainly(client):
    teller = Teller(client, YOUNG)
    teller.answer("age", "13_15")
    teller.answer("care", "no")
    teller.answer("about", "linking-up-schools")
    teller.answer("where", "shipley")
    teller.post("/message", {"body": "We should meet other schools"})
    page = soup(teller.get("/reply"))
    assert page.select_one("label[for=email]").get_text(strip=True) == "Your email address (optional)"
    assert "We delete it 90 days after we answer" in page.get_text()


def test_the_confirmation_for_young_people(client):
    teller = Teller(client, YOUNG).fill(age="under_13")
    teller.send()
    page = soup(teller.get("/confirmation"))
    assert page.select_one("h1").get_text(strip=True) == "Thank you. We got your message"
    assert page.select_one("a[href='/young-people']")


@pytest.mark.parametrize("body", ["We want a skate park", "My mum's boyfriend hits me"])
def test_every_young_persons_confirmation_says_where_to_get_help(app, client, body):
    """Whether or not the message was flagged: the page never gives a flag away."""
    teller = Teller(client, YOUNG).fill(age="under_13", body=body)
    teller.send()
    page = soup(teller.get("/confirmation"))
    panel = page.select_one("#if-worried")
    assert panel.select_one("h2").get_text(strip=True) == "If something is worrying you"
    text = panel.get_text(" ", strip=True)
    assert "Childline" in text and "free" in text and "any time" in text and "danger" in text
    assert panel.select_one("a[href='tel:08001111'] bdi").get_text() == "0800 1111"
    assert panel.select_one("a[href='tel:999'] bdi").get_text() == "999"
    flagged = stored(app, page.select_one(".govuk-panel .yp-reference").get_text(strip=True)).safeguarding_state != "none"
    assert flagged == (page.select_one("#help-now") is not None)  # the fuller help, only when flagged
