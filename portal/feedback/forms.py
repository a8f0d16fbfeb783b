"""The forms behind each question page. Validation only: the rules live in services.py.

Every choice is checked against an allow-list on the server (ASVS 2.2.1): a value
that was not offered gets the same message as no answer, and nothing is saved.
Text is kept exactly as typed; only its length, its emptiness and a NUL character
(which no database text column accepts) are refused.

Messages set when the module loads are lazy_gettext (translated when shown); those made
while a request is answered use gettext. Either way only the message is translated: the
values checked against stay plain.
"""

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.shared.forms import CheckForm, ChoiceForm, Form, ReplyForm  # noqa: F401  (the question pages')
from portal.shared.text import no_nul, strip_surrounding_space

BODY_MAX = 2000


class EthnicBackgroundForm(ChoiceForm):
    other = StringField(filters=[strip_surrounding_space], validators=[
        Length(max=200, message=_l("Your description must be 200 characters or fewer")),
        no_nul(_l("Your description contains a character we cannot accept. Remove it and try again")),
    ])


class MessageForm(Form):
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


class TrackForm(Form):
    """Look up a reference. A GET form, so no CSRF token: it changes nothing."""

    class Meta:
        csrf = False

    reference = StringField(validators=[no_nul(_l("Enter your reference number, like BD-7K3Q-94MD"))])
