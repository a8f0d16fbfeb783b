"""Form fields and question-page forms more than one capability uses."""

from functools import cache

from babel.support import Translations
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Email, Length, Optional, ValidationError

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.shared.text import strip_surrounding_space

EMAIL_MAX = 254

CHOOSE_ONE = _l("Choose one of the options")


@cache
def wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    """Every form's base. WTForms' own messages come in the page's language from one copy
    per process: Flask-WTF would read the catalogue from disk for every request."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations(str(get_locale() or "en"))


class ChoiceField(StringField):
    """One value from a fixed list of (value, text) pairs, as the form macros expect.

    WTForms' own SelectField and RadioField deprecate plain tuple choices; this keeps the
    pairs and checks the value itself.
    """

    def __init__(self, label=None, validators=None, choices=(), message=CHOOSE_ONE, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices = list(choices)
        self.message = message

    def pre_validate(self, form):
        if self.data and self.data not in {str(value) for value, _text in self.choices}:
            raise ValidationError(self.message)


class ChoiceForm(Form):
    """One radio question. ``required_message=None`` makes the answer optional."""

    answer = RadioField(validate_choice=False)

    def __init__(self, choices: list[tuple[str, str]], required_message: str | None,
                 invalid_message: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.answer.choices = choices
        self.required_message = required_message
        self.invalid_message = invalid_message or required_message or _("Select one of the options")

    def validate_answer(self, field):
        raw = (field.raw_data or [""])[0]
        if raw == "":
            field.data = None
            if self.required_message:
                raise ValidationError(self.required_message)
            return
        if raw not in {str(value) for value, _label in field.choices}:
            raise ValidationError(self.invalid_message)
        field.data = raw


class ReplyForm(Form):
    email = StringField(filters=[strip_surrounding_space], validators=[
        Optional(),
        Length(max=EMAIL_MAX, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address in the correct format, like name@example.com")),
    ])


class CheckForm(Form):
    """Check answers: the draft it was shown for, so a stale or replayed page is caught."""

    draft_token = HiddenField()
    website = StringField()
