"""Moderation rules that change an item, shared by every kind and every capability.

The rules that only read ("may this be public?", "is it held?", "is it waiting?") are
hybrid properties on `ModerationItem`, so Python and SQL ask the same question in one place.
"""

from datetime import datetime

from portal.moderation.models import ModerationItem
from portal.timeutil import utcnow


def mark_reviewed(item: ModerationItem, now: datetime | None = None) -> bool:
    """Received → being reviewed. True if it changed (anything further along stays)."""
    if item.status != "received":
        return False
    item.status = "in_review"
    item.reviewed_at = now or utcnow()
    return True


def restored_status(item: ModerationItem) -> str:
    """Where a hidden item goes back to: answered, being reviewed or received."""
    if item.answered_at is not None and item.response_id is not None:
        return "answered"
    return "in_review" if item.reviewed_at is not None else "received"


def snapshot(item: ModerationItem) -> dict:
    """The fields an action may change, for the audit log's before and after."""
    return {
        "status": item.status,
        "safeguarding_state": item.safeguarding_state,
        "hidden_reason": item.hidden_reason,
        "public_text": item.public_text,
        "response_id": item.response_id,
    }
