"""What residents and young people tell us, and the equality answers kept apart from it."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.moderation.models import ModerationItem

AGE_BANDS = {
    "under_13": "Under 13",
    "13_15": "13 to 15",
    "16_17": "16 or 17",
    "18_25_care": "18 to 25 and care-experienced",
}


class Submission(ModerationItem):
    """One piece of feedback ("you said"), from first receipt to its answer.

    Its moderation state (status, public wording, safeguarding, due date, answer) is the
    `moderation_item` row it shares its id with; this table holds what the person sent.
    """

    __tablename__ = "submission"
    __mapper_args__ = {"polymorphic_identity": "feedback", "polymorphic_load": "selectin"}

    id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id"), primary_key=True)
    # Stored without dashes, upper case: "7K3Q94MD" is shown as BD-7K3Q-94MD.
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # One per draft: a replayed or double-clicked submit finds the row already made.
    draft_token: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="online")
    area_choice: Mapped[str] = mapped_column(String(20), default="area")  # area / elsewhere / prefer_not
    body: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    age_band: Mapped[str | None] = mapped_column(String(20))
    care_experienced: Mapped[str | None] = mapped_column(String(20))  # yes / no / prefer_not

    @property
    def display_reference(self) -> str:
        from portal.shared.references import format_reference

        return format_reference(self.reference)

    @property
    def original_text(self) -> str:
        return self.body


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
