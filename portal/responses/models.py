"""'We did': the council's answers and their history."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import Theme
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.timeutil import utcnow

# Status -> what people read, translated where it is shown. The keys are what is stored.
RESPONSE_STATUSES = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "not_taken_forward": _l("Not taken forward"),
}


class Response(db.Model):
    """One "you said, we did" answer to one or many submissions."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_state_published", "state", "published_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # required when not taken forward
    responsible: Mapped[str] = mapped_column(String(200))
    action_date: Mapped[date] = mapped_column(Date)
    young_people_summary: Mapped[str | None] = mapped_column(Text)
    # Who it answers, kept on the row so public lists filter without joins.
    answers_young_people: Mapped[bool] = mapped_column(default=False)
    answers_adults: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft / published
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    theme: Mapped[Theme | None] = relationship(lazy="joined")


class ResponseUpdate(db.Model):
    """Each published change to a response, kept and shown with its date."""

    __tablename__ = "response_update"
    # A term's updates are one range of this index: the termly report's pages and figures.
    __table_args__ = (Index("ix_response_update_published", "published_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20))
    we_did: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    # Loaded only when asked for (the termly report joins it in its one query).
    response: Mapped[Response] = relationship(lazy="raise", viewonly=True)
