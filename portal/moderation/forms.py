"""Forms for the staff screens. CSRF is on every posted form (CSRFProtect); the queue's
filter form is a GET form, so it carries none."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.feedback.models import AUDIENCES
from portal.moderation.models import SAFEGUARDING_OUTCOMES
from portal.moderation.services import KINDS, NOTE_MAX, ORDERS, QUEUE_STATUSES


class QueueFilterForm(Form):
    """Read from the query string; WTForms only renders it, QueueFilters does the rules."""

    kind = SelectField("Kind", choices=list(KINDS.items()))
    theme = SelectField("Theme")
    area = SelectField("Area")
    audience = SelectField("Who sent it", choices=[("", "Everyone"), *AUDIENCES.items()])
    status = SelectField("Status", choices=list(QUEUE_STATUSES.items()))
    order = SelectField("Order", choices=list(ORDERS.items()))
    q = StringField("Search the text")
    overdue = BooleanField("Past the target answer time")
    flagged = BooleanField("Flagged for safeguarding")

    def __init__(self, formdata, themes, areas):
        super().__init__(formdata=formdata)
        self.theme.choices = [("", "All themes"), *[(t.slug, t.name) for t in themes], ("none", "Something else")]
        self.area.choices = [("", "All areas"), *[(a.slug, a.name) for a in areas], ("none", "No area given")]
        self.overdue.data = formdata.get("overdue") == "yes"
        self.flagged.data = formdata.get("flagged") == "yes"


class RedactionForm(FlaskForm):
    public_text = TextAreaField(
        "Public wording",
        validators=[DataRequired("Enter the public wording"), Length(max=5000, message="The public wording must be 5,000 characters or fewer")],
    )
    remove_words = StringField(
        "Also remove these names or words",
        validators=[Optional(), Length(max=500, message="Keep the list to 500 characters or fewer")],
    )

    def words(self) -> list[str]:
        return [word.strip() for word in (self.remove_words.data or "").split(",") if word.strip()]


class NoteForm(FlaskForm):
    note = TextAreaField(
        "Internal note",
        validators=[DataRequired("Write the note"), Length(max=NOTE_MAX, message=f"The note must be {NOTE_MAX:,} characters or fewer")],
    )


class SafeguardingOutcomeForm(FlaskForm):
    outcome = RadioField(
        "What was done?",
        choices=list(SAFEGUARDING_OUTCOMES.items()),
        validators=[DataRequired("Choose what was done")],
    )
    note = TextAreaField(
        "Notes (who you spoke to, reference numbers)",
        validators=[Optional(), Length(max=NOTE_MAX, message=f"The notes must be {NOTE_MAX:,} characters or fewer")],
    )
