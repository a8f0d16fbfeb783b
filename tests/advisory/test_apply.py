"""Applying to the People's Advisory Group through the test client, as a person would:
every question page, every message it can show, the waiting list a full area means, the
optional questions about you (kept apart), tracking, the seats on /advisory-group, the
Big List of Naughty Strings through every field typed into, and the queries the group's
page runs."""

import re
import time

import pytest
from bs4 import BeautifulSoup
from markupsafe import escape
from sqlalchemy import func, select

from portal.advisory import services
from portal.advisory.forms import PHONE
from portal.advisory.models import EQUALITIES_FORUM, NAME_MAX, PHONE_MAX, TEXT_MAX, Application, ApplicationEquality
from portal.core.models import Area
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.shared.references import parse_reference
from portal.shared.text import clean_text
from portal.timeutil import uk_today
from tests.support import QueryCounter, naughty_strings
from tests.support.advisory_factories import AREAS, fill, make_application, world
from tests.support.staff import csrf_token_from

PREFIX = "/advisory-group/apply"
CHECK = f"{PREFIX}/check-your-answers"
DRAFT = "advisory_draft"
REFERENCE_SHOWN = re.compile(r"BD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")
THEMES = ["sharing-spaces-and-places", "linking-up-schools"]
ANSWERS = {
    "age": "45_64", "name": "Amina Hussain", "email": "amina@example.com", "phone": "07700 900982",
    "route": "keighley", "why": "I have lived in Keighley all my life.\r\nI want young people heard.",
    "bring": "I run a parents' group at the school.", "interests": THEMES,
    "availability": ["weekday_evening", "online"], "access": "A hearing loop, please.",
    "has_interests": "yes", "declaration": "I am a trustee of a youth charity in Keighley.",
}
STEPS = ("age", "name", "contact", "route", "why", "interests", "availability", "access", "declaration", "consent")


def step_data(step: str, answers: dict) -> dict:
    return {
        "age": lambda: {"answer": answers["age"]},
        "name": lambda: {"name": answers["name"]},
        "contact": lambda: {"email": answers["email"] or "", "phone": answers["phone"] or ""},
        "route": lambda: {"answer": answers["route"]},
        "why": lambda: {"why": answers["why"], "bring": answers["bring"], "website": ""},
        "interests": lambda: {"answer": answers["interests"]},
        "availability": lambda: {"answer": answers["availability"]},
        "access": lambda: {"access": answers["access"]},
        "declaration": lambda: {"has_interests": answers["has_interests"], "declaration": answers["declaration"]},
        "consent": lambda: {"consent": "y"},
    }[step]()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def main_soup(response) -> BeautifulSoup:
    """The <title> and <main> only: quicker to parse thousands of times."""
    html = response.get_data(as_text=True)
    title = html[html.index("<title>"):html.index("</title>") + 8]
    return BeautifulSoup(title + html[html.index("<main"):html.index("</main>") + 7], "html.parser")


