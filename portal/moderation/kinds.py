"""The registry of kinds: how each kind of item appears in the shared moderation queue.

A capability declares its kind once (feedback in `portal/feedback/kind.py`; ideas and
advisory-group applications in theirs) and the queue, the item page, the actions, the
safeguarding queue and the "never public while flagged" rule work for it with no change
to moderation code. The model is a subclass of `ModerationItem` whose polymorphic
identity is the kind's `name`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from portal.moderation.models import ModerationItem

ALL_ACTIONS = ("review", "hide", "restore", "flag", "clear_flag", "note", "answer")


@dataclass(frozen=True)
class Kind:
    name: str  # the polymorphic identity, and the queue's filter value
    label: str  # "Feedback"
    model: type[ModerationItem]
    # The audit log's subject type for these items ("submission" for feedback).
    audit_type: str
    # When an item that came in on this date should be answered by.
    due_on: Callable[[date], date]
    # Which of the shared filters mean something for this kind.
    filters: tuple[str, ...] = ("theme", "area", "audience")
    actions: tuple[str, ...] = ALL_ACTIONS
    # Columns of the kind's own table that the queue's text search looks in.
    search_columns: tuple = ()
    # Templates: extra rows for the item page's summary, and the item's own words.
    details_template: str | None = None
    # Called when a published answer covers an item: queue its emails, return how many.
    notify_answered: Callable | None = field(default=None, compare=False)
    # Called when a moderator approves the public wording (before it is saved): the kind
    # approves its other public words, and may raise HeldForSafeguarding.
    on_approve: Callable | None = field(default=None, compare=False)
    # Tracking by reference: the stored reference -> the item, and the page that shows it.
    find_by_reference: Callable | None = field(default=None, compare=False)
    track_view: Callable | None = field(default=None, compare=False)
    track_template: str | None = None
    # Extra actions on the item page (an idea's "merge into another idea").
    actions_template: str | None = None
    # False for kinds whose words are never published (advisory-group applications):
    # no public wording can be saved for them, so `may_be_public` stays false.
    publishable: bool = True


_KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    if kind.model.__mapper__.polymorphic_identity != kind.name:
        raise ValueError(f"{kind.model.__name__} is mapped as {kind.model.__mapper__.polymorphic_identity!r}, not {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def unregister_kind(name: str) -> None:
    _KINDS.pop(name, None)


def all_kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def kind_of(item: ModerationItem) -> Kind:
    return _KINDS[item.kind]


def allows(item: ModerationItem, action: str) -> bool:
    return action in kind_of(item).actions
