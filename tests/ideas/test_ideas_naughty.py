"""Every string of the Big List of Naughty Strings through every field a person types
into on the idea board: the idea's name and text, the email for updates, and the email
and code that verify supports. Never a server error; what is valid is stored exactly as
typed (after the form strips the space around it) and shown back escaped, on check
answers and, once approved, on the board; what is not gets a clear message and changes
nothing.

Fast on purpose, as tests/feedback/test_feedback_naughty.py is: the test client posts
straight to each step with CSRF off, and the draft is put in the server-side session
directly rather than walked to each time.
"""

import re

from bs4 import BeautifulSoup
from markupsafe import escape
from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas.models import BODY_MAX, TITLE_MAX, Idea, SupportVerification
from portal.shared.outbox import OutboxMessage
from tests.support import naughty_strings

THEME = "sharing-spaces-and-places"
PREFIX = f"/ideas/{THEME}/propose"
BOARD = f"/ideas/{THEME}"
DRAFT = {"theme": THEME, "age": "adult", "audience": "adult", "age_band": None, "area": "keighley",
         "email": None, "updates_answered": True}
A_TITLE = "A youth club in Keighley on Friday nights"
A_BODY = "Somewhere warm to go after school."
# Beyond the list: what it leaves out (NULs, line breaks of every kind, the limits).
EXTRA = ["a\x00b", "\x00", "line one\r\nline two\r\n\r\nline four", "one\rtwo\nthree", "\ttabbed\t",
         "x" * (TITLE_MAX + 1), "   " + "z" * TITLE_MAX + "   ", "y" * (BODY_MAX + 1), "w" * BODY_MAX]

# The list holds no email address a form could accept: some that are, to be stored as typed.
EMAILS = ["  someone@example.com  ", "o'brien+ideas@example.co.uk", "\tfirst.last@sub.example.org\r\n",
          "<script>@example.com", "a@b", "x" * 250 + "@example.com"]

BAD_CHARACTER = "What you wrote contains a character we cannot accept"
EMAIL_MESSAGES = ("Enter an email address in the correct format, like name@example.com",
                  "Email address must be 254 characters or fewer")


def soup(response) -> BeautifulSoup:
    """The page's <title> and <main> only: parsing the header and footer 2,000 times is slow."""
    html = response.get_data(as_text=True)
    title = html[html.index("<title>"):html.index("</title>") + 8]
    return BeautifulSoup(title + html[html.index("<main"):html.index("</main>") + 7], "html.parser")


def shown_text(element) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    return element.get_text()


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def row_value(page: BeautifulSoup, key: str):
    for row in page.select(".govuk-summary-list__row"):
        if row.dt.get_text(strip=True) == key:
            return row.select_one(".govuk-summary-list__value")
    raise AssertionError(f"no {key!r} row on check answers")


def title_problem(text: str) -> str | None:
    typed = text.strip()
    if not typed:
        return "Give your idea a short name"
    if len(typed) > TITLE_MAX:
        return f"The name of your idea must be {TITLE_MAX} characters or fewer"
    if "\x00" in typed:
        return BAD_CHARACTER
    return None


def body_problem(text: str) -> str | None:
    if not text.strip():
        return "Say what your idea is and why it would help"
    if len(text) > BODY_MAX:
        return f"Your idea must be {BODY_MAX:,} characters or fewer"
    if "\x00" in text:
        return BAD_CHARACTER
    return None


def assert_escaped(html: str, text: str, where: str) -> None:
    """The text is in the page escaped (so `<script>` is text, never markup)."""
    assert str(escape(text)) in html, f"{where}: {text!r} not shown escaped"


