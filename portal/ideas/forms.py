"""The idea board's forms. Validation only: the rules live in services.py."""

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.i18n import local_number
from portal.ideas.models import BODY_MAX, TITLE_MAX
from portal.shared.forms import EMAIL_MAX, Form
from portal.shared.text import no_nul, strip_surrounding_space

BAD_CHARACTER = _l("What you wrote contains a character we cannot accept. Remove it and try again")


class IdeaForm(Form):
    title = StringField(filters=[strip_surrounding_space], validators=[
        DataRequired(_l("Give your idea a short name")),
        Length(max=TITLE_MAX, message=_l("The name of your idea must be %(max)s characters or fewer", max=TITLE_MAX)),
        no_nul(BAD_CHARACTER),
    ])
    body = TextAreaField()
    website = StringField()  # the honeypot: hidden from people, filled in by bots

    def validate_body(self, field):
        text = field.data or ""
        if not text.strip():
            raise ValidationError(_l("Say what your idea is and why it would help"))
        if len(text) > BODY_MAX:
            # Formatted now, in the page's language ("2,000", "2 000", "2.000").
            raise ValidationError(_("Your idea must be %(max)s characters or fewer", max=local_number(BODY_MAX)))
        if "\x00" in text:
            raise ValidationError(BAD_CHARACTER)


class SupportForm(Form):
    """Support or withdraw: the action wanted, so a replayed post changes nothing.
    Cross-site posts are refused by their headers (portal/shared/origin.py), not a token."""

    class Meta:
        csrf = False

    action = HiddenField()
    next = HiddenField()


class VerifyEmailForm(Form):
    email = StringField(filters=[strip_surrounding_space], validators=[
        DataRequired(_l("Enter your email address")),
        Length(max=EMAIL_MAX, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address in the correct format, like name@example.com")),
    ])
    notify = BooleanField()


class VerifyCodeForm(Form):
    code = StringField(filters=[lambda value: "".join((value or "").split())], validators=[
        DataRequired(_l("Enter the 6-digit code from the email")),
    ])

    def validate_code(self, field):
        if not (len(field.data) == 6 and field.data.isascii() and field.data.isdigit()):
            raise ValidationError(_l("The code is 6 digits, like 123456"))
