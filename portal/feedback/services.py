"""The rules of "tell us": storing a submission once, its reference, its answer date,
safeguarding flags, equality answers kept apart, and what tracking may show.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from portal.core.models import Area, Theme
from portal.core.settings import setting_value
from portal.database import reading
from portal.extensions import db
from portal.feedback.models import EqualityAnswers, Submission
from portal.i18n import lazy_gettext as _l
from portal.moderation.flags import raise_flag
from portal.moderation.models import OPEN_STATUSES, ModerationItem
from portal.moderation.safeguarding import find_concerns
from portal.shared import equality
from portal.shared.references import new_reference
from portal.timeutil import UK, add_working_days, as_aware, uk_today, utcnow

SOMETHING_ELSE = "something-else"
ELSEWHERE = "somewhere-else"
PREFER_NOT = "prefer-not-to-say"
AREA_CHOICES = {ELSEWHERE: "elsewhere", PREFER_NOT: "prefer_not"}
CARE_ANSWERS = {"yes", "no", "prefer_not"}


class DraftIncomplete(Exception):
    """The draft is missing an answer: the person is sent back to that question."""


def target_working_days() -> int:
    return setting_value("target_answer_working_days")


def due_date(created_on: date) -> date:
    """Created date plus the target answer time, in working days."""
    return add_working_days(created_on, target_working_days())


@dataclass
class Submitted:
    submission: Submission
    created: bool  # False: this draft had already been stored (double click, replay)


def submit_feedback(draft: dict, audience: str, channel: str = "online", language: str = "en") -> Submitted:
    """Store the draft as a Submission exactly once, and commit before anyone is told.

    Commits itself (the exception to "the view commits"): "exactly once" is the unique
    draft token, which only a commit can test, and a reference is shown only once stored.

    The draft's random token is a unique column: if the same draft arrives twice (a
    double click, a refresh, two requests at the same moment) the second insert fails
    on it, is rolled back, and the first row is returned instead. A clash on the
    reference itself (about 1 in 27 billion per pair) just tries a new reference.
    """
    token = draft.get("token")
    body = draft.get("body")
    if not token or not isinstance(body, str) or not body.strip() or "theme" not in draft or "area" not in draft:
        raise DraftIncomplete
    existing = find_by_token(token)
    if existing is not None:
        return Submitted(existing, False)

    theme_id = None
    if draft["theme"] != SOMETHING_ELSE:
        theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == draft["theme"]))
        if theme_id is None:
            raise DraftIncomplete
    area_id, area_choice = None, AREA_CHOICES.get(draft["area"], "area")
    if area_choice == "area":
        area_id = db.session.scalar(select(Area.id).where(Area.slug == draft["area"]))
        if area_id is None:
            raise DraftIncomplete

    age_band = draft.get("age_band") if audience == "young_person" else None
    # Under-13s are never asked for contact details; whatever arrives is dropped here too.
    email = draft.get("email") or None
    if audience == "young_person" and age_band in (None, "under_13"):
        email = None
    care = draft.get("care") if audience == "young_person" else None
    if age_band == "18_25_care":
        care = "yes"
    if care not in CARE_ANSWERS:
        care = None

    concerns = find_concerns(body)
    now = utcnow()
    for _attempt in range(5):
        submission = Submission(
            reference=new_reference(),
            draft_token=token,
            audience=audience,
            channel=channel,
            language=language,
            theme_id=theme_id,
            area_id=area_id,
            area_choice=area_choice,
            body=body,
            email=email,
            age_band=age_band,
            care_experienced=care,
            status="received",
            safeguarding_state="none",
            created_at=now,
            due_on=due_date(now.astimezone(UK).date()),
        )
        db.session.add(submission)
        try:
            if concerns:
                db.session.flush()  # the id, for the leads' email, in the same transaction
                raise_flag(submission, concerns, "found when sent", now=now)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            existing = find_by_token(token)
            if existing is not None:
                return Submitted(existing, False)
            continue  # the reference clashed: try another
        return Submitted(submission, True)
    raise RuntimeError("Could not find an unused reference after 5 attempts")


def find_by_token(token: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.draft_token == token))


def find_by_reference(reference: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.reference == reference))


_ITEM, _SUBMISSION = ModerationItem.__table__, Submission.__table__
# Made once: a statement built for each request cost more than running it.
_TRACKED = (select(_SUBMISSION.c.reference, _ITEM.c.status, _ITEM.c.response_id, _ITEM.c.created_at,
                   _ITEM.c.answered_at, _ITEM.c.due_on)
            .select_from(_SUBMISSION.join(_ITEM, _ITEM.c.id == _SUBMISSION.c.id))
            .where(_SUBMISSION.c.reference == bindparam("reference")))


def find_tracked(reference: str):
    """Only what the track page shows: a row, not the submission (no message or contact
    details loaded for a page anyone with the reference can open), read on a connection
    of its own, without an ORM session (a third of the time, measured)."""
    with reading(db.engine) as connection:
        return connection.execute(_TRACKED, {"reference": reference}).first()


# ---- equality monitoring ------------------------------------------------------------


def equality_state_for(submission: Submission) -> dict:
    """What travels from a submission to its equality answers: never the submission itself."""
    created = as_aware(submission.created_at).astimezone(UK).date()
    return {
        "token": secrets.token_urlsafe(16),
        "audience": submission.audience,
        "age_band": submission.age_band,
        "theme_id": submission.theme_id,
        "area_id": submission.area_id,
        "month": created.replace(day=1).isoformat(),
        "answers": {},
    }


# Ids for equality rows are drawn at random from the top half of the integer range,
# not counted up: a counting id would line each row up with the submission made just
# before it and undo the separation. The id comes from the session's token, so a
# double-clicked or replayed "finish" makes the same id and is stored once.
_ID_LOW, _ID_SPAN = 2**30, 2**31 - 1 - 2**30


def _equality_id(token: str) -> int:
    digest = hashlib.sha256(token.encode()).digest()
    return _ID_LOW + int.from_bytes(digest[:8], "big") % _ID_SPAN


def _clean_answers(state: dict) -> dict:
    """Only allow-listed values for questions this person could be asked."""
    answers = state.get("answers") or {}
    audience, band = state.get("audience"), state.get("age_band")
    clean = {}
    for question in equality.questions_for(audience, band, answers):
        value = answers.get(question.column)
        if question.slug == "ethnic-background":
            allowed = {v for v, _ in equality.background_options(answers.get("ethnic_group"))} | {"prefer_not"}
        else:
            allowed = {v for v, _ in question.options(audience == "young_person")}
        if value in allowed:
            clean[question.column] = value
    other = answers.get("ethnic_background_other")
    if clean.get("ethnic_background") in equality.OTHER_BACKGROUNDS and isinstance(other, str) and other.strip():
        clean["ethnic_background_other"] = other[: equality.ETHNIC_BACKGROUND_OTHER_MAX]
    if audience == "young_person" and band and band != "under_13":
        clean["age"] = "young_" + band  # the band they already gave, not asked twice
    return clean


def store_equality_answers(state: dict) -> EqualityAnswers | None:
    """Store what was answered (nothing if nothing was), once per equality session.

    Commits itself, like `submit_feedback`: a clash on the random id is found only at
    commit, and is then retried with another.
    """
    if not equality.eligible(state.get("audience"), state.get("age_band")):
        return None
    clean = _clean_answers(state)
    asked = {k: v for k, v in clean.items() if k != "age" or state.get("audience") == "adult"}
    if not asked:
        return None
    row_id = _equality_id(state["token"])
    for _attempt in range(5):
        row = EqualityAnswers(
            id=row_id,
            audience=state["audience"],
            theme_id=state.get("theme_id"),
            area_id=state.get("area_id"),
            month=date.fromisoformat(state["month"]),
            **clean,
        )
        db.session.add(row)
        try:
            db.session.commit()
            return row
        except IntegrityError:
            db.session.rollback()
            existing = db.session.get(EqualityAnswers, row_id)
            if existing is not None and all(getattr(existing, k) == v for k, v in clean.items()):
                return existing  # the same answers, sent twice
            row_id = _ID_LOW + secrets.randbelow(_ID_SPAN)  # a different person's id: draw again
    raise RuntimeError("Could not store equality answers")


# ---- tracking -----------------------------------------------------------------------

# (status, what the track page calls it): the status is compared, the label only shown.
STAGES = [("received", _l("Received")), ("in_review", _l("Being reviewed")), ("answered", _l("Answered"))]
STATUS_LABELS = {"received": _l("Received"), "in_review": _l("Being reviewed"), "hidden": _l("Reviewed"),
                 "answered": _l("Answered")}


def track_view(submission) -> dict:
    """What the track page may say about a submission (or its `find_tracked` row).

    Never reveals a safeguarding flag, and never says "answered" unless it was. A
    hidden item (not to be published) is shown honestly as reviewed and not published.
    """
    status = submission.status
    if status == "answered" and submission.response_id is None:
        status = "in_review"  # answered with nothing to show yet: still honest
    reached = {"received": 1, "in_review": 2, "hidden": 2, "answered": 3}.get(status, 1)
    today = uk_today()
    return {
        "status": status,
        "label": STATUS_LABELS.get(status, STATUS_LABELS["received"]),
        "reached": reached,
        "stages": STAGES,
        "hidden": status == "hidden",
        "overdue": status in OPEN_STATUSES and submission.due_on < today,
        "response_id": submission.response_id if status == "answered" else None,
    }
