"""Forms for the admin screens (CSRF on every one). Staff screens are in English; the
strings are marked so they could be translated."""

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.shared.forms import ChoiceField, Form
from portal.shared.text import drop_nul, strip_surrounding_space
from portal.staff.models import ROLE_LABELS

ROLE_HINTS = {
    "facilitator": _l("Sees the advisory group's members, meetings and focus groups."),
    "moderator": _l("Reviews, hides, redacts and answers everything that comes in."),
    "safeguarding_lead": _l("A moderator who also sees and acts on safeguarding flags."),
    "admin": _l("Everything, and these admin screens."),
}


POSITION_MESSAGE = _l("Enter the position as a whole number from 1 to 99, like 1 for first")


def _role_choices():
    return list(ROLE_LABELS.items())


def role_items() -> list[dict]:
    """The role radios, each with what that role may do."""
    return [{"value": value, "text": _(label), "hint": ROLE_HINTS[value]} for value, label in ROLE_LABELS.items()]


class InviteForm(Form):
    email = EmailField(_l("Email address"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter their work email address")), Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        Email(message=_l("Enter an email address in the correct format, like name@bradford.gov.uk"))])
    name = StringField(_l("Name"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter the name other staff will see")), Length(max=120, message=_l("Name must be 120 characters or fewer"))])
    role = ChoiceField(_l("Role"), choices=_role_choices(), validators=[DataRequired(_l("Choose a role"))],
                       message=_l("Choose a role"))


class RoleForm(Form):
    role = ChoiceField(_l("Role"), choices=_role_choices(), validators=[DataRequired(_l("Choose a role"))],
                       message=_l("Choose a role"))


class ReasonForm(Form):
    """Why an admin is resetting someone's authenticator (kept in the audit log)."""

    reason = TextAreaField(_l("Why"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Say why, for the audit log: for example, how they asked and how you checked it was them")),
        Length(max=500, message=_l("Keep it to 500 characters or fewer"))])


class ThemeForm(Form):
    name = StringField(_l("Name"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter the theme's name")), Length(max=120, message=_l("Name must be 120 characters or fewer"))])
    description = TextAreaField(_l("Description"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter a one-sentence description")),
        Length(max=400, message=_l("Description must be 400 characters or fewer"))])
    plain_description = TextAreaField(_l("In plain words for young people"), filters=[drop_nul, strip_surrounding_space], validators=[
        Optional(), Length(max=300, message=_l("Plain words must be 300 characters or fewer"))])
    pillar = ChoiceField(_l("Pillar"), validators=[DataRequired(_l("Choose a pillar"))], message=_l("Choose a pillar"))
    position = StringField(_l("Position in lists"), filters=[strip_surrounding_space], validators=[
        DataRequired(_l("Enter a position, like 1 for first")), Regexp(r"^[1-9][0-9]?$", message=POSITION_MESSAGE)])


class AreaForm(Form):
    name = StringField(_l("Name"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter the area's name")), Length(max=80, message=_l("Name must be 80 characters or fewer"))])
    position = StringField(_l("Position in lists"), filters=[strip_surrounding_space], validators=[
        DataRequired(_l("Enter a position, like 1 for first")), Regexp(r"^[1-9][0-9]?$", message=POSITION_MESSAGE)])


class SettingForm(Form):
    """The number is checked against the setting's own limits by the service."""

    value = StringField(_l("Value"), filters=[drop_nul, strip_surrounding_space], validators=[
        DataRequired(_l("Enter a number")), Length(max=10, message=_l("Enter a whole number"))])
