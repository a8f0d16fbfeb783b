"""Writing the audit log: one call per staff action, inside the action's transaction."""

from flask import has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.staff.models import AuditEvent, StaffUser


def record(
    action: str,
    subject_type: str | None = None,
    subject_id: object = None,
    before: dict | None = None,
    after: dict | None = None,
    detail: str | None = None,
    actor: StaffUser | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit saves it with the change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id is not None else None,
        before=before,
        after=after,
        # Control characters stripped so a crafted value cannot forge log lines.
        detail="".join(ch for ch in detail if ch.isprintable())[:500] if detail else None,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