def words(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


class Applicant:
    """Walks the application's question pages with a real CSRF token."""

    def __init__(self, client, csrf: bool = True):
        self.client = client
        self.csrf = csrf
        self._token = None
        self.draft_token = None

    def post(self, path: str, data: dict):
        data = dict(data)
        if self.csrf:
            if self._token is None:
                self._token = csrf_token_from(self.client.get(f"{PREFIX}/age").get_data(as_text=True))
            data["csrf_token"] = self._token
        return self.client.post(path, data=data)

    def answer(self, step: str, data: dict, change: bool = False):
        return self.post(f"{PREFIX}/{step}" + ("?change=1" if change else ""), data)

    def fill(self, until: str | None = None, **overrides) -> "Applicant":
        """Answer every question before `until` (all of them without it)."""
        answers = {**ANSWERS, **overrides}
        for step in STEPS:
            if step == until:
                break
            response = self.answer(step, step_data(step, answers))
            assert response.status_code == 302, (step, response.get_data(as_text=True)[:3000])
        return self

    def draft(self) -> dict:
        with self.client.session_transaction() as session:
            return dict(session.get(DRAFT) or {})

    def check_page(self):
        page = self.client.get(CHECK)
        assert page.status_code == 200, page.headers.get("Location")
        self.draft_token = re.search(r'name="draft_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        return page

    def send(self):
        if self.draft_token is None:
            self.check_page()
        return self.post(CHECK, {"draft_token": self.draft_token, "website": ""})

    def skip_questions(self):
        return self.post(f"{PREFIX}/questions-about-you", {"answer": "no"})

    def apply(self, **overrides) -> str:
        """Fill in, send, skip the questions about you: the reference on the confirmation."""
        self.fill(**overrides)
        sent = self.send()
        assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
        if sent.headers["Location"].endswith("/questions-about-you"):
            assert self.skip_questions().headers["Location"].endswith("/apply/confirmation")
        return REFERENCE_SHOWN.search(self.client.get(f"{PREFIX}/confirmation").get_data(as_text=True)).group(0)


def stored(app, reference: str | None = None) -> list[Application]:
    with app.app_context():
        statement = select(Application).order_by(Application.id)
        if reference:
            statement = statement.where(Application.reference == parse_reference(reference))
        rows = list(db.session.scalars(statement))
        for row in rows:
            db.session.expunge(row)
        return rows


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def summary_text(response) -> str:
    summary = soup(response).select_one(".govuk-error-summary")
    assert summary is not None, "no error summary"
    return summary.get_text(" ", strip=True)


# ---- the whole journey ------------------------------------------------------------


def test_the_whole_journey_stores_one_application_with_every_answer_and_one_email(app, client):
    applicant = Applicant(client).fill()
    check = applicant.check_page()
    page = words(check)
    for shown in ("Amina Hussain", "amina@example.com", "07700 900982", "I live in Keighley",
                  "I have lived in Keighley all my life.", "I run a parents", "Weekday evenings", "Online meetings",
                  "A hearing loop, please.", "I am a trustee of a youth charity in Keighley.", "45 to 64"):
        assert shown in page, shown
    assert "You will join the waiting list" not in page
    assert count(app, Application) == 0  # nothing is stored before "Send"

    sent = applicant.send()
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"{PREFIX}/questions-about-you")
    intro = client.get(sent.headers["Location"])
    reference = REFERENCE_SHOWN.search(intro.get_data(as_text=True)).group(0)
    assert "Questions about you (optional)" in words(intro)
    done = applicant.skip_questions()
    assert done.status_code == 303 and done.headers["Location"].endswith(f"{PREFIX}/confirmation")
    confirmation = client.get(done.headers["Location"])
    assert soup(confirmation).select_one("#reference").get_text(strip=True) == reference
    assert "We have sent you an email with your reference number." in words(confirmation)

    (application,) = stored(app)
    with app.app_context():
        keighley = db.session.scalar(select(Area.id).where(Area.slug == "keighley"))
    assert application.display_reference == reference
    assert (application.name, application.email, application.phone, application.age_band) == (
        "Amina Hussain", "amina@example.com", "07700 900982", "45_64")
    assert (application.seat_pool, application.area_id, application.audience) == ("keighley", keighley, "adult")
    assert application.why == ANSWERS["why"] and application.bring == ANSWERS["bring"]
    assert application.interest_slugs == THEMES
    assert application.availability_keys == ["weekday_evening", "online"]
    assert application.access_needs == "A hearing loop, please."
    assert application.declaration == ANSWERS["declaration"] and application.declared_on == uk_today()
    assert application.consent_at is not None and application.language == "en"
    assert (application.stage, application.waiting_since, application.status) == ("submitted", None, "received")
    assert application.safeguarding_state == "none"

    (email,) = outbox(app)
    assert email.to_address == "amina@example.com"
    assert email.subject == f"We have your application {reference}"
    assert f"/track/{reference}" in email.body and "Hello Amina Hussain," in email.body
    assert "waiting list" not in email.body
    assert count(app, ApplicationEquality) == 0  # skipped: nothing about them kept

    # The same page sent again (a double click, the back button): still one of each.
    again = applicant.send()
    assert again.status_code == 303 and again.headers["Location"].endswith(f"{PREFIX}/confirmation")
    assert len(stored(app)) == 1 and len(outbox(app)) == 1


def test_the_same_draft_sent_from_a_second_tab_is_stored_once(app, client):
    """Both tabs hold the same draft token: the database keeps one application."""
    applicant = Applicant(client).fill()
    applicant.check_page()
    draft = applicant.draft()
    assert applicant.send().status_code == 303
    with client.session_transaction() as session:  # the other tab's session still has the draft
        session[DRAFT] = draft
        session.pop("advisory_done", None)
    again = applicant.send()
    assert again.status_code == 303
    assert len(stored(app)) == 1 and len(outbox(app)) == 1
    with app.app_context():
        result = services.apply(draft)  # and straight through the service
        assert result.created is False
    assert len(stored(app)) == 1 and len(outbox(app)) == 1


def test_a_phone_number_only_is_enough_and_no_email_is_queued(app, client):
    reference = Applicant(client).apply(email="", phone="01274 431000", route="shipley")
    (application,) = stored(app)
    assert (application.email, application.phone, application.seat_pool) == (None, "01274 431000", "shipley")
    assert application.display_reference == reference
    assert outbox(app) == []
    assert "We have sent you an email" not in words(client.get(f"{PREFIX}/confirmation"))


def test_an_email_only_is_enough(app, client):
    Applicant(client).apply(phone="", route=EQUALITIES_FORUM)
    (application,) = stored(app)
    assert (application.email, application.phone, application.seat_pool, application.area_id) == (
        "amina@example.com", None, EQUALITIES_FORUM, None)
    assert len(outbox(app)) == 1


# ---- every validation message -----------------------------------------------------

LONG = "x" * (TEXT_MAX + 1)
INVALID = [
    ("age", {}, "Choose how old you are"),
    ("age", {"answer": "12"}, "Choose how old you are"),
    ("name", {"name": ""}, "Enter your name"),
    ("name", {"name": " \t "}, "Enter your name"),
    ("name", {"name": "\x00"}, "Enter your name"),
    ("name", {"name": "n" * (NAME_MAX + 1)}, f"Your name must be {NAME_MAX} characters or fewer"),
    ("contact", {"email": "", "phone": ""}, "Enter an email address or a phone number, or both"),
    ("contact", {"email": "   ", "phone": "  "}, "Enter an email address or a phone number, or both"),
    ("contact", {"email": "amina.example.com", "phone": ""},
     "Enter an email address in the correct format, like name@example.com"),
    ("contact", {"email": "amina@", "phone": "07700 900982"},
     "Enter an email address in the correct format, like name@example.com"),
    ("contact", {"email": "", "phone": "call me after six"}, "Enter a phone number, like 01274 431000 or 07700 900982"),
    ("contact", {"email": "", "phone": "12345"}, "Enter a phone number, like 01274 431000 or 07700 900982"),
    ("contact", {"email": "", "phone": "0" * (PHONE_MAX + 1)}, f"Phone number must be {PHONE_MAX} characters or fewer"),
    ("route", {}, "Choose how you would join"),
    ("route", {"answer": "leeds"}, "Choose how you would join"),
    ("why", {"why": "", "bring": "Patience."}, "Tell us why you want to join"),
    ("why", {"why": "Because.", "bring": "   "}, "Tell us what you would bring to the group"),
    ("why", {"why": LONG, "bring": "Patience."}, "Why you want to join must be 2,000 characters or fewer"),
    ("why", {"why": "Because.", "bring": LONG}, "What you would bring must be 2,000 characters or fewer"),
    ("availability", {}, "Choose at least one time you could come to a meeting"),
    ("availability", {"answer": ["midnight"]}, "Choose at least one time you could come to a meeting"),
    ("access", {"access": LONG}, "Access needs must be 2,000 characters or fewer"),
    ("declaration", {"has_interests": "yes", "declaration": ""}, "Tell us about your interests"),
    ("declaration", {"has_interests": "yes", "declaration": " \r\n "}, "Tell us about your interests"),
    ("declaration", {"declaration": "A trustee."}, "Choose yes if you have interests to declare, or no"),
    ("declaration", {"has_interests": "maybe", "declaration": ""}, "Choose yes if you have interests to declare, or no"),
    ("declaration", {"has_interests": "yes", "declaration": LONG}, "Your declaration must be 2,000 characters or fewer"),
    ("consent", {}, "Tick the box to say we may contact you about the group"),
    ("consent", {"consent": ""}, "Tick the box to say we may contact you about the group"),
]


@pytest.mark.parametrize(("step", "data", "message"), INVALID,
                         ids=[f"{step}-{i}" for i, (step, _d, _m) in enumerate(INVALID)])
def test_every_message_is_shown_in_the_error_summary_and_nothing_is_kept(app, client, step, data, message):
    applicant = Applicant(client)
    # A first answer: refused, and the question stays unanswered.
    applicant.fill(until=step)
    before = applicant.draft()
    response = applicant.answer(step, data)
    assert response.status_code == 200
    assert message in summary_text(response)
    assert soup(response).title.get_text().startswith("Error:")
    assert applicant.draft() == before
    following = STEPS[STEPS.index(step) + 1] if step != "consent" else None
    onwards = client.get(f"{PREFIX}/{following}" if following else CHECK)
    assert onwards.status_code == 302 and onwards.headers["Location"].endswith(f"{PREFIX}/{step}")

    # A change to an answer given already: refused, and the answer given stays as it was.
    applicant.fill()
    before = applicant.draft()
    response = applicant.answer(step, data, change=True)
    assert response.status_code == 200 and message in summary_text(response)
    assert applicant.draft() == before
    assert client.get(CHECK).status_code == 200
    assert count(app, Application) == 0 and outbox(app) == []


def test_text_of_exactly_2000_characters_is_taken_whole(app, client):
    longest = "é" * TEXT_MAX
    Applicant(client).apply(why=longest, bring=longest, access=longest, declaration=longest,
                            name="n" * NAME_MAX)
    (application,) = stored(app)
    assert application.why == application.bring == application.access_needs == application.declaration == longest
    assert application.name == "n" * NAME_MAX


def test_no_interests_to_declare_keeps_no_declaration_text(app, client):
    Applicant(client).apply(has_interests="no", declaration="typed, then changed my mind", interests=[])
    (application,) = stored(app)
    assert (application.declaration, application.interests) == ("", "")


def test_only_known_topics_and_times_are_kept(app, client):
    Applicant(client).apply(interests=["not-a-theme", THEMES[1]], availability=["midnight", "weekend"])
    (application,) = stored(app)
    assert (application.interest_slugs, application.availability_keys) == ([THEMES[1]], ["weekend"])


# ---- under 16, and skipping ahead -------------------------------------------------


def test_under_16_is_sent_to_the_young_peoples_space_and_nothing_is_kept(app, client):
    applicant = Applicant(client)
    response = applicant.answer("age", {"answer": "under_16"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{PREFIX}/too-young")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "You need to be 16 or over to join" in words(page)
    assert "We have not kept any of your answers" in words(page)
    assert soup(page).select_one("main a[href='/young-people']") is not None
    assert applicant.draft() == {}
    onwards = client.get(CHECK)
    assert onwards.status_code == 302 and onwards.headers["Location"].endswith(PREFIX)

    # Someone who answered everything, then changed their age to under 16: all of it goes.
    applicant.fill()
    assert applicant.draft()["name"] == "Amina Hussain"
    response = applicant.answer("age", {"answer": "under_16"}, change=True)
    assert response.headers["Location"].endswith(f"{PREFIX}/too-young")
    assert applicant.draft() == {}
    assert client.get(CHECK).headers["Location"].endswith(PREFIX)
    assert client.get(f"{PREFIX}/why").headers["Location"].endswith(f"{PREFIX}/age")
    assert count(app, Application) == 0 and outbox(app) == []


def test_the_group_page_points_under_16s_to_the_young_peoples_space(client):
    link = soup(client.get("/advisory-group")).select_one("main a[href='/young-people']")
    assert link is not None and link.get_text() == "young people’s space"
    assert "If you are under 16" in link.parent.get_text()


def test_skipping_ahead_goes_to_the_first_question_not_answered(app, client):
    applicant = Applicant(client)
    response = client.get(f"{PREFIX}/why")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{PREFIX}/age")
    assert client.get(f"{PREFIX}/consent").headers["Location"].endswith(f"{PREFIX}/age")
    applicant.fill(until="contact")
    assert client.get(f"{PREFIX}/why").headers["Location"].endswith(f"{PREFIX}/contact")
    # Posting to a later question does not store its answer either.
    before = applicant.draft()
    posted = applicant.answer("why", {"why": "Sneaky", "bring": "Sneaky"})
    assert posted.status_code == 302 and posted.headers["Location"].endswith(f"{PREFIX}/contact")
    assert applicant.draft() == before
    assert client.get(CHECK).headers["Location"].endswith(f"{PREFIX}/contact")
    # The earlier pages are there to go back to.
    assert client.get(f"{PREFIX}/name").status_code == 200
    # Sending with a draft that is not finished stores nothing.
    sent = applicant.post(CHECK, {"draft_token": before["token"]})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"{PREFIX}/contact")
    assert count(app, Application) == 0


def test_a_stale_check_page_does_not_send_a_different_draft(app, client):
    applicant = Applicant(client).fill()
    response = applicant.post(CHECK, {"draft_token": "not-this-draft", "website": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(CHECK)
    assert count(app, Application) == 0


def test_the_honeypot_stores_nothing(app, client):
    applicant = Applicant(client).fill()
    applicant.check_page()
    response = applicant.post(CHECK, {"draft_token": applicant.draft_token, "website": "http://spam.example"})
    assert response.status_code == 400 and "Your application was not sent" in words(response)
    assert count(app, Application) == 0 and applicant.draft() == {}


# ---- a full area: the waiting list ------------------------------------------------


def route_hints(client) -> dict[str, str]:
    page = soup(client.get(f"{PREFIX}/route"))
    hints = {}
    for item in page.select(".govuk-radios__item"):
        value = item.input["value"]
        hint = item.select_one(".govuk-radios__hint, .govuk-hint")
        hints[value] = hint.get_text(" ", strip=True) if hint else ""
    return hints


def test_a_full_area_says_so_before_sending_and_puts_the_applicant_on_its_waiting_list(app, client):
    with app.app_context():
        fill("keighley", members=5)
    applicant = Applicant(client).fill(until="route")
    hints = route_hints(client)
    assert hints["keighley"] == "All 5 seats are filled. You can still apply and join the waiting list."
    assert hints["shipley"] == "5 of 5 seats open"
    assert hints[EQUALITIES_FORUM] == "7 of 7 seats open"
    applicant.fill()
    check = words(applicant.check_page())
    assert "You will join the waiting list" in check
    assert "All 5 seats for Keighley are filled at the moment" in check
    sent = applicant.send()
    assert sent.status_code == 303
    applicant.skip_questions()
    confirmation = words(client.get(f"{PREFIX}/confirmation"))
    assert "All the seats for Keighley are filled, so you are on its waiting list." in confirmation
    application = stored(app)[-1]
    assert application.stage == "waiting_list" and application.waiting_since is not None
    (email,) = outbox(app)
    assert "waiting list" in email.body
    with app.app_context():
        assert services.next_on_waiting_list("keighley").id == application.id


def test_an_area_with_an_open_seat_takes_the_application_as_received(app, client):
    with app.app_context():
        fill("keighley", members=4, expired_offers=2)  # expired offers hold nothing
    applicant = Applicant(client).fill(until="route")
    assert route_hints(client)["keighley"] == "1 of 5 seats open"
    applicant.fill()
    check = words(applicant.check_page())
    assert "You will join the waiting list" not in check and "waiting list" not in check
    applicant.send()
    application = stored(app)[-1]
    assert (application.stage, application.waiting_since) == ("submitted", None)


def test_an_outstanding_offer_fills_the_last_seat_for_a_new_applicant(app, client):
    with app.app_context():
        fill("shipley", members=4, offers=1)
    applicant = Applicant(client).fill(route="shipley")
    assert "You will join the waiting list" in words(applicant.check_page())
    applicant.send()
    assert stored(app)[-1].stage == "waiting_list"


# ---- the questions about you ------------------------------------------------------


def sent_application(client) -> Applicant:
    applicant = Applicant(client).fill()
    sent = applicant.send()
    assert sent.headers["Location"].endswith(f"{PREFIX}/questions-about-you")
    return applicant


def equality_rows(app) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(
            ApplicationEquality.application_id, ApplicationEquality.sex, ApplicationEquality.ethnic_group,
            ApplicationEquality.ethnic_background, ApplicationEquality.religion, ApplicationEquality.disability))]


def answer_equality(applicant: Applicant, answers: list[tuple[str, str]]):
    """Answer the questions in turn: (slug, value) pairs, each page checked to be the one asked."""
    response = applicant.post(f"{PREFIX}/questions-about-you", {"answer": "yes"})
    for slug, value in answers:
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/questions-about-you/{slug}"), (
            slug, response.headers.get("Location"))
        assert applicant.client.get(response.headers["Location"]).status_code == 200
        response = applicant.post(f"{PREFIX}/questions-about-you/{slug}", {"answer": value})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{PREFIX}/confirmation"), (
        response.headers.get("Location"))
    return response


