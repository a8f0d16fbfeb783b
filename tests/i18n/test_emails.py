"""Emails go out in the language the feedback was written in, and what a person writes
is stored as written, with that language."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.shared.outbox import OutboxMessage
from tests.support.journeys import Teller
from tests.support.staff import csrf_token_from

URDU_LETTERS = re.compile("[\u0600-\u06ff]")
FILLED = {
    "you_said": "The park needs lights.", "we_did": "We will put lights along the main path.", "status": "planned",
    "reason": "", "responsible": "Parks and Green Spaces", "action_day": "30", "action_month": "10",
    "action_year": "2026", "young_people_summary": "", "theme": "sharing-spaces-and-places",
}


def send_in(app, code: str, body: str) -> int:
    client = app.test_client()
    client.get("/", query_string={"lang": code})
    teller = Teller(client).fill(body=body, email=f"person-{code}@example.org")
    teller.send_and_follow()
    with app.app_context():
        return db.session.scalar(select(Submission.id).where(Submission.body == body))


def publish_answer(client, ids: list[int]) -> None:
    token = csrf_token_from(client.get("/moderate/queue").get_data(as_text=True))
    draft = client.post("/moderate/responses/new", data={"ids": [str(i) for i in ids], "csrf_token": token,
                                                         "next": "/moderate/queue"})
    response_id = draft.headers["Location"].rstrip("/").split("/")[-1]
    token = csrf_token_from(client.get(f"/moderate/responses/{response_id}").get_data(as_text=True))
    published = client.post(f"/moderate/responses/{response_id}/publish", data={**FILLED, "csrf_token": token})
    assert published.status_code == 303


def test_the_answer_email_is_in_the_language_the_feedback_was_written_in(app, staff_client):
    urdu_words = "کیگلی میں بس ہر روز دیر سے آتی ہے"
    urdu_id = send_in(app, "ur", urdu_words)
    english_id = send_in(app, "en", "The bus to Keighley is late every day")
    with app.app_context():
        stored = db.session.get(Submission, urdu_id)
        assert stored.body == urdu_words and stored.language == "ur"  # kept exactly as written
        assert db.session.get(Submission, english_id).language == "en"
    client, _ = staff_client("moderator")
    publish_answer(client, [urdu_id, english_id])
    with app.app_context():
        messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    urdu, english = messages["person-ur@example.org"], messages["person-en@example.org"]
    assert URDU_LETTERS.search(urdu.subject) and URDU_LETTERS.search(urdu.body)
    assert not URDU_LETTERS.search(english.subject) and "answered" in english.subject
    for message in (urdu, english):  # the links work whatever the language
        assert "/track/BD-" in message.body and "/you-said-we-did/" in message.body


def test_moderators_see_the_language_an_item_was_written_in(app, staff_client):
    urdu_id = send_in(app, "ur", "پارک میں روشنی چاہیے")
    client, _ = staff_client("moderator")
    page = client.get(f"/moderate/items/{urdu_id}").get_data(as_text=True)
    assert "Written in" in page and "اردو" in page
