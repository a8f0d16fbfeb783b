"""The rules of event mode: a facilitator's idea board at a street stall or a school hall.

An event has a short code typed from a poster (six characters from the references'
alphabet, so no 0/O or 1/I/L), a QR code for its page, and a state: draft → open →
closed (a closed event may be opened again, for a second day or a mistake). Only an open
event records anything; the views decide who may open and close one, these functions
audit it. No request code here: the views in events.py call these, and commit.
"""

import re
import secrets
from datetime import date
from xml.sax.saxutils import escape

import segno
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.core.models import Theme
from portal.extensions import db
from portal.ideas.models import Event, Idea, IdeaSupport
from portal.ideas.services import published
from portal.shared.pagination import Page, keyset_page
from portal.shared.references import ALPHABET
from portal.staff import audit
from portal.timeutil import utcnow

CODE_LENGTH = 6
CODE_ATTEMPTS = 10
NAME_MAX = 120
PLACE_MAX = 120
TOP_IDEAS = 3  # on the event page, per theme on show
STATES = ("draft", "open", "closed")

# Spaces, dashes of any kind, dots and underscores between the characters people type.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._/]+")


class EventError(Exception):
    """The event cannot be made or changed that way (the message says why, for staff)."""


# ---- codes -----------------------------------------------------------------------------


def new_code() -> str:
    """Six random characters: 31**6, about 887 million codes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str | None:
    """What someone typed -> the stored form, or None if it cannot be a code.

    Forgiving of case, spaces and dashes: 'k3q 94m', 'K3Q-94M' and 'k3q94m' all give 'K3Q94M'.
    """
    if not typed or len(typed) > 40:
        return None
    cleaned = _SEPARATORS.sub("", typed).upper()
    if len(cleaned) != CODE_LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    return cleaned


def find_by_code(typed: str | None) -> Event | None:
    code = normalise_code(typed)
    return db.session.scalar(select(Event).where(Event.code == code)) if code else None


# ---- making, opening and closing ------------------------------------------------------


def create_event(name: str, place: str, held_on: date, theme_ids: list[int], actor) -> Event:
    """A new event in draft, with a unique code (a collision, however unlikely, draws
    again), audited. Flushes; the caller commits."""
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids)).order_by(Theme.position)))
    if not name or not place or not themes or len(themes) != len(set(theme_ids)):
        raise EventError("An event needs a name, a place and at least one known theme.")
    for _attempt in range(CODE_ATTEMPTS):
        code = new_code()
        if db.session.scalar(select(Event.id).where(Event.code == code)) is not None:
            continue
        event = Event(code=code, name=name, place=place, held_on=held_on, state="draft",
                      created_by_id=actor.id if actor else None, created_at=utcnow(), themes=themes)
        try:
            with db.session.begin_nested():  # another facilitator may draw the same code at once
                db.session.add(event)
                db.session.flush()
        except IntegrityError:
            continue
        audit.record("event.created", "event", event.id, after=_audited(event), actor=actor)
        return event
    raise EventError("Could not find a free event code; try again.")


def open_event(event: Event, actor) -> bool:
    """Open a draft or closed event (audited). False if it was open already."""
    if event.state == "open":
        return False
    before = _audited(event)
    event.state = "open"
    event.opened_at = utcnow()
    event.closed_at = None
    audit.record("event.opened", "event", event.id, before=before, after=_audited(event), actor=actor)
    return True


def close_event(event: Event, actor) -> bool:
    """Close an open event (audited): from now on it records nothing. False if it was not open."""
    if event.state != "open":
        return False
    before = _audited(event)
    event.state = "closed"
    event.closed_at = utcnow()
    audit.record("event.closed", "event", event.id, before=before, after=_audited(event), actor=actor)
    return True


def _audited(event: Event) -> dict:
    return {"code": event.code, "name": event.name, "place": event.place, "held_on": event.held_on.isoformat(),
            "state": event.state, "themes": [theme.slug for theme in event.themes]}


# ---- reading ---------------------------------------------------------------------------


def events_page(after: str = "", before: str = "", page_size: int = 50) -> Page:
    """One page of events, the latest date first (keyset on date and id)."""
    return keyset_page(db.session, select(Event), (Event.held_on, Event.id), forward_from=after, back_from=before,
                       ascending=False, page_size=page_size)


def counts(event_ids: list[int]) -> dict[int, tuple[int, int]]:
    """event id -> (supports, ideas) recorded at it: two grouped queries, whatever the number.

    Supports a moderator voided as not genuine are not counted.
    """
    if not event_ids:
        return {}
    supports = dict(db.session.execute(
        select(IdeaSupport.event_id, func.count()).where(
            IdeaSupport.event_id.in_(event_ids), IdeaSupport.voided_at.is_(None)).group_by(IdeaSupport.event_id)).all())
    ideas = dict(db.session.execute(
        select(Idea.event_id, func.count(Idea.id)).where(Idea.event_id.in_(event_ids)).group_by(Idea.event_id)).all())
    return {event_id: (supports.get(event_id, 0), ideas.get(event_id, 0)) for event_id in event_ids}


def top_ideas(event: Event, per_theme: int = TOP_IDEAS) -> dict[int, list[Idea]]:
    """theme id -> the most supported published ideas under it, for each theme on show:
    one query, ranked per theme in the database."""
    theme_ids = [theme.id for theme in event.themes]
    if not theme_ids:
        return {}
    rank = func.row_number().over(partition_by=Idea.theme_id,
                                  order_by=(Idea.support_count.desc(), Idea.id.desc())).label("rank")
    ranked = select(Idea.id.label("idea_id"), rank).select_from(Idea).where(
        Idea.theme_id.in_(theme_ids), published()).subquery()
    rows = db.session.scalars(select(Idea).join(ranked, ranked.c.idea_id == Idea.id)
                              .where(ranked.c.rank <= per_theme).order_by(Idea.theme_id, ranked.c.rank))
    found: dict[int, list[Idea]] = {theme_id: [] for theme_id in theme_ids}
    for idea in rows:
        found[idea.theme_id].append(idea)
    return found


# ---- the QR code -----------------------------------------------------------------------


def qr_svg(url: str, title: str | None = None, element_id: str = "event-qr") -> str:
    """An inline SVG QR code for `url`, drawn on the server (segno): role="img" with a
    <title> that names it, black on white so it scans from paper, sized by CSS (no
    width or height, no style attribute: the page's CSP allows no inline styles)."""
    qr = segno.make(url, error="m")
    label = title or url
    svg = qr.svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", svgclass="yp-qr", lineclass=None,
                        omitsize=True, title=label)
    title_id = f"{element_id}-title"
    escaped = escape(label)
    assert svg.startswith("<svg ") and f"<title>{escaped}</title>" in svg, "segno's SVG changed shape"
    svg = svg.replace("<svg ", f'<svg id="{element_id}" role="img" aria-labelledby="{title_id}" focusable="false" ', 1)
    return svg.replace(f"<title>{escaped}</title>", f'<title id="{title_id}">{escaped}</title>', 1)
