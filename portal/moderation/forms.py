"""Forms for the staff screens. CSRF is on every posted form (CSRFProtect); the queue's
filter form is a GET form, so it carries none."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.moderation.kinds import all_kinds
from portal.moderation.models import AUDIENCES, SAFEGUARDING_OUTCOMES
from portal.moderation.safeguarding import normalise
from portal.moderation.services import NOTE_MAX, ORDERS, QUEUE_STATUSES
from portal.shared.forms import ChoiceField
from portal.shared.text import drop_nul, no_nul, strip_surrounding_space


class QueueFilterForm(Form):
    """Read from the query string; WTForms only renders it, QueueFilters does the rules."""

    kind = ChoiceField("Kind")
    theme = ChoiceField("Theme")
    area = ChoiceField("Area")
    audience = ChoiceField("Who sent it", choices=[("", "Everyone"), *AUDIENCES.items()])
    status = ChoiceField("Status", choices=list(QUEUE_STATUSES.items()))
    order = ChoiceField("Order", choices=list(ORDERS.items()))
    q = StringField("Search the text")
    overdue = BooleanField("Past the target answer time")
    flagged = BooleanField("Flagged for safeguarding")

    def __init__(self, formdata, themes, areas):
        super().__init__(formdata=formdata)
        self.kind.choices = [("", "Every kind"), *[(kind.name, kind.label) for kind in all_kinds().values()]]
        self.theme.choices = [("", "All themes"), *[(t.slug, t.name) for t in themes], ("none", "Something else")]
        self.area.choices = [("", "All areas"), *[(a.slug, a.name) for a in areas], ("none", "No area given")]
        self.overdue.data = formdata.get("overdue") == "yes"
        self.flagged.data = formdata.get("flagged") == "yes"


class RedactionForm(FlaskForm):
    public_text = TextAreaField(
        "Public wording",
        filters=[drop_nul],
        validators=[DataRequired("Enter the public wording"), Length(max=5000, message="The public wording must be 5,000 characters or fewer")],
    )
    remove_words = StringField(
        "Also remove these names or words",
        filters=[drop_nul],
        validators=[Optional(), Length(max=500, message="Keep the list to 500 characters or fewer")],
    )

    def words(self) -> list[str]:
        return [word.strip() for word in (self.remove_words.data or "").split(",") if word.strip()]


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Internal note",
        filters=[drop_nul],
        validators=[DataRequired("Write the note"), Length(max=NOTE_MAX, message=f"The note must be {NOTE_MAX:,} characters or fewer")],
    )


class SafeguardingOutcomeForm(FlaskForm):
    outcome = ChoiceField(
        "What was done?",
        choices=list(SAFEGUARDING_OUTCOMES.items()),
        validators=[DataRequired("Choose what was done")],
        message="Choose what was done",
    )
    note = TextAreaField(
        "Notes (who you spoke to, reference numbers)",
        filters=[drop_nul],
        validators=[Optional(), Length(max=NOTE_MAX, message=f"The notes must be {NOTE_MAX:,} characters or fewer")],
    )


class PhraseForm(FlaskForm):
    """Add a word or phrase to the safeguarding list (admins and the safeguarding lead)."""

    phrase = StringField(filters=[strip_surrounding_space], validators=[
        Length(max=120, message="The word or phrase must be 120 characters or fewer"),
        no_nul("The word or phrase contains a character we cannot accept"),
    ])
    category = RadioField(validate_choice=False)

    def __init__(self, categories: dict[str, str], existing: set[str], **kwargs):
        super().__init__(**kwargs)
        self.category.choices = list(categories.items())
        self.existing = existing

    def validate_phrase(self, field):
        cleaned = normalise(field.data or "")
        if not cleaned:
            raise ValidationError("Enter a word or phrase")
        if len(cleaned) < 3:
            raise ValidationError("The word or phrase must be at least 3 characters, or it will flag ordinary messages")
        if cleaned in self.existing:
            raise ValidationError("That word or phrase is already on the list")

    def validate_category(self, field):
        if (field.raw_data or [""])[0] not in dict(field.choices):
            raise ValidationError("Select what kind of concern it suggests")
