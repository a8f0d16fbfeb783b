"""The rules of "we did": drafting, publishing, updating, the public lists.

Publishing is one transaction: the response, every linked submission marked answered,
the first entry of its history, one outbox email per submitter who left an address, and
the audit log. Either all of it is saved or none of it.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, tuple_

from portal.core.numbers import whole_number
from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.redaction import remove_details_of
from portal.moderation.services import HELD_STATES, load_for_update, snapshot
from portal.responses.models import RESPONSE_STATUSES, Response, ResponseUpdate
from portal.staff import audit
from portal.staff.models import StaffUser
from portal.timeutil import as_aware, utcnow

PUBLIC_PAGE_SIZE = 20
FIRST_PUBLISHED = "First published"  # the note on a response's first update
AUDIENCE_FILTERS = {"adults": "Adults", "young-people": "Young people"}
MAX_LINKED = 500


class ResponseError(ValueError):
    """The response cannot be saved or published as it is; the message says why."""


def latest_published(limit: int = 3) -> list[Response]:
    """The newest published answers, for the home page."""
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.state == "published")
            .order_by(Response.published_at.desc(), Response.id.desc())
            .limit(limit)
        )
    )


def published_for_young_people(limit: int = 5) -> list[Response]:
    """Published answers to young people's feedback, newest first (for /young-people)."""
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.state == "published", Response.answers_young_people.is_(True))
            .order_by(Response.published_at.desc(), Response.id.desc())
            .limit(limit)
        )
    )


# ---- drafting --------------------------------------------------------------------------


def response_snapshot(response: Response) -> dict:
    return {
        "state": response.state,
        "status": response.status,
        "you_said": response.you_said,
        "we_did": response.we_did,
        "reason": response.reason,
        "responsible": response.responsible,
        "action_date": response.action_date.isoformat() if response.action_date else None,
        "young_people_summary": response.young_people_summary,
        "theme_id": response.theme_id,
    }


def why_not_linkable(submission: Submission, response_id: int | None = None) -> str | None:
    """Why a submission cannot be part of a response, or None if it can."""
    if submission.safeguarding_state in HELD_STATES:
        return "flagged for safeguarding"
    if submission.status == "hidden":
        return "hidden"
    if submission.response_id is not None and submission.response_id != response_id:
        return "already part of another answer"
    return None


def create_draft(ids: list[int], actor: StaffUser) -> tuple[Response, list[tuple[Submission, str]]]:
    """A draft answer linked to the selected submissions that can be answered.

    Returns the draft and the submissions left out, with why. Raises ResponseError when
    none of them can be answered.
    """
    if not ids:
        raise ResponseError("Select the items this answer is for first.")
    if len(ids) > MAX_LINKED:
        raise ResponseError(f"One answer can cover at most {MAX_LINKED} items.")
    submissions = load_for_update(ids)
    usable, skipped = [], []
    for submission in submissions:
        why = why_not_linkable(submission)
        if why:
            skipped.append((submission, why))
        else:
            usable.append(submission)
    if not usable:
        raise ResponseError("None of the selected items can be answered: " + "; ".join(
            f"{s.display_reference} is {why}" for s, why in skipped[:5]) + ".")
    themes = [s.theme_id for s in usable if s.theme_id]
    response = Response(
        theme_id=max(set(themes), key=themes.count) if themes else None,
        you_said="",
        we_did="",
        status="planned",
        responsible="",
        action_date=utcnow().date(),
        state="draft",
        created_by_id=actor.id,
    )
    db.session.add(response)
    db.session.flush()
    for submission in usable:
        before = snapshot(submission)
        submission.response_id = response.id
        if submission.status == "received":
            submission.status = "in_review"
            submission.reviewed_at = utcnow()
        audit.record("submission.link", "submission", submission.id, before=before, after=snapshot(submission), actor=actor)
    _set_audiences(response, usable)
    audit.record("response.create", "response", response.id, after={"submissions": [s.id for s in usable]}, actor=actor)
    return response, skipped


def linked_submissions(response_id: int) -> list[Submission]:
    return list(db.session.scalars(
        select(Submission).where(Submission.response_id == response_id).order_by(Submission.created_at, Submission.id)
    ).unique())


def _set_audiences(response: Response, submissions: list[Submission]) -> None:
    response.answers_young_people = any(s.audience == "young_person" for s in submissions)
    response.answers_adults = any(s.audience != "young_person" for s in submissions)


