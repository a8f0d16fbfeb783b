"""Form fields more than one capability uses."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

CHOOSE_ONE = _l("Choose one of the options")


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
