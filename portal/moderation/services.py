"""The rules of moderation: the queue, actions, redaction, safeguarding.

Every state change here adds an audit event to the same session as the change, and the
caller commits once, so the log and the change are saved together or not at all.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, bindparam, exists, func, literal_column, or_, select

from portal.extensions import db
from portal.i18n import N_, ngettext
from portal.i18n import gettext as _
from portal.moderation.flags import raise_flag, stop_if_disclosure
from portal.moderation.kinds import all_kinds, allows, kind_of
from portal.moderation.models import (
    AUDIENCES,
    OPEN_STATUSES,
    SAFEGUARDING_OUTCOMES,
    STATUSES,
    ModerationItem,
    ModerationNote,
    SafeguardingAction,
)
from portal.moderation.redaction import redact
from portal.moderation.rules import mark_reviewed, restored_status, snapshot
from portal.shared.pagecache import pages_changed
from portal.shared.pagination import Page, QueryFilters, choice, cursor, day, flag, keyset_page, text
from portal.shared.text import clean_text
from portal.staff import audit
from portal.staff.models import AuditEvent, StaffUser
from portal.timeutil import uk_today, utcnow

PAGE_SIZE = 50
NOTE_MAX = 2000
NOTE_MAX_SHOWN = f"{NOTE_MAX:,}"  # as the messages write it: "2,000"
REASON_MAX = 500

# Labels marked with N_ and translated where shown: HIDE_REASONS' texts are saved into
# `hidden_reason` (and the audit log), so they stay plain text.
QUEUE_STATUSES = {
    "open": N_("Waiting for an answer"),
    "received": STATUSES["received"],
    "in_review": STATUSES["in_review"],
    "answered": STATUSES["answered"],
    "hidden": STATUSES["hidden"],
    "all": N_("Everything"),
}
ORDERS = {"oldest": N_("Oldest first"), "newest": N_("Newest first")}
HIDE_REASONS = {
    "spam": N_("Spam or advertising"),
    "abusive": N_("Abusive or offensive"),
    "duplicate": N_("Sent more than once"),
    "personal": N_("Only personal details, nothing to answer"),
    "not_council": N_("Not something the council can answer"),
    "other": N_("Another reason (say below)"),
}


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _open_condition():
    """status IN ('received', 'in_review'), written so the partial index is used.

    Literal values, so both databases can prove the partial index
    `ix_moderation_item_open_queue` (WHERE status IN (...)) covers the query. On SQLite,
    wrapped in likelihood(): without ANALYZE statistics its planner otherwise prefers the
    status index and then sorts every waiting row, where the partial index hands them
    over already in queue order and a page stops after 51 rows.
    """
    condition = ModerationItem.status.in_(bindparam("open_statuses", OPEN_STATUSES, expanding=True, literal_execute=True))
    return func.likelihood(condition, literal_column("0.9")) if _sqlite() else condition


def _unindexed(column):
    # On SQLite, `column + 0` stops the planner from choosing that column's own index
    # (then sorting), so it keeps walking the queue index in order instead.
    return column + 0 if _sqlite() else column


# ---- the queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters(QueryFilters):
    """What the moderator asked for, from the query string; anything unknown is ignored.

    `kind` empty means every kind together; theme and area also take "none".
    """

    kind: str = choice()
    theme: str = choice()
    area: str = choice()
    audience: str = choice(allowed=AUDIENCES)
    status: str = choice("open", allowed=QUEUE_STATUSES)
    overdue: bool = flag()
    flagged: bool = flag()
    q: str = text(200)
    order: str = choice("oldest", allowed=ORDERS)
    after: str = cursor()
    before: str = cursor()

    @classmethod
    def read(cls, args, theme_slugs=(), area_slugs=()) -> "QueueFilters":
        return cls.from_args(args, kind=set(all_kinds()), theme=set(theme_slugs) | {"none"},
                             area=set(area_slugs) | {"none"})

    @property
    def is_filtered(self) -> bool:
        return bool(self.kind or self.theme or self.area or self.audience or self.overdue or self.flagged
                    or self.q or self.status != "open")


@dataclass
class QueuePage(Page):
    filters: QueueFilters = field(default_factory=QueueFilters)


def _sort_key(filters: QueueFilters) -> tuple:
    # Waiting items are read in due-date order, so those past the target come first even
    # if the target was shortened since; everything else in the order it came in.
    if filters.status == "open":
        return (ModerationItem.due_on, ModerationItem.created_at, ModerationItem.id)
    return (ModerationItem.created_at, ModerationItem.id)


def _search_condition(words: str):
    """The text search, in each kind's own columns (a correlated EXISTS per kind).

    A substring search, walked in queue order until a page is full: fine for common
    words, a scan for rare ones. PostgreSQL's pg_trgm index is the next step.
    """
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    conditions = []
    for kind in all_kinds().values():
        if not kind.search_columns:
            continue
        table = kind.model.__table__
        matches = or_(*[column.ilike(pattern, escape="\\") for column in kind.search_columns])
        conditions.append(and_(ModerationItem.kind == kind.name, exists().where(table.c.id == ModerationItem.id, matches)))
    return or_(*conditions) if conditions else literal_column("1") == 0


def _filtered(statement, filters: QueueFilters, theme_ids: dict, area_ids: dict, today: date, can_see_held: bool):
    if filters.kind:
        statement = statement.where(ModerationItem.kind == filters.kind)
    if filters.status == "open":
        statement = statement.where(_open_condition())
    elif filters.status != "all":
        statement = statement.where(ModerationItem.status == filters.status)
    if filters.theme == "none":
        statement = statement.where(ModerationItem.theme_id.is_(None))
    elif filters.theme:
        statement = statement.where(_unindexed(ModerationItem.theme_id) == theme_ids[filters.theme])
    if filters.area == "none":
        statement = statement.where(ModerationItem.area_id.is_(None))
    elif filters.area:
        statement = statement.where(_unindexed(ModerationItem.area_id) == area_ids[filters.area])
    if filters.audience:
        statement = statement.where(ModerationItem.audience == filters.audience)
    if filters.overdue:
        statement = statement.where(_open_condition(), ModerationItem.due_on < today)
    if filters.flagged:
        statement = statement.where(ModerationItem.is_held)
    if filters.q:
        statement = statement.where(_search_condition(filters.q))
        if not can_see_held:
            # Searching must not reveal words in items held for the safeguarding lead.
            statement = statement.where(~ModerationItem.is_held)
    return statement


def queue_page(
    filters: QueueFilters,
    theme_ids: dict,
    area_ids: dict,
    can_see_held: bool = False,
    page_size: int = PAGE_SIZE,
    today: date | None = None,
) -> QueuePage:
    """One page of the queue, every kind together: one keyset query on the moderation
    records (no OFFSET, no COUNT), then one query per kind on the page for its own columns."""
    statement = _filtered(select(ModerationItem), filters, theme_ids, area_ids, today or uk_today(), can_see_held)
    page = keyset_page(db.session, statement, _sort_key(filters), forward_from=filters.after,
                       back_from=filters.before, ascending=filters.order == "oldest", page_size=page_size)
    return QueuePage(items=page.items, next_cursor=page.next_cursor, previous_cursor=page.previous_cursor,
                     filters=filters)


def landing_counts(today: date | None = None) -> dict:
    """Waiting, overdue and flagged counts for the staff landing page, in one query.

    Each count is its own index-only subquery (the open-queue partial index and the
    safeguarding index), so it stays quick at 100,000 items. "Overdue" is judged by the
    UK date, as the queue's filter is.
    """
    today = today or uk_today()
    count = select(func.count()).select_from(ModerationItem)
    waiting = count.where(_open_condition())
    overdue = count.where(_open_condition(), ModerationItem.due_on < today)
    flagged = count.where(ModerationItem.safeguarding_state == "open")
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
    skipped: list = field(default_factory=list)  # (item, why)

    @property
    def message(self) -> str:
        """What happened, in the page's language (read while a request is being answered)."""
        text = ACTION_DONE[self.action](len(self.changed))
        if self.skipped:
            text += " " + ngettext(
                "%(num)d skipped: %(items)s", "%(num)d skipped: %(items)s", len(self.skipped),
                items="; ".join(_("%(reference)s (%(why)s)", reference=item.display_reference, why=why)
                                for item, why in self.skipped[:5]),
            ) + ("…" if len(self.skipped) > 5 else "")
        return text


