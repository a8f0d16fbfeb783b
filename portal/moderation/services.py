"""The rules of moderation: the queue, actions, redaction, safeguarding.

Every state change here adds an audit event to the same session as the change, and the
caller commits once, so the log and the change are saved together or not at all.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, func, literal_column, select, tuple_

from portal.core.numbers import whole_number
from portal.extensions import db
from portal.feedback.models import AUDIENCES, STATUSES, Submission
from portal.moderation.models import (
    SAFEGUARDING_OUTCOMES,
    ModerationNote,
    SafeguardingAction,
)
from portal.moderation.redaction import redact
from portal.staff import audit
from portal.staff.models import StaffUser
from portal.timeutil import as_aware, utcnow

PAGE_SIZE = 50
OPEN_STATUSES = ("received", "in_review")
HELD_STATES = ("open", "escalated")  # flagged for safeguarding: never published
NOTE_MAX = 2000
REASON_MAX = 500

# What came in, by kind. Ideas and advisory-group applications join this queue in their
# own issues: each kind adds its filter value here and its rows to `queue_page`.
KINDS = {"feedback": "Feedback"}
QUEUE_STATUSES = {
    "open": "Waiting for an answer",
    "received": STATUSES["received"],
    "in_review": STATUSES["in_review"],
    "answered": STATUSES["answered"],
    "hidden": STATUSES["hidden"],
    "all": "Everything",
}
ORDERS = {"oldest": "Oldest first", "newest": "Newest first"}
HIDE_REASONS = {
    "spam": "Spam or advertising",
    "abusive": "Abusive or offensive",
    "duplicate": "Sent more than once",
    "personal": "Only personal details, nothing to answer",
    "not_council": "Not something the council can answer",
    "other": "Another reason (say below)",
}


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _open_condition():
    """status IN ('received', 'in_review'), written so the partial index is used.

    Literal values, so both databases can prove the partial index `ix_submission_open_queue`
    (WHERE status IN (...)) covers the query. On SQLite, wrapped in likelihood(): without
    ANALYZE statistics its planner otherwise prefers the status index and then sorts
    every waiting row, where the partial index hands them over already in queue order
    and a page stops after 51 rows.
    """
    condition = Submission.status.in_(bindparam("open_statuses", OPEN_STATUSES, expanding=True, literal_execute=True))
    return func.likelihood(condition, literal_column("0.9")) if _sqlite() else condition


def _unindexed(column):
    # On SQLite, `column + 0` stops the planner from choosing that column's own index
    # (then sorting), so it keeps walking the queue index in order instead.
    return column + 0 if _sqlite() else column


def clean_text(value) -> str:
    """Free text from a form or query string, minus NUL characters, which PostgreSQL
    cannot store (and no person means to type)."""
    return (value or "").replace("\x00", "")


# ---- the queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    """What the moderator asked for, from the query string; anything unknown is ignored."""

    kind: str = "feedback"
    theme: str = ""
    area: str = ""
    audience: str = ""
    status: str = "open"
    overdue: bool = False
    flagged: bool = False
    q: str = ""
    order: str = "oldest"
    after: str = ""
    before: str = ""

    @classmethod
    def from_args(cls, args, theme_slugs=(), area_slugs=()) -> "QueueFilters":
        def pick(name, allowed, default=""):
            value = (args.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            kind=pick("kind", KINDS, "feedback"),
            theme=pick("theme", set(theme_slugs) | {"none"}),
            area=pick("area", set(area_slugs) | {"none"}),
            audience=pick("audience", AUDIENCES),
            status=pick("status", QUEUE_STATUSES, "open"),
            overdue=args.get("overdue") == "yes",
            flagged=args.get("flagged") == "yes",
            q=clean_text(args.get("q")).strip()[:200],
            order=pick("order", ORDERS, "oldest"),
            after=(args.get("after") or "")[:80],
            before=(args.get("before") or "")[:80],
        )

    def query_args(self, **changes) -> dict:
        """The filters as query-string arguments, leaving out defaults (for links)."""
        values = replace(self, **changes)
        args = {}
        for name, default in (("kind", "feedback"), ("theme", ""), ("area", ""), ("audience", ""),
                              ("status", "open"), ("q", ""), ("order", "oldest"), ("after", ""), ("before", "")):
            value = getattr(values, name)
            if value != default:
                args[name] = value
        if values.overdue:
            args["overdue"] = "yes"
        if values.flagged:
            args["flagged"] = "yes"
        return args

    @property
    def is_filtered(self) -> bool:
        return bool(self.theme or self.area or self.audience or self.overdue or self.flagged or self.q or self.status != "open")


@dataclass
class QueuePage:
    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    filters: QueueFilters = field(default_factory=QueueFilters)


def _micros(moment: datetime) -> int:
    delta = as_aware(moment) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_micros(value: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)


def _sort_key(filters: QueueFilters) -> tuple:
    # Waiting items are read in due-date order, so those past the target come first even
    # if the target was shortened since; everything else in the order it came in.
    if filters.status == "open":
        return (Submission.due_on, Submission.created_at, Submission.id)
    return (Submission.created_at, Submission.id)


def _cursor_for(submission: Submission, filters: QueueFilters) -> str:
    parts = [str(_micros(submission.created_at)), str(submission.id)]
    if filters.status == "open":
        parts.insert(0, submission.due_on.isoformat())
    return "_".join(parts)


def _parse_cursor(value: str, filters: QueueFilters) -> tuple | None:
    try:
        parts = value.split("_")
        if filters.status == "open":
            due, micros, ident = parts
            return (date.fromisoformat(due), _from_micros(whole_number(micros)), whole_number(ident))
        micros, ident = parts
        return (_from_micros(whole_number(micros)), whole_number(ident))
    except (ValueError, OverflowError):
        return None


def _filtered(statement, filters: QueueFilters, theme_ids: dict, area_ids: dict, today: date, can_see_held: bool):
    if filters.kind != "feedback":
        return statement.where(literal_column("1") == 0)
    if filters.status == "open":
        statement = statement.where(_open_condition())
    elif filters.status != "all":
        statement = statement.where(Submission.status == filters.status)
    if filters.theme == "none":
        statement = statement.where(Submission.theme_id.is_(None))
    elif filters.theme:
        statement = statement.where(_unindexed(Submission.theme_id) == theme_ids[filters.theme])
    if filters.area == "none":
        statement = statement.where(Submission.area_id.is_(None))
    elif filters.area:
        statement = statement.where(_unindexed(Submission.area_id) == area_ids[filters.area])
    if filters.audience:
        statement = statement.where(Submission.audience == filters.audience)
    if filters.overdue:
        statement = statement.where(_open_condition(), Submission.due_on < today)
    if filters.flagged:
        statement = statement.where(Submission.safeguarding_state.in_(HELD_STATES))
    if filters.q:
        # A substring search, walked in queue order until a page is full: fine for
        # common words, a scan for rare ones. PostgreSQL's pg_trgm index is the next step.
        pattern = "%" + filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(Submission.body.ilike(pattern, escape="\\"))
        if not can_see_held:
            # Searching must not reveal words in items held for the safeguarding lead.
            statement = statement.where(Submission.safeguarding_state.not_in(HELD_STATES))
    return statement


def queue_page(
    filters: QueueFilters,
    theme_ids: dict,
    area_ids: dict,
    can_see_held: bool = False,
    page_size: int = PAGE_SIZE,
    today: date | None = None,
) -> QueuePage:
    """One page of the queue: a single keyset query (no OFFSET, no COUNT)."""
    today = today or utcnow().date()
    key = _sort_key(filters)
    ascending = filters.order == "oldest"
    backwards = bool(filters.before) and not filters.after
    cursor_text = filters.before if backwards else filters.after
    cursor = _parse_cursor(cursor_text, filters) if cursor_text else None

    statement = _filtered(select(Submission), filters, theme_ids, area_ids, today, can_see_held)
    forwards_in_sql = ascending != backwards
    if cursor is not None:
        comparison = tuple_(*key) > tuple_(*cursor) if forwards_in_sql else tuple_(*key) < tuple_(*cursor)
        statement = statement.where(comparison)
    statement = statement.order_by(*[(column.asc() if forwards_in_sql else column.desc()) for column in key])
    rows = list(db.session.scalars(statement.limit(page_size + 1)).unique())

    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    page = QueuePage(items=rows, filters=filters)
    if rows:
        has_next = more if not backwards else True
        has_previous = (cursor is not None) if not backwards else more
        if has_next:
            page.next_cursor = _cursor_for(rows[-1], filters)
        if has_previous:
            page.previous_cursor = _cursor_for(rows[0], filters)
    elif cursor is not None:
        # Past the end (items were hidden or answered meanwhile): offer the way back.
        page.previous_cursor = cursor_text if not backwards else None
    return page


def landing_counts() -> dict:
    """Waiting, overdue and flagged counts for the staff landing page, in one query.

    Each count is its own index-only subquery (the open-queue partial index and the
    safeguarding index), so it stays quick at 100,000 items.
    """
    today = utcnow().date()
    waiting = select(func.count()).select_from(Submission).where(_open_condition())
    overdue = select(func.count()).select_from(Submission).where(_open_condition(), Submission.due_on < today)
    flagged = select(func.count()).select_from(Submission).where(Submission.safeguarding_state == "open")
    row = db.session.execute(
        select(waiting.scalar_subquery().label("waiting"), overdue.scalar_subquery().label("overdue"),
               flagged.scalar_subquery().label("flagged"))
    ).one()
    return {"waiting": row.waiting, "overdue": row.overdue, "flagged": row.flagged}


# ---- actions ---------------------------------------------------------------------------


class ActionError(ValueError):
    """The action cannot be done as asked; the message says why, for the moderator."""


@dataclass
class ActionResult:
    action: str
    changed: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (submission, why)

    @property
    def message(self) -> str:
        done = len(self.changed)
        noun = "item" if done == 1 else "items"
        text = ACTION_DONE[self.action].format(n=done, items=noun)
        if self.skipped:
            text += f" {len(self.skipped)} skipped: " + "; ".join(
                f"{s.display_reference} ({why})" for s, why in self.skipped[:5]
            ) + ("…" if len(self.skipped) > 5 else "")
        return text


ACTION_DONE = {
    "review": "{n} {items} marked as reviewed.",
    "hide": "{n} {items} hidden.",
    "restore": "{n} {items} restored.",
    "flag": "{n} {items} flagged for safeguarding.",
    "clear_flag": "Safeguarding flag cleared on {n} {items}.",
    "note": "Note added to {n} {items}.",
}


def snapshot(submission: Submission) -> dict:
    """The fields an action may change, for the audit log's before and after."""
    return {
        "status": submission.status,
        "safeguarding_state": submission.safeguarding_state,
        "hidden_reason": submission.hidden_reason,
        "public_text": submission.public_text,
        "response_id": submission.response_id,
    }


