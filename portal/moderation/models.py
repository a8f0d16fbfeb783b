"""The moderation record every kind of item shares, moderators' notes, what the
safeguarding lead did, and the safeguarding words.

Each kind (feedback now; ideas and advisory-group applications next) is a subclass of
`ModerationItem` with a table of its own for what the person sent (joined-table
inheritance): the moderation state lives once, in `moderation_item`, and a kind's row
shares its id. So the queue reads one table with one index whatever the kinds, ids are
unique across kinds, and `Submission.status` still reads as it always did.
"""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, and_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.i18n import N_
from portal.staff.models import StaffUser
from portal.timeutil import utcnow

# Labels are kept as plain text (marked with N_ so they are extracted) and translated
# where they are shown: SAFEGUARDING_OUTCOMES also goes into the audit log.
AUDIENCES = {"adult": N_("Adult"), "young_person": N_("Young person")}
STATUSES = {
    "received": N_("Received"),
    "in_review": N_("Being reviewed"),
    "answered": N_("Answered"),
    "hidden": N_("Hidden"),
}
OPEN_STATUSES = ("received", "in_review")
SAFEGUARDING_STATES = {
    "none": N_("None"),
    "open": N_("Flagged, waiting for the safeguarding lead"),
    "escalated": N_("Escalated"),
    "cleared": N_("Cleared"),
}
HELD_STATES = ("open", "escalated")  # flagged for safeguarding: never published
SAFEGUARDING_OUTCOMES = {
    "front_door": N_("Escalated to the Front Door / MASH"),
    "police": N_("Referred to the police"),
    "no_action": N_("No action needed"),
    "cleared": N_("Flag cleared: not a safeguarding concern"),
}


class ModerationItem(db.Model):
    """Anything a person sent that staff review, hide, flag, redact and answer."""

    __tablename__ = "moderation_item"
    __table_args__ = (
        # The queue reads pages of these in order: keyset pagination needs them.
        Index("ix_moderation_item_status_created", "status", "created_at", "id"),
        Index("ix_moderation_item_created", "created_at", "id"),
        Index("ix_moderation_item_safeguarding", "safeguarding_state", "created_at"),
        Index("ix_moderation_item_flag_due", "safeguarding_state", "flag_due_at"),
        # The waiting part of the queue, in due-date order.
        Index(
            "ix_moderation_item_open_queue", "due_on", "created_at", "id",
            sqlite_where=text("status IN ('received', 'in_review')"),
            postgresql_where=text("status IN ('received', 'in_review')"),
        ),
    )
    __mapper_args__ = {"polymorphic_on": "kind"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)  # the registry's name for it
    # What the queue filters on, the same for every kind.
    audience: Mapped[str] = mapped_column(String(20), default="adult")
    # The language of the page it was written on: what the moderators read it as, and
    # the language every email about it is sent in. The words themselves are kept as written.
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    # The moderation state.
    status: Mapped[str] = mapped_column(String(20), default="received")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # The wording a moderator approved for publication; the original stays private.
    public_text: Mapped[str | None] = mapped_column(Text)
    safeguarding_state: Mapped[str] = mapped_column(String(20), default="none")
    safeguarding_categories: Mapped[str | None] = mapped_column(String(200))  # comma-separated
    # When the open flag was raised, when it must have been looked at (four working hours
    # later), and when the admins were told it had not been.
    flagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    flag_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    flag_escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), index=True)

    theme: Mapped[Theme | None] = relationship(lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")

    # ---- what each kind says about itself (overridden by the kind's model) -----------

    @property
    def display_reference(self) -> str:
        return f"#{self.id}"

    @property
    def original_text(self) -> str:
        """What the person wrote, private to staff: what redaction starts from."""
        return ""

    # ---- the rules, one definition each, in Python and in SQL ------------------------

    @hybrid_property
    def is_held(self) -> bool:
        """Flagged for the safeguarding lead: nothing from it may be published."""
        return self.safeguarding_state in HELD_STATES

    @is_held.inplace.expression
    @classmethod
    def _is_held_sql(cls):
        return cls.safeguarding_state.in_(HELD_STATES)

    @hybrid_property
    def can_be_public(self) -> bool:
        """Could ever be shown or counted in public: not hidden, not held for safeguarding."""
        return self.status != "hidden" and self.safeguarding_state not in HELD_STATES

    @can_be_public.inplace.expression
    @classmethod
    def _can_be_public_sql(cls):
        return and_(cls.status != "hidden", cls.safeguarding_state.not_in(HELD_STATES))

    @hybrid_property
    def may_be_public(self) -> bool:
        """May its words be shown publicly now: it could be, and a moderator approved the wording."""
        return self.status != "hidden" and self.safeguarding_state not in HELD_STATES and self.public_text is not None

    @may_be_public.inplace.expression
    @classmethod
    def _may_be_public_sql(cls):
        return and_(cls.status != "hidden", cls.safeguarding_state.not_in(HELD_STATES), cls.public_text.is_not(None))

    @hybrid_property
    def is_waiting(self) -> bool:
        """Still waiting for an answer (received or being reviewed)."""
        return self.status in OPEN_STATUSES

    @is_waiting.inplace.expression
    @classmethod
    def _is_waiting_sql(cls):
        return cls.status.in_(OPEN_STATUSES)

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < today


class ModerationNote(db.Model):
    __tablename__ = "moderation_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[StaffUser] = relationship(lazy="joined")


class SafeguardingAction(db.Model):
    __tablename__ = "safeguarding_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[StaffUser] = relationship(lazy="joined")


class SafeguardingPhrase(db.Model):
    """Words that suggest someone is at risk. Data, so the safeguarding lead can add to them."""

    __tablename__ = "safeguarding_phrase"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A pattern in the language `detection.py` documents ("he|she ... touch* me").
    phrase: Mapped[str] = mapped_column(String(400), unique=True)
    category: Mapped[str] = mapped_column(String(30))  # a key of safeguarding.CATEGORIES
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    active: Mapped[bool] = mapped_column(default=True)
