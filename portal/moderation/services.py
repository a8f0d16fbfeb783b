"""The rules of moderation: the queue, actions, redaction, safeguarding."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.timeutil import utcnow


def landing_counts() -> dict:
    """Waiting, overdue and flagged counts for the staff landing page, in one query."""
    today = utcnow().date()
    open_statuses = ("received", "in_review")
    row = db.session.execute(
        select(
            func.count().filter(Submission.status.in_(open_statuses)).label("waiting"),
            func.count().filter(Submission.status.in_(open_statuses), Submission.due_on < today).label("overdue"),
            func.count().filter(Submission.safeguarding_state == "open").label("flagged"),
        )
    ).one()
    return {"waiting": row.waiting, "overdue": row.overdue, "flagged": row.flagged}