def load_for_update(ids: list[int]) -> list[Submission]:
    """The submissions, locked for this transaction on PostgreSQL, in id order."""
    if not ids:
        return []
    statement = select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=Submission)
    return list(db.session.scalars(statement).unique())


def _restored_status(submission: Submission) -> str:
    if submission.answered_at is not None and submission.response_id is not None:
        return "answered"
    return "in_review" if submission.reviewed_at is not None else "received"


def apply_action(action: str, ids: list[int], actor: StaffUser, reason: str = "", detail: str = "", note: str = "") -> ActionResult:
    """Do one moderation action to one or many submissions, auditing each change."""
    if action not in ACTION_DONE:
        raise ActionError("That is not an action the queue knows.")
    reason, detail, note = clean_text(reason), clean_text(detail), clean_text(note)
    if not ids:
        raise ActionError("Select at least one item first.")
    if action == "hide":
        if reason not in HIDE_REASONS:
            raise ActionError("Choose why the items are being hidden.")
        if reason == "other" and not detail.strip():
            raise ActionError("Say why the items are being hidden.")
        hidden_reason = HIDE_REASONS[reason] if reason != "other" else detail.strip()[:REASON_MAX]
        if reason != "other" and detail.strip():
            hidden_reason += ": " + detail.strip()[:REASON_MAX]
    if action == "note":
        note = note.strip()
        if not note:
            raise ActionError("Write the note first.")
        if len(note) > NOTE_MAX:
            raise ActionError(f"The note must be {NOTE_MAX:,} characters or fewer.")

    now = utcnow()
    result = ActionResult(action)
    for submission in load_for_update(ids):
        before = snapshot(submission)
        why_not = None
        if action == "review":
            if submission.status == "received":
                submission.status = "in_review"
                submission.reviewed_at = now
            else:
                why_not = "already " + STATUSES.get(submission.status, submission.status).lower()
        elif action == "hide":
            if submission.status == "hidden":
                why_not = "already hidden"
            else:
                submission.status = "hidden"
                submission.hidden_reason = hidden_reason
        elif action == "restore":
            if submission.status != "hidden":
                why_not = "not hidden"
            else:
                submission.status = _restored_status(submission)
                submission.hidden_reason = None
        elif action == "flag":
            if submission.safeguarding_state in HELD_STATES:
                why_not = "already flagged"
            else:
                submission.safeguarding_state = "open"
        elif action == "clear_flag":
            if submission.safeguarding_state not in HELD_STATES:
                why_not = "not flagged"
            else:
                submission.safeguarding_state = "cleared"
                db.session.add(SafeguardingAction(submission_id=submission.id, actor_id=actor.id,
                                                  outcome="cleared", note=note.strip()[:NOTE_MAX]))
        elif action == "note":
            db.session.add(ModerationNote(submission_id=submission.id, author_id=actor.id, body=note))

        if why_not:
            result.skipped.append((submission, why_not))
            continue
        result.changed.append(submission)
        audit.record(
            f"submission.{action}",
            "submission",
            submission.id,
            before=before,
            after=snapshot(submission),
            detail=note if action == "note" else (submission.hidden_reason if action == "hide" else None),
            actor=actor,
        )
    return result


