"""Whole public pages kept for a few seconds, for visitors the page cannot tell apart.

A district-wide consultation brings thousands of people to the same board in the same
minute; each of them gets the same bytes. A page is kept only for a request that has no
cookie but the language one (and the device one, where the page shows nothing per
device), is not htmx's, and whose answer set no cookie and touched no session: so no
one ever sees a draft, a message or a staff bar meant for someone else.

Entries live in this process (portal/shared/cache.py) for the view's few seconds; this
process forgets them at once when it publishes, hides or answers something
(`pages_changed`), and the others within those seconds. Each entry has an ETag, so a
phone that has the page already gets a 304 with no body.
"""

import hashlib
from functools import wraps

from flask import current_app, g, make_response, request, session

from portal.i18n import COOKIE as LANGUAGE_COOKIE
from portal.i18n import current_language
from portal.shared import cache
from portal.shared.devices import COOKIE as DEVICE_COOKIE

PREFIX = "page"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary")


def _anonymous(device_independent: bool) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request") or request.authorization:
        return False
    allowed = {LANGUAGE_COOKIE, DEVICE_COOKIE} if device_independent else {LANGUAGE_COOKIE}
    return set(request.cookies) <= allowed


def _key() -> tuple:
    return (PREFIX, request.full_path, current_language().code)


def cached_page(seconds: float, *, device_independent: bool = True):
    """Keep the view's page for `seconds` for visitors who cannot be told apart.
    `device_independent=False` for a page that shows what this device supports."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_app.config.get("PAGE_CACHE_ENABLED", True) or not _anonymous(device_independent):
                return view(*args, **kwargs)
            key = _key()
            hit = cache.peek(key)
            if hit is not None:
                return _response(*hit)
            response = make_response(view(*args, **kwargs))
            if _keepable(response):
                body = response.get_data()
                etag = hashlib.blake2b(body, digest_size=12).hexdigest()
                headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
                cache.put(key, (body, headers, etag), seconds)
                response.set_etag(etag)
                return response.make_conditional(request)
            return response

        return wrapped

    return decorator


def _keepable(response) -> bool:
    return (response.status_code == 200 and not response.is_streamed and "Set-Cookie" not in response.headers
            and not g.get("device_token_changed") and not session.modified and not getattr(session, "new", False))


def _response(body: bytes, headers: list, etag: str):
    response = current_app.response_class(body, headers=headers)
    response.set_etag(etag)
    return response.make_conditional(request)


def pages_changed() -> None:
    """Something public changed (published, hidden, answered): this process forgets every page."""
    cache.forget_prefix(PREFIX)
