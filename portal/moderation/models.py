"""Moderators' notes and what the safeguarding lead did about a flag."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.staff.models import StaffUser
from portal.timeutil import utcnow

SAFEGUARDING_OUTCOMES = {
    "front_door": "Escalated to the Front Door / MASH",
    "police": "Referred to the police",
    "no_action": "No action needed",
    "cleared": "Flag cleared: not a safeguarding concern",
}


class ModerationNote(db.Model):
    __tablename__ = "moderation_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[StaffUser] = relationship(lazy="joined")


class SafeguardingAction(db.Model):
    __tablename__ = "safeguarding_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[StaffUser] = relationship(lazy="joined")