def test_every_naughty_string_as_the_name_and_the_text_of_an_idea(app, client, no_csrf):
    strings = naughty_strings() + EXTRA
    assert len(strings) > 480
    expected: dict[str, tuple[str, str]] = {}
    token = None  # the draft's; a new draft only after one is sent (a refused answer keeps it)
    for index, text in enumerate(strings):
        bad_title, bad_body = title_problem(text), body_problem(text)
        # The string in both fields at once where both take it; else in each field alone,
        # beside a good answer in the other.
        tries = [(text, text)] if not (bad_title or bad_body) else [(text, A_BODY), (A_TITLE, text)]
        for attempt, (title, body) in enumerate(tries):
            if token is None:
                token = f"naughty-{index:04d}-{attempt}"
                with client.session_transaction() as session:
                    session["idea_draft"] = {**DRAFT, "token": token}
            response = client.post(f"{PREFIX}/idea", data={"title": title, "body": body})
            assert response.status_code < 500, repr(text)
            problem = title_problem(title) or body_problem(body)
            if problem:
                assert response.status_code == 200, repr(text)
                page = soup(response)
                summary = page.select_one(".govuk-error-summary")
                assert summary is not None and problem in summary.get_text(), (repr(text), summary)
                assert page.title.get_text().startswith("Error:"), repr(text)
                # Shown back as typed (the name stripped), and nothing kept: going on is
                # sent back to this question.
                assert page.select_one("input[name=title]")["value"] == title.strip(), repr(text)
                assert page.select_one("textarea[name=body]").get_text() == body, repr(text)
                onwards = client.get(f"{PREFIX}/where")
                assert onwards.status_code == 302 and onwards.headers["Location"].endswith("/propose/idea"), repr(text)
                continue
            assert response.status_code == 302, repr(text)
            check = client.get(f"{PREFIX}/check-your-answers")
            assert check.status_code == 200, repr(text)
            html, page = check.get_data(as_text=True), soup(check)
            assert row_value(page, "Name of your idea").get_text() == title.strip(), repr(text)
            assert shown_text(row_value(page, "Your idea")) == lines(body), repr(text)
            assert_escaped(html, title.strip(), "check answers")
            assert not page.select("main script"), repr(text)
            sent = client.post(f"{PREFIX}/check-your-answers", data={"draft_token": token})
            assert sent.status_code == 303 and sent.headers["Location"].endswith("/ideas/propose/confirmation"), repr(text)
            expected[token] = (title.strip(), body)
            token = None

    with app.app_context():
        stored = {token: (title, body) for token, title, body in db.session.execute(
            select(Idea.draft_token, Idea.title, Idea.body).where(Idea.draft_token.startswith("naughty-")))}
        assert len(stored) == len(expected) > 480
        mismatched = [(expected[t], stored.get(t)) for t in expected if stored.get(t) != expected[t]]
        assert not mismatched, mismatched[:5]
        # A moderator approves each as written (no redaction needed), so it goes on the board.
        # The ideas the safeguarding check held stay off it.
        ideas = list(db.session.scalars(select(Idea).where(Idea.draft_token.startswith("naughty-"))))
        for idea in ideas:
            if idea.safeguarding_state == "none":
                idea.public_text, idea.public_title, idea.status = idea.body, idea.title, "in_review"
        db.session.commit()
        approved = {idea.id: (idea.title, idea.body) for idea in ideas if idea.safeguarding_state == "none"}
        assert len(approved) > 400

    # The whole board, a page at a time: each approved idea once, shown exactly, escaped.
    shown: dict[int, tuple[str, str]] = {}
    url = BOARD
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        html, page = response.get_data(as_text=True), soup(response)
        assert not page.select("main script"), url
        for card in page.select("li.yp-idea"):
            idea_id = int(card["id"].removeprefix("idea-"))
            assert idea_id not in shown, f"idea {idea_id} shown twice"
            shown[idea_id] = (card.h3.get_text(), card.select_one(".yp-idea__text").get_text())
            assert_escaped(html, shown[idea_id][0], "board")
        more = page.select_one("#results a[rel=next]")
        url = more["href"] if more else None
    assert set(shown) == set(approved), "the board does not list exactly the approved ideas"
    wrong = [(approved[i], shown[i]) for i in approved
             if shown[i][0] != approved[i][0] or (len(approved[i][1]) <= 280 and shown[i][1] != approved[i][1])]
    assert not wrong, wrong[:5]
    # One idea's own page, for a string that is markup: its name is text in the heading.
    markup = next(i for i, (title, _b) in approved.items() if "<script>" in title)
    page = soup(client.get(f"{BOARD}/{markup}"))
    assert page.h1.get_text() == approved[markup][0] and not page.select("main script")


