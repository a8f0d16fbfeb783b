"""The forms behind each question page. Validation only: the rules live in services.py.

Every choice is checked against an allow-list on the server (ASVS 2.2.1): a value
that was not offered gets the same message as no answer, and nothing is saved.
Text is kept exactly as typed; only its length, its emptiness and a NUL character
(which no database text column accepts) are refused.

Messages set when the module loads are lazy_gettext (translated when shown); those made
while a request is answered use gettext. Either way only the message is translated: the
values checked against stay plain.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, Length, Optional, ValidationError

from portal.shared.text import no_nul, strip_surrounding_space

BODY_MAX = 2000
EMAIL_MAX = 254


class ChoiceForm(FlaskForm):
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


class EthnicBackgroundForm(ChoiceForm):
    other = StringField(filters=[strip_surrounding_space], validators=[
        Length(max=200, message=_l("Your description must be 200 characters or fewer")),
        no_nul(_l("Your description contains a character we cannot accept. Remove it and try again")),
    ])


class MessageForm(FlaskForm):
    body = TextAreaField()
    # Hidden from people and screen readers (see the honeypot macro); bots fill it in.
    website = StringField()

    def __init__(self, empty_message: str, too_long_message: str, **kwargs):
        super().__init__(**kwargs)
        self.empty_message = empty_message
        self.too_long_message = too_long_message

    def validate_body(self, field):
        text = field.data or ""
        if not text.strip():
            raise ValidationError(self.empty_message)
        if len(text) > BODY_MAX:
            raise ValidationError(self.too_long_message)
        if "\x00" in text:
            raise ValidationError(_("What you wrote contains a character we cannot accept. Remove it and try again"))


class ReplyForm(FlaskForm):
    email = StringField(filters=[strip_surrounding_space], validators=[
        Optional(),
        Length(max=EMAIL_MAX, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address in the correct format, like name@example.com")),
    ])


class CheckForm(FlaskForm):
    """Check answers: the draft it was shown for, so a stale or replayed page is caught."""

    draft_token = HiddenField()
    website = StringField()


class TrackForm(FlaskForm):
    """Look up a reference. A GET form, so no CSRF token: it changes nothing."""

    class Meta:
        csrf = False

    reference = StringField(validators=[no_nul(_l("Enter your reference number, like BD-7K3Q-94MD"))])