def test_answers_about_you_are_kept_apart_from_the_application(app, client):
    applicant = sent_application(client)
    with app.app_context():
        before = world()["applications"]
    answer_equality(applicant, [("sex", "female"), ("ethnic-group", "asian"), ("ethnic-background", "asian_pakistani"),
                                ("religion", "muslim"), ("disability", "no")])
    (application,) = stored(app)
    assert equality_rows(app) == [(application.id, "female", "asian", "asian_pakistani", "muslim", "no")]
    with app.app_context():
        assert world()["applications"] == before  # the application itself is untouched
    # The confirmation is the end, and the answers cannot be given again in this session.
    assert client.get(f"{PREFIX}/questions-about-you/sex").headers["Location"].endswith(f"{PREFIX}/confirmation")


def test_skipping_the_questions_stores_nothing(app, client):
    applicant = sent_application(client)
    skipped = applicant.skip_questions()
    assert skipped.status_code == 303 and skipped.headers["Location"].endswith(f"{PREFIX}/confirmation")
    assert equality_rows(app) == [] and len(stored(app)) == 1


def test_skipping_the_rest_keeps_only_what_was_answered(app, client):
    applicant = sent_application(client)
    response = applicant.post(f"{PREFIX}/questions-about-you", {"answer": "yes"})
    assert response.headers["Location"].endswith("/questions-about-you/sex")
    applicant.post(f"{PREFIX}/questions-about-you/sex", {"answer": "male"})
    skipped = applicant.post(f"{PREFIX}/questions-about-you/skip", {})
    assert skipped.headers["Location"].endswith(f"{PREFIX}/confirmation")
    (application,) = stored(app)
    assert equality_rows(app) == [(application.id, "male", None, None, None, None)]


