"""The response form: "you said", "we did", status and reason, who, when, the young
people's summary. Drafts may be saved half done; publishing needs every field."""

import re
from datetime import date

from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.moderation.forms import ChoiceField, drop_nul
from portal.responses.models import RESPONSE_STATUSES
from portal.responses.services import ResponseFields, problems_for_publishing
from portal.shared.forms import Form

# Translated where they are shown (the edit page).
STATUS_HINTS = {
    "planned": N_("We have agreed to do it and said when."),
    "in_progress": N_("Work has started."),
    "done": N_("It has happened."),
    "not_taken_forward": N_("We will not do it. You must say why."),
}
DATE_PROBLEM = N_("The date must be a real date, for example 27 3 2026")


class ResponseForm(Form):
    you_said = TextAreaField(_l("You said"), filters=[drop_nul], validators=[Optional(), Length(max=2000, message=_l("\"You said\" must be 2,000 characters or fewer"))])
    we_did = TextAreaField(_l("We did"), filters=[drop_nul], validators=[Optional(), Length(max=5000, message=_l("\"We did\" must be 5,000 characters or fewer"))])
    status = ChoiceField(_l("Status"), choices=list(RESPONSE_STATUSES.items()),
                         validators=[Optional()], default="planned", message=_l("Choose the status"))
    reason = TextAreaField(_l("Why it was not taken forward"), filters=[drop_nul], validators=[Optional(), Length(max=2000, message=_l("The reason must be 2,000 characters or fewer"))])
    responsible = StringField(_l("Service or role responsible"), filters=[drop_nul], validators=[Optional(), Length(max=200, message=_l("The service or role must be 200 characters or fewer"))])
    action_day = StringField(_l("Day"), filters=[drop_nul], validators=[Optional(), Length(max=2)])
    action_month = StringField(_l("Month"), filters=[drop_nul], validators=[Optional(), Length(max=2)])
    action_year = StringField(_l("Year"), filters=[drop_nul], validators=[Optional(), Length(max=4)])
    young_people_summary = TextAreaField(_l("Summary for young people"), filters=[drop_nul], validators=[Optional(), Length(max=1000, message=_l("The young people's summary must be 1,000 characters or fewer"))])
    theme = ChoiceField(_l("Theme"), validators=[Optional()], message=_l("Choose a theme from the list"))
    note = TextAreaField(_l("What has changed"), filters=[drop_nul], validators=[Optional(), Length(max=2000, message=_l("The note must be 2,000 characters or fewer"))])

    def __init__(self, themes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme.choices = [("", _("Something else (no theme)")), *[(t.slug, t.local_name) for t in themes]]
        self._theme_ids = {t.slug: t.id for t in themes}

    @classmethod
    def for_response(cls, response, themes):
        action = response.action_date
        return cls(
            themes,
            formdata=None,
            data={
                "you_said": response.you_said,
                "we_did": response.we_did,
                "status": response.status,
                "reason": response.reason or "",
                "responsible": response.responsible,
                "action_day": str(action.day) if action else "",
                "action_month": str(action.month) if action else "",
                "action_year": str(action.year) if action else "",
                "young_people_summary": response.young_people_summary or "",
                "theme": response.theme.slug if response.theme else "",
            },
        )

    def action_date(self) -> date | None:
        parts = [(self.action_day.data or "").strip(), (self.action_month.data or "").strip(), (self.action_year.data or "").strip()]
        if not any(parts):
            return None
        if not all(re.fullmatch(r"[0-9]{1,4}", part) for part in parts) or len(parts[2]) != 4:
            raise ValueError(DATE_PROBLEM)
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(DATE_PROBLEM) from None

    def fields(self) -> ResponseFields:
        """The values, for the service. Call after validate(); a bad date is an error there."""
        try:
            action = self.action_date()
        except ValueError:
            action = None
        return ResponseFields(
            you_said=self.you_said.data or "",
            we_did=self.we_did.data or "",
            status=self.status.data if self.status.data in RESPONSE_STATUSES else "planned",
            reason=self.reason.data or "",
            responsible=self.responsible.data or "",
            action_date=action,
            young_people_summary=self.young_people_summary.data or "",
            theme_id=self._theme_ids.get(self.theme.data or ""),
        )

    def check(self, publishing: bool) -> bool:
        """WTForms validation, the date, and (for publishing) every required field."""
        valid = self.validate()
        if self.status.data and self.status.data not in RESPONSE_STATUSES:
            self.status.errors = [_("Choose the status")]
            valid = False
        try:
            self.action_date()
        except ValueError as error:
            self.action_day.errors = [_(str(error))]
            valid = False
        if publishing:
            field_for = {"action_date": "action_day"}
            for name, message in problems_for_publishing(self.fields()).items():
                field = getattr(self, field_for.get(name, name))
                if not field.errors:
                    field.errors = [message]
                valid = False
        return valid