def record_safeguarding_outcome(submission: Submission, outcome: str, note: str, actor: StaffUser) -> None:
    """What the safeguarding lead did. Clearing returns the item to normal moderation;
    any other outcome keeps it out of public view for good."""
    if outcome not in SAFEGUARDING_OUTCOMES:
        raise ActionError("Choose what was done.")
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise ActionError(f"The note must be {NOTE_MAX:,} characters or fewer.")
    if submission.safeguarding_state not in HELD_STATES:
        raise ActionError("This item is not flagged for safeguarding.")
    before = snapshot(submission)
    submission.safeguarding_state = "cleared" if outcome == "cleared" else "escalated"
    db.session.add(SafeguardingAction(submission_id=submission.id, actor_id=actor.id, outcome=outcome, note=note.strip()))
    audit.record("safeguarding.outcome", "submission", submission.id, before=before, after=snapshot(submission),
                 detail=SAFEGUARDING_OUTCOMES[outcome], actor=actor)


def save_public_text(submission: Submission, wording: str, remove_words: list[str], actor: StaffUser) -> list[str]:
    """Store the public wording, after `redact()` runs on exactly what the moderator typed.

    Returns the kinds of detail removed at this step.
    """
    if submission.safeguarding_state in HELD_STATES:
        raise ActionError("This item is held for the safeguarding lead and can never be published.")
    public, kinds = redact(clean_text(wording), [clean_text(word) for word in remove_words])
    public = public.strip()
    if not public:
        raise ActionError("Enter the public wording.")
    before = snapshot(submission)
    submission.public_text = public
    if submission.status == "received":
        submission.status = "in_review"
        submission.reviewed_at = utcnow()
    audit.record("submission.redact", "submission", submission.id, before=before, after=snapshot(submission),
                 detail=("removed: " + ", ".join(kinds)) if kinds else None, actor=actor)
    return kinds


