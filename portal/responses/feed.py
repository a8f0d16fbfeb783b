"""The Atom feed of published answers (RFC 4287), built with ElementTree so every value
is escaped, with characters XML cannot carry removed first.

The feed's own words (its title, the status, "You said") are in the language of the
request, and the feed says which (xml:lang); what the council wrote is shown as written.
Ids never change with the language: a reader must not see an entry twice.
"""

import re
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask_babel import gettext as _

from portal.i18n import current_language, local_date
from portal.responses.models import RESPONSE_STATUSES, Response
from portal.timeutil import as_aware

ATOM = "http://www.w3.org/2005/Atom"
# XML 1.0 allows tab, newline, carriage return and most of Unicode, but not the other
# control characters, lone surrogates or U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _stamp(moment: datetime) -> str:
    return as_aware(moment).isoformat(timespec="seconds")


def _tag_id(base_url: str, path: str) -> str:
    """A permanent entry id: a tag: URI (RFC 4151) from the site's host, independent of
    http/https and of the page's address changing."""
    host = urlsplit(base_url).hostname or "yourplace.invalid"
    return f"tag:{host},2026:{path}"


def build_feed(responses: list[Response], base_url: str, updated: datetime | None) -> bytes:
    base_url = base_url.rstrip("/")
    ET.register_namespace("", ATOM)

    def sub(parent, name, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = _text(text)
        return element

    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": current_language().lang})
    sub(feed, "id", _tag_id(base_url, "you-said-we-did"))
    sub(feed, "title", _("You said, we did – Your Place – Bradford District"))
    sub(feed, "subtitle", _("What Bradford District Council did about what people told us."))
    sub(feed, "updated", _stamp(updated) if updated else "2026-01-01T00:00:00+00:00")
    author = sub(feed, "author")
    sub(author, "name", _("Bradford District Council"))
    sub(feed, "link", rel="self", type="application/atom+xml", href=f"{base_url}/you-said-we-did/feed.atom")
    sub(feed, "link", rel="alternate", type="text/html", href=f"{base_url}/you-said-we-did")

    for response in responses:
        url = f"{base_url}/you-said-we-did/{response.id}"
        entry = sub(feed, "entry")
        sub(entry, "id", _tag_id(base_url, f"you-said-we-did/{response.id}"))
        sub(entry, "title", _("You said: %(text)s", text=response.you_said)[:300])
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "published", _stamp(response.published_at))
        sub(entry, "updated", _stamp(response.updated_at or response.published_at))
        if response.theme:
            sub(entry, "category", term=response.theme.slug, label=_text(response.theme.local_name))
        status = str(RESPONSE_STATUSES.get(response.status, response.status))
        sub(entry, "summary", _("%(status)s. We did: %(text)s", status=status, text=response.we_did)[:1000])
        lines = [_("You said: %(text)s", text=response.you_said), _("We did: %(text)s", text=response.we_did),
                 _("Status: %(status)s", status=status)]
        if response.status == "not_taken_forward" and response.reason:
            lines.append(_("Why not: %(text)s", text=response.reason))
        lines.append(_("Who is responsible: %(text)s", text=response.responsible))
        lines.append(_("Date: %(date)s", date=local_date(response.action_date)))
        if response.young_people_summary:
            lines.append(_("For young people: %(text)s", text=response.young_people_summary))
        sub(entry, "content", "\n\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