def test_prefer_not_to_say_to_everything_stores_nothing_and_skips_the_background(app, client):
    applicant = sent_application(client)
    # Prefer not to say the group: the background question is not asked.
    answer_equality(applicant, [("sex", "prefer_not"), ("ethnic-group", "prefer_not"), ("religion", "prefer_not"),
                                ("disability", "prefer_not")])
    assert equality_rows(app) == []


def test_the_background_question_is_not_asked_after_prefer_not_to_say(app, client):
    applicant = sent_application(client)
    applicant.post(f"{PREFIX}/questions-about-you", {"answer": "yes"})
    applicant.post(f"{PREFIX}/questions-about-you/sex", {"answer": "female"})
    went = applicant.post(f"{PREFIX}/questions-about-you/ethnic-group", {"answer": "prefer_not"})
    assert went.headers["Location"].endswith("/questions-about-you/religion")
    sideways = client.get(f"{PREFIX}/questions-about-you/ethnic-background")
    assert sideways.status_code == 302 and sideways.headers["Location"].endswith("/questions-about-you/ethnic-group")
    # Continue without choosing is allowed, and is not an answer.
    applicant.post(f"{PREFIX}/questions-about-you/religion", {})
    applicant.post(f"{PREFIX}/questions-about-you/disability", {"answer": "yes_a_little"})
    (application,) = stored(app)
    assert equality_rows(app) == [(application.id, "female", None, None, None, "yes_a_little")]


