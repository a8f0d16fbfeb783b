"""The Atom feed of published answers (RFC 4287). The feed's own words (its title, the
status, "You said") are in the language of the request; what the council wrote is shown
as written.

Written as text rather than through ElementTree (whose serialiser was half the feed's
time): every value goes through `_text` or `_attr`, which drop the characters XML cannot
carry (portal.shared.atom.xml_text) and escape the rest, so the feed stays well-formed
whatever an answer says. Ids and stamps are those of portal.shared.atom, so readers see the
same entries as before.
"""

from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from portal.i18n import N_, current_language, local_date, translate
from portal.i18n import gettext as _
from portal.responses.models import RESPONSE_STATUSES, Response
from portal.shared.atom import ATOM, stamp, tag_id, xml_text

FEED_PATH = "/you-said-we-did/feed.atom"
HTML_PATH = "/you-said-we-did"
# What each entry says around the council's words (N_: found by the translators' tools).
ENTRY_WORDS = {
    "you_said": N_("You said: %(text)s"),
    "we_did": N_("We did: %(text)s"),
    "status": N_("Status: %(status)s"),
    "why_not": N_("Why not: %(text)s"),
    "responsible": N_("Who is responsible: %(text)s"),
    "date": N_("Date: %(date)s"),
    "young_people": N_("For young people: %(text)s"),
    "summary": N_("%(status)s. We did: %(text)s"),
}


def _text(value: str | None) -> str:
    return escape(xml_text(value))


def _attr(value: str | None) -> str:
    return quoteattr(xml_text(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def build_feed(responses: list[Response], base_url: str, updated: datetime | None) -> bytes:
    base = base_url.rstrip("/")
    parts = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        f"<feed xmlns={_attr(ATOM)} xml:lang={_attr(current_language().lang)}>",
        f"<id>{_text(tag_id(base, HTML_PATH.strip('/')))}</id>",
        f"<title>{_text(_('You said, we did – Your Place – Bradford District'))}</title>",
        f"<subtitle>{_text(_('What Bradford District Council did about what people told us.'))}</subtitle>",
        f"<updated>{stamp(updated) if updated else '2026-01-01T00:00:00+00:00'}</updated>",
        f"<author><name>{_text(_('Bradford District Council'))}</name></author>",
        f'<link rel="self" type="application/atom+xml" href={_attr(base + FEED_PATH)} />',
        f'<link rel="alternate" type="text/html" href={_attr(base + HTML_PATH)} />',
    ]
    separator = "\n\n"
    statuses = {key: str(label) for key, label in RESPONSE_STATUSES.items()}
    # Each phrase looked up once for the feed, not once an entry (half the feed's time).
    words = {key: translate(phrase) for key, phrase in ENTRY_WORDS.items()}
    for response in responses:
        status = statuses.get(response.status, response.status)
        you_said = words["you_said"] % {"text": response.you_said}
        lines = [you_said, words["we_did"] % {"text": response.we_did}, words["status"] % {"status": status}]
        if response.status == "not_taken_forward" and response.reason:
            lines.append(words["why_not"] % {"text": response.reason})
        lines.append(words["responsible"] % {"text": response.responsible})
        lines.append(words["date"] % {"date": local_date(response.action_date)})
        if response.young_people_summary:
            lines.append(words["young_people"] % {"text": response.young_people_summary})
        path = f"/you-said-we-did/{response.id}"
        summary = words["summary"] % {"status": status, "text": response.we_did}
        parts.append(
            f"<entry><id>{_text(tag_id(base, path.strip('/')))}</id>"
            f"<title>{_text(you_said[:300])}</title>"
            f'<link rel="alternate" type="text/html" href={_attr(base + path)} />'
            f"<published>{stamp(response.published_at)}</published>"
            f"<updated>{stamp(response.updated_at or response.published_at)}</updated>"
        )
        if response.theme:
            parts.append(f"<category term={_attr(response.theme.slug)} label={_attr(response.theme.local_name)} />")
        parts.append(f"<summary>{_text(summary[:1000])}</summary>"
                     f'<content type="text">{_text(separator.join(lines))}</content></entry>')
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")