# What each action says it did, made when shown: plural forms differ between languages.
ACTION_DONE = {
    "review": lambda n: ngettext("%(num)d item marked as reviewed.", "%(num)d items marked as reviewed.", n),
    "hide": lambda n: ngettext("%(num)d item hidden.", "%(num)d items hidden.", n),
    "restore": lambda n: ngettext("%(num)d item restored.", "%(num)d items restored.", n),
    "flag": lambda n: ngettext("%(num)d item flagged for safeguarding.", "%(num)d items flagged for safeguarding.", n),
    "clear_flag": lambda n: ngettext("Safeguarding flag cleared on %(num)d item.", "Safeguarding flag cleared on %(num)d items.", n),
    "note": lambda n: ngettext("Note added to %(num)d item.", "Note added to %(num)d items.", n),
}


def load_for_update(ids: list[int]) -> list[ModerationItem]:
    """The items, of whatever kind, locked for this transaction on PostgreSQL, in id order."""
    if not ids:
        return []
    statement = select(ModerationItem).where(ModerationItem.id.in_(ids)).order_by(ModerationItem.id)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=ModerationItem)
    return list(db.session.scalars(statement).unique())


def audit_item(action: str, item: ModerationItem, before: dict, actor: StaffUser, detail: str | None = None) -> None:
    """One audit event for a change to an item, named by its kind ("submission.hide")."""
    audit_type = kind_of(item).audit_type
    audit.record(f"{audit_type}.{action}", audit_type, item.id, before=before, after=snapshot(item),
                 detail=detail, actor=actor)


