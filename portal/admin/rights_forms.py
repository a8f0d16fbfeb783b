"""Forms for the people's data screens (portal/admin/rights.py)."""

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.admin.rights_service import REASON_MAX
from portal.core.retention import QueryError, parse_query
from portal.i18n import lazy_gettext as _l
from portal.shared.forms import Form


def _a_query(form, field):
    try:
        parse_query(field.data)
    except QueryError as error:
        raise ValidationError(_l(str(error))) from error


class SearchForm(Form):
    """A GET form (nothing changes), so no CSRF token: the address can be bookmarked."""

    class Meta:
        csrf = False

    q = StringField(_l("Reference number or email address"), validators=[_a_query])


class EraseForm(Form):
    q = HiddenField(validators=[_a_query])
    reason = TextAreaField(_l("Why is this being erased?"), validators=[
        InputRequired(_l("Enter why this is being erased")),
        Length(max=REASON_MAX, message=_l("Enter a reason of %(max)d characters or fewer", max=REASON_MAX)),
    ])
