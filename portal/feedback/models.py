"""What residents and young people tell us, and the equality answers kept apart from it."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.timeutil import utcnow

AUDIENCES = {"adult": "Adult", "young_person": "Young person"}
STATUSES = {
    "received": "Received",
    "in_review": "Being reviewed",
    "answered": "Answered",
    "hidden": "Hidden",
}
AGE_BANDS = {
    "under_13": "Under 13",
    "13_15": "13 to 15",
    "16_17": "16 or 17",
    "18_25_care": "18 to 25 and care-experienced",
}
SAFEGUARDING_STATES = {
    "none": "None",
    "open": "Flagged, waiting for the safeguarding lead",
    "escalated": "Escalated",
    "cleared": "Cleared",
}


class Submission(db.Model):
    """One piece of feedback ("you said"), from first receipt to its answer."""

    __tablename__ = "submission"
    __table_args__ = (
        # The moderation queue reads pages of these in order: keyset pagination needs them.
        Index("ix_submission_status_created", "status", "created_at", "id"),
        Index("ix_submission_created", "created_at", "id"),
        Index("ix_submission_safeguarding", "safeguarding_state", "created_at"),
        # The waiting part of the moderation queue, in due-date order (moderation issue).
        Index(
            "ix_submission_open_queue", "due_on", "created_at", "id",
            sqlite_where=text("status IN ('received', 'in_review')"),
            postgresql_where=text("status IN ('received', 'in_review')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored without dashes, upper case: "7K3Q94MD" is shown as YP-7K3Q-94MD.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # One per draft: a replayed or double-clicked submit finds the row already made.
    draft_token: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(20), default="adult")
    channel: Mapped[str] = mapped_column(String(20), default="online")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"), index=True)  # None: something else
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    area_choice: Mapped[str] = mapped_column(String(20), default="area")  # area / elsewhere / prefer_not
    body: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    age_band: Mapped[str | None] = mapped_column(String(20))
    care_experienced: Mapped[str | None] = mapped_column(String(20))  # yes / no / prefer_not
    status: Mapped[str] = mapped_column(String(20), default="received")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    # The wording a moderator approved for publication; the original body stays private.
    public_text: Mapped[str | None] = mapped_column(Text)
    safeguarding_state: Mapped[str] = mapped_column(String(20), default="none")
    safeguarding_categories: Mapped[str | None] = mapped_column(String(200))  # comma-separated
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_on: Mapped[date] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"), index=True)

    theme: Mapped[Theme | None] = relationship(lazy="joined")
    area: Mapped[Area | None] = relationship(lazy="joined")

    @property
    def display_reference(self) -> str:
        from portal.feedback.references import format_reference

        return format_reference(self.reference)


class EqualityAnswers(db.Model):
    """Optional equality monitoring, deliberately NOT linked to the feedback text.

    Only the theme, area, audience and month travel with the answers, so they can be
    analysed ("who is taking part?") but never read beside what someone wrote.
    """

    __tablename__ = "equality_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(20))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    month: Mapped[date] = mapped_column(Date)
    age: Mapped[str | None] = mapped_column(String(30))
    sex: Mapped[str | None] = mapped_column(String(30))
    gender_identity_same: Mapped[str | None] = mapped_column(String(30))
    sexual_orientation: Mapped[str | None] = mapped_column(String(40))
    disability: Mapped[str | None] = mapped_column(String(30))
    religion: Mapped[str | None] = mapped_column(String(40))
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    ethnic_background: Mapped[str | None] = mapped_column(String(80))
    ethnic_background_other: Mapped[str | None] = mapped_column(String(200))
    marriage: Mapped[str | None] = mapped_column(String(40))
    pregnancy: Mapped[str | None] = mapped_column(String(30))
    low_income: Mapped[str | None] = mapped_column(String(30))


class SafeguardingPhrase(db.Model):
    """Words that suggest someone is at risk. Data, so an admin can add to them."""

    __tablename__ = "safeguarding_phrase"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(120), unique=True)
    # child_at_risk / abuse / self_harm / threat / hate_crime
    category: Mapped[str] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)
