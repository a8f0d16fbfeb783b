"""The track page's limit: how many wrong references one address may try.

A reference is eight characters with a check character, so the only way to find someone
else's is to guess, and nearly every guess is wrong. So the limit counts wrong guesses
(TRACK_RATE_LIMIT, 30 a minute per address) in the limiter's shared store (Redis in
production), and a person looking up their own reference is never counted: a class of 35
on one school connection, each checking twice, is never refused.

An address past the limit is refused every lookup, right or wrong, or a guesser would
learn which guess was right from the one page that was not refused. Asking the store
costs a round trip, so a right reference asks only when this worker has seen the address
guess wrong within the limit's window. Every wrong guess is counted in the store by the
worker that serves it, which then remembers the address: a guesser teaches each worker
at its first wrong guess there.
"""

import threading
import time
from functools import lru_cache

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from portal.extensions import limiter

SCOPE = "track-lookup"
REMEMBERED = 10_000  # addresses a worker remembers guessing wrong (the oldest is forgotten)
_STATE = "wrong_reference_guesses"
_FALLBACK = "wrong_reference_guesses_in_memory"


@lru_cache(maxsize=8)
def _parsed(text: str) -> RateLimitItem:
    return parse(text)


def _limit() -> RateLimitItem:
    return _parsed(current_app.config.get("TRACK_RATE_LIMIT", "30 per minute"))


def _guessers() -> tuple[dict[str, float], threading.Lock]:
    """This worker's addresses seen guessing wrong, each with when it last did."""
    found = current_app.extensions.get(_STATE)
    if found is None:
        found = current_app.extensions[_STATE] = ({}, threading.Lock())
    return found


def _store_allows(hit: bool) -> bool:
    """Count a wrong guess (hit) or ask whether one more would be let through. While the
    store cannot be reached, this worker counts in its own memory, as Flask-Limiter's
    fallback does for the other limits, and the app's log says so."""
    item, address = _limit(), get_remote_address()
    try:
        strategy = limiter.limiter  # the configured store, or Flask-Limiter's own fallback
        return strategy.hit(item, SCOPE, address) if hit else strategy.test(item, SCOPE, address)
    except Exception:
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS", True):
            raise
        current_app.logger.warning("The rate limits' store could not be reached: wrong references are counted "
                                   "in this worker's memory")
        fallback = current_app.extensions.get(_FALLBACK)
        if fallback is None:
            fallback = current_app.extensions[_FALLBACK] = MovingWindowRateLimiter(MemoryStorage())
        return fallback.hit(item, SCOPE, address) if hit else fallback.test(item, SCOPE, address)


def _refuse() -> TooManyRequests:
    return TooManyRequests(retry_after=int(_limit().get_expiry()))


def refuse_if_guessing() -> None:
    """Before a lookup: 429 if this address has used up its wrong guesses."""
    if not limiter.enabled:
        return
    last_wrong = _guessers()[0].get(get_remote_address())
    if last_wrong is None or time.monotonic() - last_wrong > _limit().get_expiry():
        return  # not seen guessing wrong here lately: no round trip to the store
    if not _store_allows(hit=False):
        raise _refuse()


def count_wrong_guess() -> None:
    """After a lookup that found nothing: count it, and 429 once past the limit."""
    if not limiter.enabled:
        return
    seen, lock = _guessers()
    address = get_remote_address()
    with lock:
        seen.pop(address, None)
        seen[address] = time.monotonic()  # last in the dict's order: the most recent
        if len(seen) > REMEMBERED:
            del seen[next(iter(seen))]
    if not _store_allows(hit=True):
        raise _refuse()
