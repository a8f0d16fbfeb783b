"""Helpers shared by the feedback tests (this module holds no tests itself)."""

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import EqualityAnswers, Submission
from portal.shared.references import parse_reference
from tests.support.staff import csrf_token_from

ADULT = "/tell-us"
YOUNG = "/young-people/tell-us"
# As shown today: BD (Bradford District), then 8 characters of the reference alphabet.
REFERENCE_SHOWN = re.compile(r"BD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


class Teller:
    """Drives one journey through the test client, as a browser would (CSRF included)."""

    def __init__(self, client, prefix: str = ADULT):
        self.client = client
        self.prefix = prefix
        self._token = None

    @property
    def young(self) -> bool:
        return self.prefix == YOUNG

    @property
    def token(self) -> str:
        if self._token is None:
            first = "age" if self.young else "about"
            self._token = csrf_token_from(self.client.get(f"{self.prefix}/{first}").get_data(as_text=True))
        return self._token

    def get(self, path: str, **kwargs):
        return self.client.get(self.prefix + path, **kwargs)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.client.post(self.prefix + path, data=data, **kwargs)

    def answer(self, step: str, value):
        return self.post(f"/{step}", {"answer": value} if value is not None else {})

    def fill(self, theme="sharing-spaces-and-places", area="keighley", body="We need a safe place for teenagers to meet in the evenings.",
             email="", age="13_15", care="no"):
        if self.young:
            assert self.answer("age", age).status_code == 302
            if age != "18_25_care":
                assert self.answer("care", care).status_code == 302
        for step, value in (("about", theme), ("where", area)):
            response = self.answer(step, value)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        response = self.post("/message", {"body": body})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        if not self.young or age != "under_13":
            response = self.post("/reply", {"email": email})
            assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        return self

    def draft_token(self) -> str:
        page = self.get("/check-your-answers")
        assert page.status_code == 200, page.headers.get("Location")
        match = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
        assert match, "no draft token on check answers"
        return match.group(1)

    def send(self, draft_token: str | None = None, **extra):
        token = draft_token or self.draft_token()
        return self.post("/check-your-answers", {"draft_token": token, **extra})

    def send_and_follow(self) -> tuple[str, str]:
        """Send; return (the reference shown, the HTML of the page it was shown on)."""
        response = self.send()
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        page = self.client.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        shown = REFERENCE_SHOWN.search(html)
        assert shown, html[:3000]
        return shown.group(0), html


# Client-driven tests run outside any app context: a test that pushed one would share
# it (and its `g` and database session) with every request the test client makes.
# These helpers open their own, briefly, to look at the database.


def stored(app, reference_shown: str) -> Submission | None:
    """The stored row for a reference as shown (BD-XXXX-XXXX), detached for reading."""
    with app.app_context():
        # A fresh read: never an object some earlier request left in the identity map.
        db.session.remove()
        submission = db.session.scalar(
            select(Submission)
            .where(Submission.reference == parse_reference(reference_shown))
            .execution_options(populate_existing=True)
        )
        if submission is not None:
            db.session.expunge(submission)  # theme and area are loaded with it
        return submission


def submission_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def equality_rows(app) -> list[EqualityAnswers]:
    with app.app_context():
        rows = list(db.session.scalars(select(EqualityAnswers).order_by(EqualityAnswers.id)))
        db.session.expunge_all()
        return rows


def engine(app):
    with app.app_context():
        return db.engine
