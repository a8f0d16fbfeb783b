"""District-scale "you said, we did" data, with bulk inserts (seconds, not minutes), for the
growth tests and the profile script (tests/responses/profile_pages.py).

`n` submissions received over the last six terms; one answer for every twenty of them, each
answering ten (so half are answered) and published a few days after the newest; two in five
answers are updated later. At n = 100,000 that is 5,000 answers and about 1,100 updates in a
term, as the benchmark's data set has.
"""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.models import ModerationItem
from portal.responses.models import Response, ResponseUpdate
from portal.responses.terms import recent_terms

STATUSES = ("planned", "in_progress", "done", "not_taken_forward")
BATCH = 5_000


def _batches(rows):
    for start in range(0, len(rows), BATCH):
        yield rows[start:start + BATCH]


def generate(n: int, *, terms: int = 6, seed: int = 13, now: datetime | None = None) -> dict:
    """Insert n submissions, n/20 answers and their updates (inside an app context)."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    start = recent_terms(terms)[-1].start
    span = (now - timedelta(hours=1) - start).total_seconds()
    themes = list(db.session.scalars(select(Theme.id).order_by(Theme.position))) + [None]
    areas = list(db.session.scalars(select(Area.id).order_by(Area.position)))
    first_id = (db.session.scalar(select(func.max(ModerationItem.id))) or 0) + 1
    first_response = (db.session.scalar(select(func.max(Response.id))) or 0) + 1

    responses, updates, items, submissions = [], [], [], []
    answered = n // 2
    count = n // 20
    for r in range(count):
        published = start + timedelta(seconds=span * (r + 0.5) / count)
        status = STATUSES[r % 4]
        response_id = first_response + r
        updated = published
        responses_updates = [{"response_id": response_id, "published_at": published, "status": status,
                              "we_did": f"We did thing {r} for the people who asked.", "reason": None,
                              "note": "First published"}]
        if r % 5 < 2:
            later = min(published + timedelta(days=rng.randint(3, 90)), now - timedelta(minutes=5))
            if later > published:
                updated = later
                responses_updates.append({"response_id": response_id, "published_at": later, "status": "done",
                                          "we_did": f"We finished thing {r}.", "reason": None,
                                          "note": f"Finished: update {r}."})
        updates += responses_updates
        responses.append({
            "id": response_id, "theme_id": themes[r % len(themes)],
            "you_said": f"You said thing {r}: more buses, brighter streets and somewhere for young people to meet.",
            "we_did": responses_updates[-1]["we_did"], "status": responses_updates[-1]["status"],
            "reason": "It would cost too much this year." if status == "not_taken_forward" else None,
            "responsible": "Transport team", "action_date": published.date(),
            "young_people_summary": "We listened to you." if r % 3 == 0 else None,
            "answers_young_people": r % 3 == 0, "answers_adults": True, "state": "published",
            "created_at": published - timedelta(days=1), "published_at": published, "updated_at": updated,
        })
    for i in range(n):
        item_id = first_id + i
        if i < answered:
            response = responses[i // 10] if count else None
            created = response["published_at"] - timedelta(days=rng.randint(0, 30), hours=rng.randint(1, 20))
            created = max(created, start)
            theme = response["theme_id"]
        else:
            created = start + timedelta(seconds=rng.random() * span)
            response = None
            theme = themes[i % len(themes)]
        items.append({
            "id": item_id, "kind": "feedback", "audience": "young_person" if i % 7 == 0 else "adult",
            "language": "en", "theme_id": theme, "area_id": areas[i % len(areas)], "created_at": created,
            "due_on": (created + timedelta(days=28)).date(),
            "status": "answered" if response else "received", "public_text": None,
            "safeguarding_state": "none",
            "answered_at": response["published_at"] if response else None,
            "response_id": response["id"] if response else None,
        })
        submissions.append({"id": item_id, "reference": f"B{item_id:09d}", "draft_token": f"bulk-{item_id}",
                            "channel": "online", "area_choice": "area", "body": f"Feedback {i}", "email": None})
    for model, rows in ((Response, responses), (ResponseUpdate, updates), (ModerationItem, items),
                        (Submission, submissions)):
        for batch in _batches(rows):
            db.session.execute(insert(model.__table__), batch)
    db.session.commit()
    return {"submissions": n, "responses": count, "updates": len(updates), "first_response": first_response}