def test_a_flagged_application_is_not_asked_the_questions_and_tracks_as_received(app, client):
    applicant = Applicant(client).fill(why="Someone keeps hitting me and I want to kill myself.")
    sent = applicant.send()
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"{PREFIX}/confirmation")
    confirmation = client.get(sent.headers["Location"])
    reference = REFERENCE_SHOWN.search(confirmation.get_data(as_text=True)).group(0)
    (application,) = stored(app)
    assert application.safeguarding_state == "open"
    for page in (confirmation, client.get(f"/track/{reference}")):
        assert "safeguard" not in page.get_data(as_text=True).lower()
        assert "flag" not in words(page).lower()
    track = client.get(f"/track/{reference}")
    assert soup(track).h1.get_text(strip=True) == "Received"


# ---- tracking ---------------------------------------------------------------------


def track_heading(client, reference: str) -> str:
    response = client.get(f"/track/{reference}")
    assert response.status_code == 200
    assert "safeguard" not in response.get_data(as_text=True).lower()
    return soup(response).h1.get_text(strip=True)


def test_tracking_shows_each_stage_the_applicant_reaches(app, client):
    reference = Applicant(client).apply()
    assert track_heading(client, reference) == "Received"
    (application,) = stored(app)
    for stage, heading in (("shortlisted", "Being considered"), ("offered", "Offered a place"), ("member", "Member")):
        with app.app_context():
            services.move(db.session.get(Application, application.id), stage)
        assert track_heading(client, reference) == heading, stage
    page = words(client.get(f"/track/{reference}"))
    assert "People’s Advisory Group: Keighley" in page and "Member (now)" in page


