"""Atom feeds (RFC 4287), built with ElementTree so every value is escaped, with the
characters XML cannot carry removed first. Used by "you said, we did" and the idea board.

The feed's own words are in the language of the request, and the feed says which
(xml:lang). Ids never change with the language: a reader must not see an entry twice.
"""

import re
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from portal.i18n import current_language
from portal.timeutil import as_aware

ATOM = "http://www.w3.org/2005/Atom"
# XML 1.0 allows tab, newline, carriage return and most of Unicode, but not the other
# control characters, lone surrogates or U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def stamp(moment: datetime) -> str:
    return as_aware(moment).isoformat(timespec="seconds")


def tag_id(base_url: str, path: str) -> str:
    """A permanent entry id: a tag: URI (RFC 4151) from the site's host, independent of
    http/https and of the page's address changing."""
    host = urlsplit(base_url).hostname or "yourplace.invalid"
    return f"tag:{host},2026:{path}"


class AtomFeed:
    def __init__(self, base_url: str, path: str, html_path: str, title: str, subtitle: str,
                 updated: datetime | None, author: str):
        self.base_url = base_url.rstrip("/")
        ET.register_namespace("", ATOM)
        self.feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": current_language().lang})
        self._sub(self.feed, "id", tag_id(self.base_url, html_path.strip("/")))
        self._sub(self.feed, "title", title)
        self._sub(self.feed, "subtitle", subtitle)
        self._sub(self.feed, "updated", stamp(updated) if updated else "2026-01-01T00:00:00+00:00")
        self._sub(self._sub(self.feed, "author"), "name", author)
        self._sub(self.feed, "link", rel="self", type="application/atom+xml", href=self.base_url + path)
        self._sub(self.feed, "link", rel="alternate", type="text/html", href=self.base_url + html_path)

    @staticmethod
    def _sub(parent, name, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
        if text is not None:
            element.text = xml_text(text)
        return element

    def entry(self, path: str, title: str, published: datetime, updated: datetime | None, summary: str,
              content: str, category: tuple[str, str] | None = None) -> None:
        entry = self._sub(self.feed, "entry")
        self._sub(entry, "id", tag_id(self.base_url, path.strip("/")))
        self._sub(entry, "title", title[:300])
        self._sub(entry, "link", rel="alternate", type="text/html", href=self.base_url + path)
        self._sub(entry, "published", stamp(published))
        self._sub(entry, "updated", stamp(updated or published))
        if category:
            self._sub(entry, "category", term=category[0], label=xml_text(category[1]))
        self._sub(entry, "summary", summary[:1000])
        self._sub(entry, "content", content, type="text")

    def to_bytes(self) -> bytes:
        return ET.tostring(self.feed, encoding="utf-8", xml_declaration=True)