@dataclass
class ResponseFields:
    you_said: str = ""
    we_did: str = ""
    status: str = "planned"
    reason: str = ""
    responsible: str = ""
    action_date: date | None = None
    young_people_summary: str = ""
    theme_id: int | None = None


def problems_for_publishing(fields: ResponseFields) -> dict[str, str]:
    """Field name -> what is missing, for a response that is about to be public."""
    problems = {}
    if not fields.you_said.strip():
        problems["you_said"] = "Enter what people said, in a short summary"
    if not fields.we_did.strip():
        problems["we_did"] = "Enter what was done or will be done"
    if fields.status not in RESPONSE_STATUSES:
        problems["status"] = "Choose the status"
    if fields.status == "not_taken_forward" and not fields.reason.strip():
        problems["reason"] = "Enter the reason it was not taken forward: people asked to know why"
    if not fields.responsible.strip():
        problems["responsible"] = "Enter the service or role responsible"
    if fields.action_date is None:
        problems["action_date"] = "Enter the date it was done or will be done"
    return problems


def _clean(text: str, originals: list[str]) -> tuple[str, list[str]]:
    # The council's words may quote a resident: take out any of their details.
    return remove_details_of((text or "").strip(), originals)


def apply_fields(response: Response, fields: ResponseFields, submissions: list[Submission]) -> list[str]:
    """Copy the form onto the response, removing any submitter's details; kinds removed."""
    originals = [s.body for s in submissions] + [s.email for s in submissions if s.email]
    removed: list[str] = []
    cleaned = {}
    for name in ("you_said", "we_did", "reason", "young_people_summary", "responsible"):
        text, kinds = _clean(getattr(fields, name), originals)
        cleaned[name] = text
        removed += [k for k in kinds if k not in removed]
    response.you_said = cleaned["you_said"]
    response.we_did = cleaned["we_did"]
    response.status = fields.status if fields.status in RESPONSE_STATUSES else "planned"
    response.reason = cleaned["reason"] or None
    response.responsible = cleaned["responsible"]
    if fields.action_date:
        response.action_date = fields.action_date
    response.young_people_summary = cleaned["young_people_summary"] or None
    response.theme_id = fields.theme_id
    return removed


def save_draft(response: Response, fields: ResponseFields, actor: StaffUser) -> list[str]:
    if response.state != "draft":
        raise ResponseError("This answer is already published: post an update instead.")
    before = response_snapshot(response)
    removed = apply_fields(response, fields, linked_submissions(response.id))
    audit.record("response.save_draft", "response", response.id, before=before, after=response_snapshot(response), actor=actor)
    return removed


def publish(response: Response, fields: ResponseFields, actor: StaffUser) -> tuple[int, list[str]]:
    """Publish a draft: everything in one transaction. Returns (emails queued, kinds removed)."""
    if response.state != "draft":
        raise ResponseError("This answer is already published.")
    problems = problems_for_publishing(fields)
    if problems:
        raise ResponseError(next(iter(problems.values())))
    submissions = load_for_update([s.id for s in linked_submissions(response.id)])
    if not submissions:
        raise ResponseError("This answer is not linked to any feedback. Start it from the queue with \"Answer selected\".")
    blocked = [(s, why_not_linkable(s, response.id)) for s in submissions]
    blocked = [(s, why) for s, why in blocked if why]
    if blocked:
        raise ResponseError("Remove these from the answer before publishing: " + "; ".join(
            f"{s.display_reference} ({why})" for s, why in blocked) + ".")
    before = response_snapshot(response)
    removed = apply_fields(response, fields, submissions)
    now = utcnow()
    response.state = "published"
    response.published_at = now
    response.updated_at = now
    _set_audiences(response, submissions)
    db.session.add(ResponseUpdate(response_id=response.id, published_at=now, status=response.status,
                                  we_did=response.we_did, reason=response.reason, note=FIRST_PUBLISHED,
                                  author_id=actor.id))
    queued = 0
    for submission in submissions:
        was = snapshot(submission)
        submission.status = "answered"
        submission.answered_at = submission.answered_at or now
        audit.record("submission.answer", "submission", submission.id, before=was, after=snapshot(submission), actor=actor)
        queued += queue_answered_email(submission, response)
    audit.record("response.publish", "response", response.id, before=before, after=response_snapshot(response),
                 detail=f"{len(submissions)} submissions answered, {queued} emails queued", actor=actor)
    _figures_changed()
    return queued, removed


