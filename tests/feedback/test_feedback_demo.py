"""The demo seed: a few hundred believable submissions, the same every time for a seed."""

from datetime import date

from sqlalchemy import delete, select

from portal.extensions import db
from portal.feedback.demo import HOW_MANY, seed_demo_feedback
from portal.feedback.models import EqualityAnswers, Submission
from portal.moderation.safeguarding import CATEGORIES
from portal.shared.references import is_valid

TODAY = date(2026, 11, 23)


def snapshot() -> list[tuple]:
    rows = db.session.scalars(select(Submission).order_by(Submission.draft_token))
    return [(s.reference, s.audience, s.theme_id, s.area_id, s.body, s.email, s.age_band, s.status,
             s.safeguarding_categories, s.created_at.replace(tzinfo=None), s.due_on) for s in rows]


def test_seeding_is_deterministic_and_idempotent(app_ctx):
    assert seed_demo_feedback(11, today=TODAY) == HOW_MANY
    first = snapshot()
    equality_first = sorted((e.id, e.ethnic_background, e.religion) for e in db.session.scalars(select(EqualityAnswers)))
    assert seed_demo_feedback(11, today=TODAY) == HOW_MANY  # twice adds nothing
    assert len(snapshot()) == HOW_MANY

    db.session.execute(delete(Submission))
    db.session.execute(delete(EqualityAnswers))
    db.session.commit()
    seed_demo_feedback(11, today=TODAY)
    assert snapshot() == first
    assert sorted((e.id, e.ethnic_background, e.religion) for e in db.session.scalars(select(EqualityAnswers))) == equality_first

    db.session.execute(delete(Submission))
    db.session.execute(delete(EqualityAnswers))
    db.session.commit()
    seed_demo_feedback(12, today=TODAY)
    assert snapshot() != first


def test_the_demo_has_something_real_for_every_screen(app_ctx):
    seed_demo_feedback(2026, today=TODAY)
    rows = list(db.session.scalars(select(Submission)))
    assert len(rows) == HOW_MANY >= 200
    assert all(is_valid(s.reference) for s in rows)
    assert {s.audience for s in rows} == {"adult", "young_person"}
    assert len({s.theme_id for s in rows}) == 8  # seven themes and "something else"
    assert len({s.area_id for s in rows}) == 6  # five areas and none
    flagged = [s for s in rows if s.safeguarding_state != "none"]
    assert 8 <= len(flagged) <= 30
    categories = {c for s in flagged for c in s.safeguarding_categories.split(",")}
    assert len(categories) >= 6 and categories <= set(CATEGORIES)
    assert {s.status for s in rows} == {"received", "in_review", "hidden"}
    assert any(s.due_on < TODAY and s.status != "hidden" for s in rows)  # some overdue
    assert not [s for s in rows if s.age_band == "under_13" and s.email]
    assert all(s.body and len(s.body) <= 2000 for s in rows)
    equality_rows = list(db.session.scalars(select(EqualityAnswers)))
    assert 50 <= len(equality_rows) <= 200
    assert {e.audience for e in equality_rows} == {"adult", "young_person"}
    assert not [e for e in equality_rows if e.audience == "young_person" and e.age == "young_under_13"]
