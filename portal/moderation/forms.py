"""Forms for the staff screens. CSRF is on every posted form (CSRFProtect); the queue's
filter form is a GET form, so it carries none."""

import wtforms
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.moderation.detection import check_pattern
from portal.moderation.kinds import all_kinds
from portal.moderation.models import AUDIENCES, SAFEGUARDING_OUTCOMES
from portal.moderation.safeguarding import comparable_pattern
from portal.moderation.services import NOTE_MAX, NOTE_MAX_SHOWN, ORDERS, QUEUE_STATUSES
from portal.shared.forms import ChoiceField, Form
from portal.shared.text import drop_nul, no_nul, strip_surrounding_space


class QueueFilterForm(wtforms.Form):
    """Read from the query string; WTForms only renders it, QueueFilters does the rules."""

    kind = ChoiceField(_l("Kind"))
    theme = ChoiceField(_l("Theme"))
    area = ChoiceField(_l("Area"))
    audience = ChoiceField(_l("Who sent it"))
    status = ChoiceField(_l("Status"))
    order = ChoiceField(_l("Order"))
    q = StringField(_l("Search the text"))
    overdue = BooleanField(_l("Past the target answer time"))
    flagged = BooleanField(_l("Flagged for safeguarding"))

    def __init__(self, formdata, themes, areas):
        super().__init__(formdata=formdata)
        # The values are the query string's; only the texts shown are translated.
        self.audience.choices = [("", _("Everyone")), *[(value, _(text)) for value, text in AUDIENCES.items()]]
        self.status.choices = [(value, _(text)) for value, text in QUEUE_STATUSES.items()]
        self.order.choices = [(value, _(text)) for value, text in ORDERS.items()]
        self.kind.choices = [("", _("Every kind")), *[(kind.name, _(kind.label)) for kind in all_kinds().values()]]
        self.theme.choices = [("", _("All themes")), *[(t.slug, t.local_name) for t in themes], ("none", _("Something else"))]
        self.area.choices = [("", _("All areas")), *[(a.slug, a.local_name) for a in areas], ("none", _("No area given"))]
        self.overdue.data = formdata.get("overdue") == "yes"
        self.flagged.data = formdata.get("flagged") == "yes"


class RedactionForm(Form):
    public_text = TextAreaField(
        _l("Public wording"),
        filters=[drop_nul],
        validators=[DataRequired(_l("Enter the public wording")),
                    Length(max=5000, message=_l("The public wording must be 5,000 characters or fewer"))],
    )
    remove_words = StringField(
        _l("Also remove these names or words"),
        filters=[drop_nul],
        validators=[Optional(), Length(max=500, message=_l("Keep the list to 500 characters or fewer"))],
    )

    def words(self) -> list[str]:
        return [word.strip() for word in (self.remove_words.data or "").split(",") if word.strip()]


class NoteForm(Form):
    note = TextAreaField(
        _l("Internal note"),
        filters=[drop_nul],
        validators=[DataRequired(_l("Write the note")),
                    Length(max=NOTE_MAX, message=_l("The note must be %(limit)s characters or fewer", limit=NOTE_MAX_SHOWN))],
    )


class SafeguardingOutcomeForm(Form):
    outcome = ChoiceField(
        _l("What was done?"),
        # The outcome labels stay plain text (they go into the audit log): translated when shown.
        choices=[(value, _l(text)) for value, text in SAFEGUARDING_OUTCOMES.items()],
        validators=[DataRequired(_l("Choose what was done"))],
        message=_l("Choose what was done"),
    )
    note = TextAreaField(
        _l("Notes (who you spoke to, reference numbers)"),
        filters=[drop_nul],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("The notes must be %(limit)s characters or fewer", limit=NOTE_MAX_SHOWN))],
    )


class PhraseForm(Form):
    """Add a word or phrase to the safeguarding list (admins and the safeguarding lead)."""

    phrase = StringField(filters=[strip_surrounding_space], validators=[
        Length(max=300, message=_l("The word or phrase must be 300 characters or fewer")),
        no_nul(_l("The word or phrase contains a character we cannot accept")),
    ])
    category = RadioField(validate_choice=False)

    def __init__(self, categories: dict[str, str], existing: set[str], **kwargs):
        super().__init__(**kwargs)
        self.category.choices = list(categories.items())  # the labels are lazy_gettext
        self.existing = existing

    def validate_phrase(self, field):
        cleaned = comparable_pattern(field.data or "")
        if not cleaned:
            raise ValidationError(_("Enter a word or phrase"))
        if check_pattern(field.data) is not None:
            raise ValidationError(_("The pattern cannot be used: check each “...”, “&”, “|” and “*” has a word "
                                    "beside it, and it is 300 characters or fewer"))
        if len(cleaned) < 3:
            raise ValidationError(_("The word or phrase must be at least 3 characters, or it will flag ordinary messages"))
        if cleaned in self.existing:
            raise ValidationError(_("That word or phrase is already on the list"))

    def validate_category(self, field):
        if (field.raw_data or [""])[0] not in dict(field.choices):
            raise ValidationError(_("Select what kind of concern it suggests"))
