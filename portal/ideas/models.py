"""Ideas under the seven themes, their supports (one per device), the emailed codes that
verify a support, and events where a facilitator hands a tablet round.

An idea is a kind of moderation item (joined-table inheritance, as feedback is): its
moderation state is the `moderation_item` row it shares its id with. Support counts are
kept on the idea in the same transaction as the support rows, so no page counts rows.
"""

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import Theme
from portal.extensions import db
from portal.moderation.models import ModerationItem
from portal.timeutil import utcnow

TITLE_MAX = 120
BODY_MAX = 2000

event_theme = Table(
    "event_theme",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    """A facilitated idea board: a street stall, a school hall, City Park on a Saturday."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short, typed from a poster: the same alphabet as references (no 0/O, 1/I/L).
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft / open / closed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    themes: Mapped[list[Theme]] = relationship(secondary=event_theme, order_by=Theme.position, lazy="selectin")

    @property
    def is_open(self) -> bool:
        return self.state == "open"


class Idea(ModerationItem):
    """Someone's idea under a theme, from proposal to the "we did" that answers it."""

    __tablename__ = "idea"
    __mapper_args__ = {"polymorphic_identity": "idea", "polymorphic_load": "selectin"}
    __table_args__ = (
        # The board's two orders, read a page at a time (keyset).
        Index("ix_idea_supported", "support_count", "id"),
    )

    id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # as feedback's: BD-7K3Q-94MD
    draft_token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX * 2))
    body: Mapped[str] = mapped_column(Text)
    # The title as approved for the board (redacted as the text is); None until approved.
    public_title: Mapped[str | None] = mapped_column(String(TITLE_MAX * 2))
    email: Mapped[str | None] = mapped_column(String(254))
    age_band: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="online")  # online / event
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    # Kept exact with the support rows, in the same transaction.
    support_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verified_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    voided_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id"), index=True)

    event: Mapped[Event | None] = relationship(lazy="select")

    @property
    def display_reference(self) -> str:
        from portal.shared.references import format_reference

        return format_reference(self.reference)

    @property
    def original_text(self) -> str:
        return self.body

    @property
    def unverified_count(self) -> int:
        return self.support_count - self.verified_count


class IdeaSupport(db.Model):
    """One device's support for one idea. The unique constraint is the "one per device"
    rule: a second insert is ignored by the database, never checked first in Python."""

    __tablename__ = "idea_support"
    __table_args__ = (
        UniqueConstraint("idea_id", "device", name="uq_idea_support_idea_device"),
        Index("ix_idea_support_device", "device"),
        Index("ix_idea_support_client_created", "client", "created_at"),
        Index("ix_idea_support_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    # A hash of the device token (the token itself is only ever in the person's cookie).
    device: Mapped[str] = mapped_column(String(64))
    # A keyed hash of the client's network address: enough to see a burst, not to find anyone.
    client: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(20), default="online")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    audience: Mapped[str | None] = mapped_column(String(20))  # known only from the young people's pages
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Only when the supporter asked to be told of the answer; erased once told.
    notify_email: Mapped[str | None] = mapped_column(String(254))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupportVerification(db.Model):
    """A six-digit code emailed to confirm a device's supports. Deleted once used, so the
    email address is kept only while the code is waiting (unless the person asks to be told
    of the answer, when it moves to their supports)."""

    __tablename__ = "support_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    device: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(64))
    notify: Mapped[bool] = mapped_column(default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VoidedBurst(db.Model):
    """A moderator's decision that a burst of supports was not real people: audited, and
    the tallies say how many were voided."""

    __tablename__ = "voided_burst"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    voided: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