# ---- reading ---------------------------------------------------------------------------


def safeguarding_queue(limit: int = 200) -> tuple[list[Submission], list[Submission]]:
    """(open flags, oldest first; recently dealt with, newest first)."""
    open_items = list(db.session.scalars(
        select(Submission).where(Submission.safeguarding_state == "open")
        .order_by(Submission.created_at, Submission.id).limit(limit)
    ).unique())
    dealt_with = list(db.session.scalars(
        select(Submission).where(Submission.safeguarding_state == "escalated")
        .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(50)
    ).unique())
    return open_items, dealt_with


def safeguarding_actions_for(submission_ids: list[int]) -> dict[int, list[SafeguardingAction]]:
    if not submission_ids:
        return {}
    found: dict[int, list[SafeguardingAction]] = {}
    for action in db.session.scalars(
        select(SafeguardingAction).where(SafeguardingAction.submission_id.in_(submission_ids))
        .order_by(SafeguardingAction.created_at, SafeguardingAction.id)
    ).unique():
        found.setdefault(action.submission_id, []).append(action)
    return found


def notes_for(submission_id: int) -> list[ModerationNote]:
    return list(db.session.scalars(
        select(ModerationNote).where(ModerationNote.submission_id == submission_id)
        .order_by(ModerationNote.created_at, ModerationNote.id)
    ).unique())


