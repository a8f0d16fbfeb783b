"""The event tablet's session: which event this device is part of, whether it is the
facilitator's tablet, and starting afresh for the next person (see events.py)."""

import time

from flask import g, session

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
    g.tablet_reset = True