def post_update(response: Response, fields: ResponseFields, note: str, actor: StaffUser) -> list[str]:
    """Change a published answer: the change is kept as a dated update shown on its page."""
    if response.state != "published":
        raise ResponseError("Only a published answer can be updated.")
    problems = problems_for_publishing(fields)
    if problems:
        raise ResponseError(next(iter(problems.values())))
    if len(note) > 2000:
        raise ResponseError("The note about what changed must be 2,000 characters or fewer.")
    submissions = linked_submissions(response.id)
    before = response_snapshot(response)
    removed = apply_fields(response, fields, submissions)
    note_text, _ = _clean(note, [s.body for s in submissions] + [s.email for s in submissions if s.email])
    now = utcnow()
    response.updated_at = now
    db.session.add(ResponseUpdate(response_id=response.id, published_at=now, status=response.status,
                                  we_did=response.we_did, reason=response.reason, note=note_text, author_id=actor.id))
    audit.record("response.update", "response", response.id, before=before, after=response_snapshot(response),
                 detail=note_text or None, actor=actor)
    _figures_changed()
    return removed


def unlink(response: Response, submission: Submission, actor: StaffUser) -> None:
    """Take one submission out of a draft answer (it goes back to the queue)."""
    if response.state != "draft":
        raise ResponseError("Items cannot be taken out of a published answer.")
    if submission.response_id != response.id:
        raise ResponseError("That item is not part of this answer.")
    before = snapshot(submission)
    submission.response_id = None
    audit.record("submission.unlink", "submission", submission.id, before=before, after=snapshot(submission), actor=actor)
    db.session.flush()
    _set_audiences(response, linked_submissions(response.id))


def delete_draft(response: Response, actor: StaffUser) -> None:
    """Throw a draft away; its submissions go back to the queue unanswered."""
    if response.state != "draft":
        raise ResponseError("A published answer cannot be deleted.")
    for submission in linked_submissions(response.id):
        before = snapshot(submission)
        submission.response_id = None
        audit.record("submission.unlink", "submission", submission.id, before=before, after=snapshot(submission), actor=actor)
    audit.record("response.delete_draft", "response", response.id, before=response_snapshot(response), actor=actor)
    db.session.flush()
    db.session.delete(response)


# ---- the email --------------------------------------------------------------------------


def public_url(path: str) -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + path


def queue_answered_email(submission: Submission, response: Response) -> int:
    """One message per submission, ever: the dedupe key makes a repeat a no-op. 1 if queued."""
    if not submission.email:
        return 0
    from portal.responses.outbox import enqueue

    reference = submission.display_reference
    young = submission.audience == "young_person"
    body = "\n".join([
        "Hello,",
        "",
        (f"You told us something through Your Place. Your reference is {reference}. We have now answered it."
         if young else
         f"Thank you for your feedback to Bradford District Council through Your Place (reference {reference})."
         " We have now answered it."),
        "",
        "Read what we did:",
        public_url(f"/you-said-we-did/{response.id}"),
        "",
        "See your feedback's progress at any time:",
        public_url(f"/track/{reference}"),
        "",
        "You are getting this email because you left this address when you gave feedback. "
        "We will not use it for anything else, and we will not email you about this again.",
        "",
        "Your Place – Bradford District",
    ])
    return enqueue(
        dedupe_key=f"answered:{submission.id}",
        to_address=submission.email,
        subject=f"Your feedback {reference} has been answered",
        body=body,
    )


# ---- public reads -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFilters:
    theme: str = ""
    area: str = ""
    audience: str = ""
    status: str = ""
    before: str = ""
    after: str = ""

    @classmethod
    def from_args(cls, args, theme_slugs=(), area_slugs=()) -> "PublicFilters":
        def pick(name, allowed):
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            theme=pick("theme", set(theme_slugs)),
            area=pick("area", set(area_slugs)),
            audience=pick("audience", AUDIENCE_FILTERS),
            status=pick("status", RESPONSE_STATUSES),
            before=(args.get("before") or "")[:60],
            after=(args.get("after") or "")[:60],
        )

    def query_args(self, **changes) -> dict:
        values = replace(self, **changes)
        return {k: v for k, v in (("theme", values.theme), ("area", values.area), ("audience", values.audience),
                                  ("status", values.status), ("before", values.before), ("after", values.after)) if v}

    @property
    def is_filtered(self) -> bool:
        return bool(self.theme or self.area or self.audience or self.status)


