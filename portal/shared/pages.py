"""Marks on views: which pages must never be cached, which are staff screens.

Set with a decorator on the view (or on every view of a blueprint), read after the
request by `portal.security` and by the navigation, so no URL prefix is matched anywhere.
"""

from flask import current_app, request

PRIVATE = "page_is_private"
STAFF = "page_is_for_staff"


def private(view):
    """A page with a person's own answers on it: `Cache-Control: no-store`."""
    setattr(view, PRIVATE, True)
    return view


def staff(view):
    """A staff screen: staff navigation, and never cached (it is private too)."""
    setattr(view, STAFF, True)
    setattr(view, PRIVATE, True)
    return view


def _current_view():
    if request.endpoint is None:
        return None
    return current_app.view_functions.get(request.endpoint)


def current_page_is(mark: str) -> bool:
    return bool(getattr(_current_view(), mark, False))
