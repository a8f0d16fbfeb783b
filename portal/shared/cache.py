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
        _bound(now)
    return value


def peek(key):
    """The value kept for `key` if it is still fresh, else None (nothing is computed)."""
    hit = _entries.get(key)  # a dict read is atomic; expiry is checked on the copy
    return hit[1] if hit and hit[0] > time.monotonic() else None


def put(key, value, seconds: float = CACHE_SECONDS) -> None:
    now = time.monotonic()
    with _lock:
        _entries[key] = (now + seconds, value)
        _bound(now)


def _bound(now: float) -> None:
    if len(_entries) > 500:  # a crawler walking every report: keep memory bounded
        for stale in [k for k, (expires, _) in _entries.items() if expires <= now] or list(_entries)[:250]:
            _entries.pop(stale, None)


def forget_prefix(prefix) -> None:
    """Drop every entry whose key is a tuple starting with `prefix` (this process only)."""
    with _lock:
        for key in [key for key in _entries if isinstance(key, tuple) and key and key[0] == prefix]:
            _entries.pop(key, None)


def forget(key) -> None:
    """Drop one entry (this process only: the others catch up when it expires)."""
    with _lock:
        _entries.pop(key, None)


def clear() -> None:
    with _lock:
        _entries.clear()