def test_tracking_a_waiting_list_place_and_a_flagged_one(app, client):
    with app.app_context():
        waiting = make_application("shipley", "waiting_list").display_reference
        flagged = make_application("shipley", "shortlisted", held=True).display_reference
        offered = make_application("shipley", "offered").display_reference
    assert track_heading(client, waiting) == "On the waiting list"
    assert track_heading(client, flagged) == "Being considered"
    assert "accept or decline it by" in words(client.get(f"/track/{offered}"))


def test_an_application_moved_to_the_waiting_list_tracks_there(app, client):
    reference = Applicant(client).apply()
    (application,) = stored(app)
    with app.app_context():
        services.move(db.session.get(Application, application.id), "waiting_list")
    assert track_heading(client, reference) == "On the waiting list"


# ---- /advisory-group: the seats, live ---------------------------------------------


def seat_rows(client) -> dict[str, tuple[str, str]]:
    page = soup(client.get("/advisory-group"))
    rows = {}
    for row in page.select("table.govuk-table tbody tr"):
        cells = row.select("td")
        rows[row.th.get_text(strip=True)] = (cells[0].get_text(" ", strip=True), cells[1].get_text(" ", strip=True))
    return rows


def test_the_group_page_shows_each_areas_seats_and_changes_as_seats_fill(app, client):
    names = ["Bradford East", "Bradford West", "Bradford South", "Keighley", "Shipley", "Equalities Forum"]
    rows = seat_rows(client)
    assert list(rows) == names
    assert all(rows[name] == ("0 of 5 filled", "Open") for name in names[:5])
    assert rows["Equalities Forum"] == ("0 of 7 filled", "Open")

    with app.app_context():
        fill("keighley", members=5)
        fill("shipley", members=3, offers=1, expired_offers=1)
        fill(EQUALITIES_FORUM, members=2)
    rows = seat_rows(client)
    assert rows["Keighley"] == ("5 of 5 filled", "Waiting list")
    assert rows["Shipley"] == ("3 of 5 filled 1 more seat offered", "Open")
    assert rows["Equalities Forum"] == ("2 of 7 filled", "Open")
    assert rows["Bradford East"] == ("0 of 5 filled", "Open")

    with app.app_context():
        fill("shipley", members=1)
    assert seat_rows(client)["Shipley"] == ("4 of 5 filled 1 more seat offered", "Waiting list")


