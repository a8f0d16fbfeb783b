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