def history_for(submission_id: int):
    from portal.staff.models import AuditEvent

    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "submission", AuditEvent.subject_id == str(submission_id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ))


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    subject: str = ""
    date_from: date | None = None
    date_to: date | None = None
    before: str = ""

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        def day(name):
            try:
                return date.fromisoformat((args.get(name) or "").strip())
            except ValueError:
                return None

        return cls(
            action=clean_text(args.get("action")).strip()[:60],
            actor=clean_text(args.get("actor")).strip()[:254],
            subject=clean_text(args.get("subject")).strip()[:60],
            date_from=day("from"),
            date_to=day("to"),
            before=(args.get("before") or "")[:60],
        )

    def query_args(self, **changes) -> dict:
        values = replace(self, **changes)
        args = {"action": values.action, "actor": values.actor, "subject": values.subject,
                "from": values.date_from.isoformat() if values.date_from else "",
                "to": values.date_to.isoformat() if values.date_to else "", "before": values.before}
        return {k: v for k, v in args.items() if v}


def audit_page(filters: AuditFilters, page_size: int = 50):
    """Newest first, keyset on (at, id); filters by action prefix, actor, subject, dates."""
    from portal.staff.models import AuditEvent

    statement = select(AuditEvent)
    if filters.action:
        statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        statement = statement.where(func.lower(AuditEvent.actor_email) == filters.actor.lower())
    if filters.subject:
        kind, _, ident = filters.subject.partition(":")
        statement = statement.where(AuditEvent.subject_type == kind)
        if ident:
            statement = statement.where(AuditEvent.subject_id == ident)
    if filters.date_from:
        statement = statement.where(AuditEvent.at >= datetime.combine(filters.date_from, datetime.min.time(), UTC))
    if filters.date_to and filters.date_to < date.max:
        statement = statement.where(AuditEvent.at < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time(), UTC))
    if filters.before:
        try:
            micros, ident = filters.before.split("_")
            statement = statement.where(tuple_(AuditEvent.at, AuditEvent.id) < tuple_(_from_micros(whole_number(micros)), whole_number(ident)))
        except (ValueError, OverflowError):
            pass
    rows = list(db.session.scalars(statement.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    next_cursor = f"{_micros(rows[-1].at)}_{rows[-1].id}" if more and rows else None
    return rows, next_cursor


def is_overdue(submission: Submission, today: date | None = None) -> bool:
    return submission.status in OPEN_STATUSES and submission.due_on < (today or utcnow().date())

