"""The People's Advisory Group: applications (a kind of moderation item), the seats they
fill, the links emailed to applicants and members, fair draws, meetings and focus groups.

An application moves through `stage` (submitted → shortlisted → offered → member, or
waiting list, declined, withdrawn, not selected, left). Its moderation state (flagged,
hidden, reviewed) is the `moderation_item` row it shares its id with, as for feedback.
Equality answers live in their own table, read only for the group's make-up and a draw.
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.i18n import N_
from portal.moderation.models import ModerationItem
from portal.timeutil import utcnow

NAME_MAX = 100
PHONE_MAX = 30
TEXT_MAX = 2000
EQUALITIES_FORUM = "equalities-forum"  # the seat pool for the Equalities Forum route

STAGES = {
    "submitted": N_("Received"),
    "shortlisted": N_("Being considered"),
    "offered": N_("Offered a place"),
    "member": N_("Member"),
    "waiting_list": N_("On the waiting list"),
    "declined": N_("Declined the offer"),
    "withdrawn": N_("Withdrawn"),
    "not_selected": N_("Not selected"),
    "left": N_("Left the group"),
}
# Stages a person still waiting for a seat is in: a draw and the waiting list read these.
HOPEFUL = ("submitted", "shortlisted", "waiting_list")
AGE_BANDS = {
    "under_16": N_("Under 16"),
    "16_17": N_("16 or 17"),
    "18_24": N_("18 to 24"),
    "25_44": N_("25 to 44"),
    "45_64": N_("45 to 64"),
    "65_plus": N_("65 or over"),
}
AVAILABILITY = {
    "weekday_day": N_("Weekday daytimes"),
    "weekday_evening": N_("Weekday evenings"),
    "weekend": N_("Weekends"),
    "online": N_("Online meetings"),
}


class Application(ModerationItem):
    """Someone asking to join the group, from application to membership and after."""

    __tablename__ = "advisory_application"
    __mapper_args__ = {"polymorphic_identity": "application", "polymorphic_load": "selectin"}
    __table_args__ = (
        # Seats are counted by pool and stage; the waiting list is read in order.
        Index("ix_advisory_application_pool_stage", "seat_pool", "stage"),
    )

    id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    draft_token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX * 2))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX * 2))
    age_band: Mapped[str] = mapped_column(String(20))
    # The seat pool: an area's slug for its residents, or EQUALITIES_FORUM.
    seat_pool: Mapped[str] = mapped_column(String(40))
    why: Mapped[str] = mapped_column(Text)
    bring: Mapped[str] = mapped_column(Text)
    interests: Mapped[str] = mapped_column(String(400), default="")  # theme slugs, comma-separated
    availability: Mapped[str] = mapped_column(String(200), default="")  # AVAILABILITY keys
    access_needs: Mapped[str] = mapped_column(Text, default="")
    declaration: Mapped[str] = mapped_column(Text, default="")  # "" means nothing to declare
    declared_on: Mapped[date] = mapped_column(Date)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    stage: Mapped[str] = mapped_column(String(20), default="submitted")
    stage_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("advisory_draw.id"))

    @property
    def display_reference(self) -> str:
        from portal.shared.references import format_reference

        return format_reference(self.reference)

    @property
    def original_text(self) -> str:
        return "\n\n".join(part for part in (self.why, self.bring, self.access_needs, self.declaration) if part)

    @property
    def interest_slugs(self) -> list[str]:
        return [slug for slug in self.interests.split(",") if slug]

    @property
    def availability_keys(self) -> list[str]:
        return [key for key in self.availability.split(",") if key]


class ApplicationEquality(db.Model):
    """Optional equality answers, in a table of their own: never on an application page,
    a member list or an export; read for the group's make-up and by a fair draw."""

    __tablename__ = "advisory_equality"

    application_id: Mapped[int] = mapped_column(ForeignKey("advisory_application.id", ondelete="CASCADE"),
                                                primary_key=True)
    sex: Mapped[str | None] = mapped_column(String(30))
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    ethnic_background: Mapped[str | None] = mapped_column(String(80))
    religion: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(30))


class SeatLock(db.Model):
    """One row every change of seats writes first: the lock that makes "check, then
    claim" one step on PostgreSQL (a row lock) and on SQLite (the write lock)."""

    __tablename__ = "advisory_seat_lock"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class AdvisoryLink(db.Model):
    """A link emailed to an applicant or member (accept an offer, refresh a declaration,
    reply to an invitation): signed, used once, and only until it expires."""

    __tablename__ = "advisory_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # offer / declaration / invitation
    application_id: Mapped[int] = mapped_column(ForeignKey("advisory_application.id", ondelete="CASCADE"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("advisory_invitation.id", ondelete="CASCADE"))
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship(lazy="joined")


class Draw(db.Model):
    """A fair draw for one seat pool: the seed and every input, so anyone can re-run it."""

    __tablename__ = "advisory_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_pool: Mapped[str] = mapped_column(String(40))
    characteristic: Mapped[str] = mapped_column(String(30))
    seats: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))
    inputs: Mapped[str] = mapped_column(Text)  # JSON: candidates, the group so far, reference shares
    result: Mapped[str] = mapped_column(Text)  # JSON: the steps and the people drawn, in order
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Meeting(db.Model):
    """A quarterly meeting of the group."""

    __tablename__ = "advisory_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attendance(db.Model):
    __tablename__ = "advisory_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("advisory_meeting.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("advisory_application.id", ondelete="CASCADE"))
    attended: Mapped[bool] = mapped_column(default=False)


class Invitation(db.Model):
    """An invitation to a focus group, sent to some members."""

    __tablename__ = "advisory_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class InvitationReply(db.Model):
    __tablename__ = "advisory_invitation_reply"
    __table_args__ = (UniqueConstraint("invitation_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("advisory_invitation.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("advisory_application.id", ondelete="CASCADE"))
    reply: Mapped[str] = mapped_column(String(10), default="invited")  # invited / yes / no
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    application: Mapped[Application] = relationship(lazy="joined")
