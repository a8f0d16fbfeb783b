"""The Atom feed of published answers. The feed's own words (its title, the status,
"You said") are in the language of the request; what the council wrote is shown as written."""

from datetime import datetime

from flask_babel import gettext as _

from portal.i18n import local_date
from portal.responses.models import RESPONSE_STATUSES, Response
from portal.shared.atom import AtomFeed


def build_feed(responses: list[Response], base_url: str, updated: datetime | None) -> bytes:
    feed = AtomFeed(base_url, "/you-said-we-did/feed.atom", "/you-said-we-did",
                    _("You said, we did – Your Place – Bradford District"),
                    _("What Bradford District Council did about what people told us."), updated,
                    _("Bradford District Council"))
    for response in responses:
        status = str(RESPONSE_STATUSES.get(response.status, response.status))
        lines = [_("You said: %(text)s", text=response.you_said), _("We did: %(text)s", text=response.we_did),
                 _("Status: %(status)s", status=status)]
        if response.status == "not_taken_forward" and response.reason:
            lines.append(_("Why not: %(text)s", text=response.reason))
        lines.append(_("Who is responsible: %(text)s", text=response.responsible))
        lines.append(_("Date: %(date)s", date=local_date(response.action_date)))
        if response.young_people_summary:
            lines.append(_("For young people: %(text)s", text=response.young_people_summary))
        feed.entry(f"/you-said-we-did/{response.id}", _("You said: %(text)s", text=response.you_said),
                   response.published_at, response.updated_at,
                   _("%(status)s. We did: %(text)s", status=status, text=response.we_did),
                   "\n\n".join(lines),
                   category=(response.theme.slug, response.theme.local_name) if response.theme else None)
    return feed.to_bytes()