def test_the_group_page_runs_the_same_queries_for_0_and_30_applications(app, client):
    with app.app_context():
        engine = db.engine
    client.get("/advisory-group")  # warm: the first request reads settings and caches

    def queries() -> QueryCounter:
        with QueryCounter(engine) as counter:
            assert client.get("/advisory-group").status_code == 200
        return counter

    empty = queries()
    with app.app_context():
        stages = ["member", "offered", "waiting_list", "submitted", "shortlisted", "declined"]
        for i in range(30):
            pool = [*AREAS, EQUALITIES_FORUM][i % 6]
            make_application(pool, stages[i % len(stages)], commit=False)
        db.session.commit()
        services.add_meeting(uk_today(), "City Hall", "", None)
    full = queries()
    print(f"\n  /advisory-group: {empty.count} statements with no applications, {full.count} with 30")
    assert full.count == empty.count, full.format()
    assert full.count <= 6, full.format()


# ---- the Big List of Naughty Strings ----------------------------------------------

FULL_DRAFT = {"age_band": "25_44", "name": "Sam", "email": "sam@example.com", "phone": None,
              "contact_answered": True, "route": "keighley", "why": "Because.", "bring": "Patience.",
              "interests": [], "availability": ["online"], "access": "", "has_interests": "no", "declaration": "",
              "consent": True}
# What the list leaves out: NULs, every kind of line break, the limits.
EXTRA = ["a\x00b", "\x00", "line one\r\nline two\r\n\r\nline four", "one\rtwo\nthree", "\ttabbed\t",
         "n" * (NAME_MAX + 1), "  " + "m" * NAME_MAX + "  ", "y" * (TEXT_MAX + 1), "w" * TEXT_MAX]
EMAILS = ["  someone@example.com  ", "o'brien+advisory@example.co.uk", "\tfirst.last@sub.example.org\r\n",
          "<script>@example.com", "a\x00b@example.com", "x" * 250 + "@example.com", "amina@exam ple.com"]
PHONES = ["  01274 431000 ", "+44 (0)7700 900982", "07700-900-982", "0\x0012345678", "０１２７４ ４３１０００",
          "01274 431000 ext 2", "+" + "1" * (PHONE_MAX - 1), "+" + "1" * PHONE_MAX]


def cleaned(text: str) -> str:
    return clean_text(text).strip()


def text_problem(text: str, required: str | None, too_long: str) -> str | None:
    value = cleaned(text)
    if not value:
        return required
    if len(value) > TEXT_MAX:
        return too_long
    return None


def shown_text(element) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    return element.get_text()


def row_value(page: BeautifulSoup, key: str):
    for row in page.select(".govuk-summary-list__row"):
        if row.dt.get_text(strip=True) == key:
            return row.select_one(".govuk-summary-list__value")
    raise AssertionError(f"no {key!r} row on check answers")


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def refused(response, message: str, text: str) -> None:
    assert response.status_code == 200, (repr(text), response.status_code)
    page = main_soup(response)
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text(), (repr(text), message, summary)
    assert page.title.get_text().startswith("Error:"), repr(text)


