"""The rules of "we did": drafting, publishing, the figures, the outbox."""

from sqlalchemy import select

from portal.extensions import db
from portal.responses.models import Response


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