def test_every_naughty_string_as_the_email_for_updates(app, client, no_csrf):
    accepted: dict[str, str | None] = {}
    token = None
    for index, text in enumerate(naughty_strings() + EXTRA[:5] + EMAILS):
        if token is None:
            token = f"naughty-mail-{index:04d}"
            draft = {**DRAFT, "token": token, "title": A_TITLE, "body": A_BODY}
            del draft["email"], draft["updates_answered"]
            with client.session_transaction() as session:
                session["idea_draft"] = draft
        response = client.post(f"{PREFIX}/updates", data={"email": text})
        assert response.status_code in (200, 302), repr(text)
        if response.status_code == 200:
            page = soup(response)
            summary = page.select_one(".govuk-error-summary")
            assert summary is not None and any(m in summary.get_text() for m in EMAIL_MESSAGES), repr(text)
            assert page.select_one("input[name=email]")["value"] == text.strip(), repr(text)
            # Nothing kept: check answers still sends the person back to the question.
            onwards = client.get(f"{PREFIX}/check-your-answers")
            assert onwards.status_code == 302 and onwards.headers["Location"].endswith("/propose/updates"), repr(text)
            continue
        check = client.get(f"{PREFIX}/check-your-answers")
        assert check.status_code == 200, repr(text)
        shown = row_value(soup(check), "Email for updates").get_text()
        assert shown == (text.strip() or "Not given"), repr(text)
        if text.strip():
            assert_escaped(check.get_data(as_text=True), text.strip(), "check answers")
        sent = client.post(f"{PREFIX}/check-your-answers", data={"draft_token": token})
        assert sent.status_code == 303, repr(text)
        accepted[token] = text.strip() or None
        token = None
    with app.app_context():
        stored = dict(db.session.execute(
            select(Idea.draft_token, Idea.email).where(Idea.draft_token.startswith("naughty-mail-"))).all())
    assert stored == accepted
    assert any(accepted.values()) and None in accepted.values()


def waiting(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [(row.email, row.attempts) for row in db.session.scalars(select(SupportVerification))]


def test_every_naughty_string_as_the_email_to_verify_supports(app, client, no_csrf):
    url = "/ideas/confirm-your-supports"
    before = waiting(app)
    for text in naughty_strings() + EXTRA[:5] + EMAILS:
        response = client.post(url, data={"email": text})
        assert response.status_code in (200, 303), repr(text)
        if response.status_code == 200:
            page = soup(response)
            summary = page.select_one(".govuk-error-summary")
            messages = ("Enter your email address", *EMAIL_MESSAGES)
            assert summary is not None and any(m in summary.get_text() for m in messages), repr(text)
            assert page.select_one("input[name=email]")["value"] == text.strip(), repr(text)
            assert waiting(app) == before, repr(text)  # nothing changed
            continue
        assert response.headers["Location"].endswith(f"{url}/code"), repr(text)
        before = waiting(app)
        assert before == [(text.strip(), 0)], repr(text)  # one waiting code, for exactly this address
        assert client.get(f"{url}/code").status_code == 200, repr(text)
    with app.app_context():
        sent_to = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert sent_to and all(address == address.strip() and "@" in address for address in sent_to)


def test_every_naughty_string_as_the_code(app, client, no_csrf):
    url = "/ideas/confirm-your-supports/code"
    assert client.post("/ideas/confirm-your-supports", data={"email": "supporter@example.com"}).status_code == 303
    with app.app_context():
        code = re.search(r"\b(\d{6})\b", db.session.scalar(select(OutboxMessage.body))).group(1)
    for text in naughty_strings() + EXTRA[:5]:
        typed = "".join(text.split())
        response = client.post(url, data={"code": text})
        assert response.status_code == 200, repr(text)
        page = soup(response)
        summary = page.select_one(".govuk-error-summary")
        assert summary is not None, repr(text)
        if not typed:
            assert "Enter the 6-digit code from the email" in summary.get_text(), repr(text)
        elif not (len(typed) == 6 and typed.isascii() and typed.isdigit()):
            assert "The code is 6 digits, like 123456" in summary.get_text(), repr(text)
        else:
            assert "That code is not right" in summary.get_text(), repr(text)
        assert page.select_one("input[name=code]")["value"] == typed, repr(text)
        # A code that is not six digits is not a try: the five tries are still there.
        assert waiting(app) == [("supporter@example.com", 0)], repr(text)
    done = client.post(url, data={"code": f" {code[:3]} {code[3:]} "})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportVerification)) == 0