def _hidden_reason(reason: str, detail: str) -> str:
    if reason not in HIDE_REASONS:
        raise ActionError(_("Choose why the items are being hidden."))
    if reason == "other" and not detail.strip():
        raise ActionError(_("Say why the items are being hidden."))
    if reason == "other":
        return detail.strip()[:REASON_MAX]
    return HIDE_REASONS[reason] + (": " + detail.strip()[:REASON_MAX] if detail.strip() else "")


def _apply_one(action: str, item: ModerationItem, actor: StaffUser, hidden_reason: str, note: str, now) -> str | None:
    """Change one item; the reason it was left alone (for the moderator), or None if it changed."""
    if action == "review":
        if not mark_reviewed(item, now):
            status = STATUSES.get(item.status)
            return _("already %(status)s", status=_(status).lower() if status else item.status.lower())
    elif action == "hide":
        if item.status == "hidden":
            return _("already hidden")
        item.status = "hidden"
        item.hidden_reason = hidden_reason
    elif action == "restore":
        if item.status != "hidden":
            return _("not hidden")
        item.status = restored_status(item)
        item.hidden_reason = None
    elif action == "flag":
        if item.is_held:
            return _("already flagged")
        raise_flag(item, [], "flagged by a moderator", actor=actor, now=now, audited=False)
    elif action == "clear_flag":
        if not item.is_held:
            return _("not flagged")
        item.safeguarding_state = "cleared"
        db.session.add(SafeguardingAction(item_id=item.id, actor_id=actor.id, outcome="cleared",
                                          note=note.strip()[:NOTE_MAX]))
    elif action == "note":
        db.session.add(ModerationNote(item_id=item.id, author_id=actor.id, body=note))
    return None


def apply_action(action: str, ids: list[int], actor: StaffUser, reason: str = "", detail: str = "", note: str = "") -> ActionResult:
    """Do one moderation action to one or many items of any kind, auditing each change.

    Changes and flushes; the view commits (or rolls back on ActionError).
    """
    pages_changed()  # what is public may change: this process shows it at once
    if action not in ACTION_DONE:
        raise ActionError(_("That is not an action the queue knows."))
    reason, detail, note = clean_text(reason), clean_text(detail), clean_text(note)
    if not ids:
        raise ActionError(_("Select at least one item first."))
    hidden_reason = _hidden_reason(reason, detail) if action == "hide" else ""
    if action == "note":
        note = note.strip()
        if not note:
            raise ActionError(_("Write the note first."))
        if len(note) > NOTE_MAX:
            raise ActionError(_("The note must be %(limit)s characters or fewer.", limit=NOTE_MAX_SHOWN))

    now = utcnow()
    result = ActionResult(action)
    for item in load_for_update(ids):
        before = snapshot(item)
        why_not = _("not possible for this kind") if not allows(item, action) else _apply_one(
            action, item, actor, hidden_reason, note, now)
        if why_not:
            result.skipped.append((item, why_not))
            continue
        result.changed.append(item)
        audit_item(action, item, before, actor,
                   detail=note if action == "note" else (item.hidden_reason if action == "hide" else None))
    db.session.flush()
    return result


def record_safeguarding_outcome(item: ModerationItem, outcome: str, note: str, actor: StaffUser) -> None:
    """What the safeguarding lead did. Clearing returns the item to normal moderation;
    any other outcome keeps it out of public view for good."""
    if outcome not in SAFEGUARDING_OUTCOMES:
        raise ActionError(_("Choose what was done."))
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise ActionError(_("The note must be %(limit)s characters or fewer.", limit=NOTE_MAX_SHOWN))
    if not item.is_held:
        raise ActionError(_("This item is not flagged for safeguarding."))
    before = snapshot(item)
    item.safeguarding_state = "cleared" if outcome == "cleared" else "escalated"
    db.session.add(SafeguardingAction(item_id=item.id, actor_id=actor.id, outcome=outcome, note=note.strip()))
    audit.record("safeguarding.outcome", kind_of(item).audit_type, item.id, before=before, after=snapshot(item),
                 detail=SAFEGUARDING_OUTCOMES[outcome], actor=actor)


