"""The question pages of an application to the People's Advisory Group, and the forms
behind the links emailed to applicants and members."""

import re

from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.advisory.models import NAME_MAX, PHONE_MAX, TEXT_MAX
from portal.i18n import lazy_gettext as _l
from portal.shared.forms import EMAIL_MAX, Form
from portal.shared.text import clean_text, strip_surrounding_space

PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")


def _clean(value):
    return clean_text(value).strip() if isinstance(value, str) else value


class NameForm(Form):
    name = StringField(filters=[_clean], validators=[
        DataRequired(_l("Enter your name")),
        Length(max=NAME_MAX, message=_l("Your name must be %(max)s characters or fewer", max=NAME_MAX)),
    ])


class ContactForm(Form):
    email = StringField(filters=[strip_surrounding_space], validators=[
        Optional(),
        Length(max=EMAIL_MAX, message=_l("Email address must be 254 characters or fewer")),
        Email(_l("Enter an email address in the correct format, like name@example.com")),
    ])
    phone = StringField(filters=[strip_surrounding_space], validators=[
        Optional(),
        Length(max=PHONE_MAX, message=_l("Phone number must be %(max)s characters or fewer", max=PHONE_MAX)),
    ])

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data):
            raise ValidationError(_l("Enter a phone number, like 01274 431000 or 07700 900982"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.email.data and not self.phone.data:
            # On the first field, so the error summary links to it.
            self.email.errors = [*self.email.errors, _l("Enter an email address or a phone number, or both")]
            return False
        return valid


def _text(required: str, too_long: str, optional: bool = False):
    checks = [Optional()] if optional else [DataRequired(required)]
    return TextAreaField(filters=[_clean], validators=[*checks, Length(max=TEXT_MAX, message=too_long)])


class WhyForm(Form):
    why = _text(_l("Tell us why you want to join"), _l("Why you want to join must be 2,000 characters or fewer"))
    bring = _text(_l("Tell us what you would bring to the group"),
                  _l("What you would bring must be 2,000 characters or fewer"))
    website = StringField()  # the honeypot


class ManyForm(Form):
    """Checkboxes: any number of values from a fixed list; ``required_message`` makes one required."""

    answer = SelectMultipleField(validate_choice=False)

    def __init__(self, choices, required_message=None, **kwargs):
        super().__init__(**kwargs)
        self.answer.choices = list(choices)
        self.required_message = required_message

    def validate_answer(self, field):
        known = {value for value, _text in field.choices}
        field.data = [value for value in (field.data or []) if value in known]
        if not field.data and self.required_message:
            raise ValidationError(self.required_message)


class AccessForm(Form):
    access = _text("", _l("Access needs must be 2,000 characters or fewer"), optional=True)


class DeclarationForm(Form):
    has_interests = StringField()
    declaration = TextAreaField(filters=[_clean], validators=[
        Length(max=TEXT_MAX, message=_l("Your declaration must be 2,000 characters or fewer"))])

    def validate_has_interests(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Choose yes if you have interests to declare, or no"))

    def validate_declaration(self, field):
        if self.has_interests.data == "yes" and not field.data:
            raise ValidationError(_l("Tell us about your interests"))


class ConsentForm(Form):
    consent = BooleanField(validators=[DataRequired(_l("Tick the box to say we may contact you about the group"))])


class RefreshDeclarationForm(Form):
    declaration = TextAreaField(filters=[_clean], validators=[
        Length(max=TEXT_MAX, message=_l("Your declaration must be 2,000 characters or fewer"))])


class AnswerForm(Form):
    """Accept or decline an offer, yes or no to an invitation: the button pressed."""

    answer = StringField()

    def validate_answer(self, field):
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("Choose one of the buttons"))
