"""A small in-process cache for things every visitor sees the same: the figures and the
termly reports. Entries live CACHE_SECONDS; this process forgets everything at once
when it publishes or updates an answer (other processes catch up within the minute).
"""

import threading
import time

CACHE_SECONDS = 60

_entries: dict = {}
_lock = threading.Lock()


def get_or_set(key, compute, seconds: float = CACHE_SECONDS):
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit and hit[0] > now:
            return hit[1]
    value = compute()
    with _lock:
        _entries[key] = (now + seconds, value)
        if len(_entries) > 500:  # a crawler walking every report: keep memory bounded
            for stale in [k for k, (expires, _) in _entries.items() if expires <= now] or list(_entries)[:250]:
                _entries.pop(stale, None)
    return value


def forget(key) -> None:
    """Drop one entry (this process only: the others catch up when it expires)."""
    with _lock:
        _entries.pop(key, None)


def clear() -> None:
    with _lock:
        _entries.clear()
