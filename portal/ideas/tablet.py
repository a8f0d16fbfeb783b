"""The event tablet's session: which event this device is part of, whether it is the
facilitator's tablet, and starting afresh for the next person (see events.py)."""

import time

from flask import after_this_request, g, session

from portal.shared.devices import renew_device

EVENT = "event_id"  # the open event this device records against
TABLET = "event_tablet"  # this device is a facilitator's event tablet
SEEN = "event_seen"  # when the tablet was last touched (seconds since the epoch)


def is_tablet() -> bool:
    return bool(session.get(TABLET))


def start_afresh(event_id: int | None) -> None:
    """End this session and start a new one (a new id, nothing in it) with a new device
    token. With an event id, the new session keeps the event and tablet mode."""
    session.clear()
    session.regenerate()
    if event_id is not None:
        session[EVENT] = event_id
        session[TABLET] = True
        session[SEEN] = time.time()
    renew_device()
    pages_not_kept()


def pages_not_kept() -> None:
    """On a shared tablet no page may come back from the browser's cache for the next
    person (the Back button), whatever the page is: this response is not kept."""
    if not g.get("tablet_no_store"):
        g.tablet_no_store = True
        after_this_request(_no_store)


def _no_store(response):
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response
