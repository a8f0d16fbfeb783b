"""Forms for the advisory group's staff screens: a move's note, the fair draw's
characteristic, a quarterly meeting and a focus group invitation. Validation only: the
views call the services. CSRF is on every posted form (CSRFProtect)."""

import re
from datetime import date

from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.advisory import draw
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.shared.forms import ChoiceField, Form
from portal.shared.text import drop_nul, strip_surrounding_space
from portal.timeutil import uk_today

NOTE_MAX = 500
PLACE_MAX = 200  # Meeting.place, Invitation.place
TITLE_MAX = 200  # Invitation.title
AGENDA_MAX = 5000
DETAILS_MAX = 2000

_TEXT = [drop_nul, strip_surrounding_space]  # NUL characters out (PostgreSQL cannot store them)


class MoveForm(Form):
    """The note that goes with a move (the move itself is the button pressed)."""

    note = TextAreaField(filters=_TEXT, validators=[
        Optional(), Length(max=NOTE_MAX, message=_l("The note must be %(max)s characters or fewer", max=NOTE_MAX)),
    ])


class DrawForm(Form):
    characteristic = RadioField(validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.characteristic.choices = [(key, _(reference.label)) for key, reference in draw.REFERENCES.items()]


class _DatedForm(Form):
    """A GOV.UK date input (day, month, year), read into `held_on`. Errors go on the day
    field, whose id the error summary links to."""

    held_day = StringField(filters=[strip_surrounding_space])
    held_month = StringField(filters=[strip_surrounding_space])
    held_year = StringField(filters=[strip_surrounding_space])
    # Names this filling-in of the form, so sending it twice makes one, not two.
    once = HiddenField()

    missing = _l("Enter the date of the meeting")
    problem = _l("The date of the meeting must be a real date, for example 27 3 2026")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.held_on: date | None = None

    def check_range(self, held_on: date, today: date) -> None:
        if abs((held_on - today).days) > 2 * 366:
            raise ValidationError(_("The date of the meeting must be within two years of today"))

    def validate_held_day(self, field):
        parts = [self.held_day.data or "", self.held_month.data or "", self.held_year.data or ""]
        if not any(parts):
            raise ValidationError(str(self.missing))
        if not (re.fullmatch(r"[0-9]{1,2}", parts[0]) and re.fullmatch(r"[0-9]{1,2}", parts[1])
                and re.fullmatch(r"[0-9]{4}", parts[2])):
            raise ValidationError(str(self.problem))
        try:
            held_on = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValidationError(str(self.problem)) from None
        self.check_range(held_on, uk_today())
        self.held_on = held_on


class MeetingForm(_DatedForm):
    place = StringField(filters=_TEXT, validators=[
        DataRequired(_l("Enter where the meeting is")),
        Length(max=PLACE_MAX, message=_l("Where the meeting is must be %(max)s characters or fewer", max=PLACE_MAX)),
    ])
    agenda = TextAreaField(filters=_TEXT, validators=[
        Optional(),
        Length(max=AGENDA_MAX, message=_l("The agenda must be %(max)s characters or fewer", max=AGENDA_MAX)),
    ])


class InvitationForm(_DatedForm):
    title = StringField(filters=_TEXT, validators=[
        DataRequired(_l("Enter the title of the focus group")),
        Length(max=TITLE_MAX, message=_l("The title must be %(max)s characters or fewer", max=TITLE_MAX)),
    ])
    details = TextAreaField(filters=_TEXT, validators=[
        Optional(),
        Length(max=DETAILS_MAX, message=_l("The details must be %(max)s characters or fewer", max=DETAILS_MAX)),
    ])
    place = StringField(filters=_TEXT, validators=[
        DataRequired(_l("Enter where the focus group is")),
        Length(max=PLACE_MAX, message=_l("Where the focus group is must be %(max)s characters or fewer",
                                         max=PLACE_MAX)),
    ])
    area = ChoiceField(message=_l("Choose an area from the list"))
    interest = ChoiceField(message=_l("Choose a topic from the list"))

    missing = _l("Enter the date of the focus group")
    problem = _l("The date of the focus group must be a real date, for example 27 3 2026")

    def __init__(self, pools, themes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.area.choices = [("", _("All areas")), *[(pool.key, pool.name) for pool in pools]]
        self.interest.choices = [("", _("Any topic")), *[(theme.slug, theme.local_name) for theme in themes]]

    def check_range(self, held_on: date, today: date) -> None:
        if held_on < today:
            raise ValidationError(_("The date of the focus group must be today or in the future"))
        if (held_on - today).days > 366:
            raise ValidationError(_("The date of the focus group must be within a year of today"))