def test_every_naughty_string_through_every_text_field_of_the_application(app, client, no_csrf):
    started = time.perf_counter()
    strings = naughty_strings() + EXTRA
    assert len(strings) > 480
    expected: dict[str, dict] = {}
    for index, text in enumerate(strings):
        token = f"naughty-{index:04d}"
        with client.session_transaction() as session:
            session[DRAFT] = {**FULL_DRAFT, "token": token}
            session.pop("advisory_done", None)
        draft_before = {**FULL_DRAFT, "token": token}
        want = {"name": "Sam", "why": "Because.", "bring": "Patience.", "access": "", "declaration": ""}

        # Name.
        response = client.post(f"{PREFIX}/name?change=1", data={"name": text})
        assert response.status_code < 500, repr(text)
        name = cleaned(text)
        if not name:
            refused(response, "Enter your name", text)
        elif len(name) > NAME_MAX:
            refused(response, f"Your name must be {NAME_MAX} characters or fewer", text)
        else:
            assert response.status_code == 302, repr(text)
            want["name"] = name
        # Why and what they would bring: each field alone, beside a good answer.
        for field, required, too_long in (
                ("why", "Tell us why you want to join", "Why you want to join must be 2,000 characters or fewer"),
                ("bring", "Tell us what you would bring to the group",
                 "What you would bring must be 2,000 characters or fewer")):
            data = {"why": want["why"], "bring": want["bring"], "website": "", field: text}
            response = client.post(f"{PREFIX}/why?change=1", data=data)
            problem = text_problem(text, required, too_long)
            if problem:
                refused(response, problem, text)
            else:
                assert response.status_code == 302, repr(text)
                want[field] = cleaned(text)
        # Access needs (optional).
        response = client.post(f"{PREFIX}/access?change=1", data={"access": text})
        problem = text_problem(text, None, "Access needs must be 2,000 characters or fewer")
        if problem:
            refused(response, problem, text)
        else:
            assert response.status_code == 302, repr(text)
            want["access"] = cleaned(text)
        # The declaration, with "yes".
        response = client.post(f"{PREFIX}/declaration?change=1", data={"has_interests": "yes", "declaration": text})
        problem = text_problem(text, "Tell us about your interests", "Your declaration must be 2,000 characters or fewer")
        if problem:
            refused(response, problem, text)
        else:
            assert response.status_code == 302, repr(text)
            want["declaration"] = cleaned(text)

        with client.session_transaction() as session:
            draft = session[DRAFT]
        assert {key: draft[key] for key in want} == want, repr(text)
        assert {k: v for k, v in draft.items() if k not in want and k != "has_interests"} == {
            k: v for k, v in draft_before.items() if k not in want and k != "has_interests"}, repr(text)

        check = client.get(CHECK)
        assert check.status_code == 200, repr(text)
        page = main_soup(check)
        assert not page.select("main script"), repr(text)
        assert row_value(page, "Name").get_text() == want["name"], repr(text)
        assert shown_text(row_value(page, "Why you want to join")) == lines(want["why"]), repr(text)
        assert str(escape(want["name"])) in check.get_data(as_text=True), repr(text)
        sent = client.post(CHECK, data={"draft_token": token, "website": ""})
        assert sent.status_code == 303, (repr(text), sent.status_code)
        expected[token] = want

    with app.app_context():
        rows = {row.draft_token: {"name": row.name, "why": row.why, "bring": row.bring, "access": row.access_needs,
                                  "declaration": row.declaration}
                for row in db.session.execute(select(Application.draft_token, Application.name, Application.why,
                                                     Application.bring, Application.access_needs,
                                                     Application.declaration))}
    assert len(rows) == len(expected)
    wrong = [(token, expected[token], rows.get(token)) for token in expected if rows.get(token) != expected[token]]
    assert not wrong, wrong[:3]
    print(f"\n  {len(strings)} strings through 5 fields, sent and stored, in {time.perf_counter() - started:.1f} s")


def test_every_naughty_string_as_the_email_and_as_the_phone_number(app, client, no_csrf):
    email_messages = ("Enter an email address in the correct format, like name@example.com",
                      "Email address must be 254 characters or fewer",
                      "Enter an email address or a phone number, or both")
    expected: dict[str, tuple] = {}
    accepted = {"email": 0, "phone": 0}
    for index, text in enumerate(naughty_strings() + EXTRA[:5] + EMAILS + PHONES):
        for field in ("email", "phone"):
            token = f"naughty-{field}-{index:04d}"
            draft = {**FULL_DRAFT, "token": token}
            with client.session_transaction() as session:
                session[DRAFT] = draft
                session.pop("advisory_done", None)
            data = {"email": "", "phone": "", field: text}
            response = client.post(f"{PREFIX}/contact?change=1", data=data)
            assert response.status_code in (200, 302), (field, repr(text), response.status_code)
            typed = text.strip()
            if field == "phone":
                valid = bool(typed) and len(typed) <= PHONE_MAX and PHONE.match(typed) is not None
                assert (response.status_code == 302) == valid, (repr(text), response.status_code)
            if response.status_code == 200:
                page = main_soup(response)
                summary = page.select_one(".govuk-error-summary").get_text()
                messages = email_messages if field == "email" else (
                    "Enter a phone number, like 01274 431000 or 07700 900982",
                    f"Phone number must be {PHONE_MAX} characters or fewer",
                    "Enter an email address or a phone number, or both")
                assert any(m in summary for m in messages), (field, repr(text), summary)
                assert page.select_one(f"input[name={field}]")["value"] == typed, repr(text)
                with client.session_transaction() as session:
                    assert session[DRAFT] == draft, repr(text)  # nothing kept
                continue
            assert "\x00" not in typed and typed == typed.strip(), repr(text)
            check = client.get(CHECK)
            assert check.status_code == 200, repr(text)
            assert shown_text(row_value(main_soup(check), "How we contact you")) == typed, repr(text)
            sent = client.post(CHECK, data={"draft_token": token, "website": ""})
            assert sent.status_code == 303, (repr(text), sent.status_code)
            expected[token] = (typed, None) if field == "email" else (None, typed)
            accepted[field] += 1
    with app.app_context():
        rows = {token: (email, phone) for token, email, phone in db.session.execute(
            select(Application.draft_token, Application.email, Application.phone))}
        queued = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert rows == expected
    assert queued == {email for email, _phone in expected.values() if email}
    assert accepted["email"] >= 3 and accepted["phone"] >= 4, accepted
