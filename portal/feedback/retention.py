"""Feedback's personal data: how long it is kept (retention rules) and how an admin
finds, exports and erases it (portal/core/retention.py says how these are used).

A submission's row is never deleted: its reference, theme, area, audience, dates and
status keep "you said, we did" figures right, and the wording a moderator approved for
publication stays. What the person wrote is replaced, and their email address, age band
and care answer removed. Equality answers given with feedback carry no link to the
submission, so they cannot be found by reference or email; after their period they are
deleted and only totals kept.
"""

from sqlalchemy import and_, delete, func, or_, select, update

from portal.core import retention
from portal.extensions import db
from portal.feedback.models import EqualityAnswers, Submission
from portal.moderation.models import ModerationItem, ModerationNote
from portal.shared.equality_totals import add_to_totals
from portal.timeutil import uk_date

ITEM = ModerationItem.__table__
SUBMISSION = Submission.__table__
EQUALITY = EqualityAnswers.__table__
EQUALITY_QUESTIONS = ("age", "sex", "gender_identity_same", "sexual_orientation", "disability", "religion",
                      "ethnic_group", "ethnic_background", "ethnic_background_other", "marriage", "pregnancy",
                      "low_income")


def decided_before(moment):
    """Answered before `moment`, or hidden (never to be answered) and reviewed before it."""
    return or_(
        and_(ITEM.c.status != "hidden", ITEM.c.answered_at < moment),
        and_(ITEM.c.status == "hidden", func.coalesce(ITEM.c.reviewed_at, ITEM.c.created_at) < moment),
    )


def _batch_of(condition, batch: int):
    return (select(SUBMISSION.c.id).join(ITEM, ITEM.c.id == SUBMISSION.c.id).where(condition)
            .order_by(SUBMISSION.c.id).limit(batch))


def remove_emails(now, batch: int) -> int:
    condition = and_(SUBMISSION.c.email.is_not(None), decided_before(retention.cutoff("email", now)))
    # The condition again on the row itself: a row another run has just done is skipped.
    result = db.session.execute(update(SUBMISSION).where(SUBMISSION.c.id.in_(_batch_of(condition, batch)),
                                                         SUBMISSION.c.email.is_not(None)).values(email=None))
    return result.rowcount


def _anonymise(ids_condition, replacement: str) -> list[int]:
    """Replace what the person wrote and remove their details; the notes staff wrote
    about it go too. Returns the ids changed (only rows not already done)."""
    done = db.session.execute(
        update(SUBMISSION).where(ids_condition, SUBMISSION.c.body.not_in(retention.GONE))
        .values(body=replacement, email=None, age_band=None, care_experienced=None)
        .returning(SUBMISSION.c.id)
    ).scalars().all()
    if done:
        db.session.execute(delete(ModerationNote).where(ModerationNote.item_id.in_(done)))
    return list(done)


def anonymise_old(now, batch: int) -> int:
    condition = and_(SUBMISSION.c.body.not_in(retention.GONE), decided_before(retention.cutoff("message", now)))
    return len(_anonymise(SUBMISSION.c.id.in_(_batch_of(condition, batch)), retention.REMOVED))


def total_old_equality_answers(now, batch: int) -> int:
    """Delete answers past their period, adding them to the totals in the same transaction.
    DELETE … RETURNING gives back only the rows this run deleted, so none is counted twice."""
    month = retention.cutoff("equality", now).date()
    oldest = select(EQUALITY.c.id).where(EQUALITY.c.month < month).order_by(EQUALITY.c.id).limit(batch)
    rows = db.session.execute(
        delete(EQUALITY).where(EQUALITY.c.id.in_(oldest))
        .returning(EQUALITY.c.month, *[EQUALITY.c[q] for q in EQUALITY_QUESTIONS])
    ).all()
    add_to_totals("feedback", [(row.month.year, {q: getattr(row, q) for q in EQUALITY_QUESTIONS}) for row in rows])
    return len(rows)


RULES = [
    retention.Rule("feedback email addresses removed", remove_emails),
    retention.Rule("feedback anonymised", anonymise_old),
    retention.Rule("feedback equality answers turned into totals", total_old_equality_answers),
]


# ---- subject access and erasure ----------------------------------------------------


def _matching(query: retention.Query):
    if query.kind == "reference":
        return Submission.reference == query.value
    if not query.emails:
        return None
    return func.lower(Submission.email).in_(sorted(query.emails))


def _found(query: retention.Query) -> list[Submission]:
    condition = _matching(query)
    if condition is None:
        return []
    return list(db.session.scalars(select(Submission).where(condition).order_by(Submission.id)))


def find(query: retention.Query) -> list[retention.Record]:
    records = []
    for item in _found(query):
        notes = db.session.scalar(select(func.count()).select_from(ModerationNote).where(ModerationNote.item_id == item.id))
        records.append(retention.Record("Feedback", item.display_reference, {
            "Reference": item.display_reference,
            "Received": uk_date(item.created_at),
            "Status": item.status,
            "Who it is from": item.audience,
            "Language": item.language,
            "How it was sent": item.channel,
            "Topic": item.theme.name if item.theme else None,
            "Area": item.area.name if item.area else None,
            "What they told us": item.body,
            "Email address": item.email,
            "Age group": item.age_band,
            "Care experienced": item.care_experienced,
            "Wording approved for publication": item.public_text,
            "Answered": uk_date(item.answered_at) if item.answered_at else None,
            "Staff notes about it": notes,
        }))
    return records


def emails(query: retention.Query) -> set[str]:
    return {item.email.lower() for item in _found(query) if item.email}


def erase(query: retention.Query) -> dict[str, int]:
    condition = _matching(query)
    if condition is None:
        return {}
    ids = select(Submission.id).where(condition).scalar_subquery()
    done = _anonymise(SUBMISSION.c.id.in_(ids), retention.ERASED)
    return {"feedback": len(done)} if done else {}


SOURCES = [retention.Source("feedback", find, erase, emails)]