def _micros(moment: datetime) -> int:
    delta = as_aware(moment) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _cursor(response: Response) -> str:
    return f"{_micros(response.published_at)}_{response.id}"


def _parse(value: str):
    try:
        micros, ident = value.split("_")
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=whole_number(micros)), whole_number(ident)
    except (ValueError, OverflowError):
        return None


def public_page(filters: PublicFilters, theme_ids: dict, area_ids: dict, page_size: int = PUBLIC_PAGE_SIZE):
    """(responses, older cursor, newer cursor): newest first, keyset on (published_at, id)."""
    statement = select(Response).where(Response.state == "published")
    if filters.theme:
        statement = statement.where(Response.theme_id == theme_ids[filters.theme])
    if filters.area:
        statement = statement.where(exists().where(
            Submission.response_id == Response.id, Submission.area_id == area_ids[filters.area]))
    if filters.audience == "young-people":
        statement = statement.where(Response.answers_young_people.is_(True))
    elif filters.audience == "adults":
        statement = statement.where(Response.answers_adults.is_(True))
    if filters.status:
        statement = statement.where(Response.status == filters.status)
    newer = bool(filters.after) and not filters.before
    cursor = _parse(filters.after if newer else filters.before) if (filters.after or filters.before) else None
    key = tuple_(Response.published_at, Response.id)
    if cursor:
        statement = statement.where(key > tuple_(*cursor) if newer else key < tuple_(*cursor))
    if newer:
        statement = statement.order_by(Response.published_at.asc(), Response.id.asc())
    else:
        statement = statement.order_by(Response.published_at.desc(), Response.id.desc())
    rows = list(db.session.scalars(statement.limit(page_size + 1)).unique())
    more = len(rows) > page_size
    rows = rows[:page_size]
    if newer:
        rows.reverse()
    older_cursor = newer_cursor = None
    if rows:
        if (more and not newer) or newer:
            older_cursor = _cursor(rows[-1])
        if (cursor is not None and not newer) or (newer and more):
            newer_cursor = _cursor(rows[0])
    return rows, older_cursor, newer_cursor


def updates_for(response_ids: list[int]) -> dict[int, list[ResponseUpdate]]:
    if not response_ids:
        return {}
    found: dict[int, list[ResponseUpdate]] = {}
    for update in db.session.scalars(
        select(ResponseUpdate).where(ResponseUpdate.response_id.in_(response_ids))
        .order_by(ResponseUpdate.published_at, ResponseUpdate.id)
    ):
        found.setdefault(update.response_id, []).append(update)
    return found


def what_people_said(response_id: int) -> tuple[int, int, list[str]]:
    """(how many submissions it answers, how many from young people, the approved public
    wording of those that have one). One query; never the original text."""
    rows = db.session.execute(
        select(Submission.audience, Submission.public_text, Submission.status, Submission.safeguarding_state)
        .where(Submission.response_id == response_id)
        .order_by(Submission.created_at, Submission.id)
    ).all()
    shown = [r for r in rows if r.status != "hidden" and r.safeguarding_state not in HELD_STATES]
    quotes = [r.public_text for r in shown if r.public_text]
    return len(shown), sum(1 for r in shown if r.audience == "young_person"), quotes


def _figures_changed() -> None:
    from portal.responses.figures import clear_cache

    clear_cache()


def count_linked(response_ids: list[int]) -> dict[int, int]:
    if not response_ids:
        return {}
    return dict(db.session.execute(
        select(Submission.response_id, func.count()).where(Submission.response_id.in_(response_ids))
        .group_by(Submission.response_id)
    ).all())


def staff_list(state: str, before: str = "", page_size: int = 50):
    """Drafts or published answers for the staff list, newest first, keyset on (created_at, id)."""
    statement = select(Response).where(Response.state == state)
    cursor = _parse(before) if before else None
    if cursor:
        statement = statement.where(tuple_(Response.created_at, Response.id) < tuple_(*cursor))
    rows = list(db.session.scalars(
        statement.order_by(Response.created_at.desc(), Response.id.desc()).limit(page_size + 1)
    ).unique())
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = f"{_micros(rows[-1].created_at)}_{rows[-1].id}" if more and rows else None
    return rows, next_cursor