def save_public_text(item: ModerationItem, wording: str, remove_words: list[str], actor: StaffUser) -> list[str]:
    """Store the public wording, after `redact()` runs on exactly what the moderator typed.

    Returns the kinds of detail removed at this step.
    """
    pages_changed()  # what is public may change: this process shows it at once
    if item.is_held:
        raise ActionError(_("This item is held for the safeguarding lead and can never be published."))
    if not kind_of(item).publishable:
        raise ActionError(_("Nothing from this kind of item is ever published."))
    public, kinds = redact(clean_text(wording), [clean_text(word) for word in remove_words])
    public = public.strip()
    if not public:
        raise ActionError(_("Enter the public wording."))
    # The detector again, on exactly what would be public: a disclosure it missed when the
    # item arrived, or one a moderator typed in, goes to the lead instead.
    stop_if_disclosure([item], [public], "found in wording a moderator approved", actor=actor)
    approve = kind_of(item).on_approve
    if approve is not None:
        approve(item, actor)  # the kind's other public words (an idea's title), checked the same way
    before = snapshot(item)
    item.public_text = public
    mark_reviewed(item)
    audit_item("redact", item, before, actor, detail=("removed: " + ", ".join(kinds)) if kinds else None)
    return kinds


# ---- reading ---------------------------------------------------------------------------


def safeguarding_queue(limit: int = 200) -> tuple[list[ModerationItem], list[ModerationItem]]:
    """(open flags, oldest first; recently dealt with, newest first), every kind together."""
    open_items = list(db.session.scalars(
        select(ModerationItem).where(ModerationItem.safeguarding_state == "open")
        .order_by(ModerationItem.created_at, ModerationItem.id).limit(limit)
    ).unique())
    dealt_with = list(db.session.scalars(
        select(ModerationItem).where(ModerationItem.safeguarding_state == "escalated")
        .order_by(ModerationItem.created_at.desc(), ModerationItem.id.desc()).limit(50)
    ).unique())
    return open_items, dealt_with


def safeguarding_actions_for(item_ids: list[int]) -> dict[int, list[SafeguardingAction]]:
    if not item_ids:
        return {}
    found: dict[int, list[SafeguardingAction]] = {}
    for action in db.session.scalars(
        select(SafeguardingAction).where(SafeguardingAction.item_id.in_(item_ids))
        .order_by(SafeguardingAction.created_at, SafeguardingAction.id)
    ).unique():
        found.setdefault(action.item_id, []).append(action)
    return found


def notes_for(item_id: int) -> list[ModerationNote]:
    return list(db.session.scalars(
        select(ModerationNote).where(ModerationNote.item_id == item_id)
        .order_by(ModerationNote.created_at, ModerationNote.id)
    ).unique())


def history_for(item: ModerationItem) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == kind_of(item).audit_type,
                                 AuditEvent.subject_id == str(item.id))
        .order_by(AuditEvent.at, AuditEvent.id)
    ))


@dataclass(frozen=True)
class AuditFilters(QueryFilters):
    action: str = text(60)
    actor: str = text(254)
    subject: str = text(60)
    date_from: date | None = day(arg="from")
    date_to: date | None = day(arg="to")
    before: str = cursor()


def audit_page(filters: AuditFilters, page_size: int = 50) -> Page:
    """Newest first, keyset on (at, id); filters by action prefix, actor, subject, dates."""
    statement = select(AuditEvent)
    if filters.action:
        statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.actor:
        statement = statement.where(func.lower(AuditEvent.actor_email) == filters.actor.lower())
    if filters.subject:
        kind, _colon, ident = filters.subject.partition(":")
        statement = statement.where(AuditEvent.subject_type == kind)
        if ident:
            statement = statement.where(AuditEvent.subject_id == ident)
    if filters.date_from:
        statement = statement.where(AuditEvent.at >= datetime.combine(filters.date_from, datetime.min.time(), UTC))
    if filters.date_to and filters.date_to < date.max:
        statement = statement.where(AuditEvent.at < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time(), UTC))
    return keyset_page(db.session, statement, (AuditEvent.at, AuditEvent.id), forward_from=filters.before,
                       ascending=False, page_size=page_size)
