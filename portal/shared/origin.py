"""Refusing cross-site form posts from what the browser says about where they come from,
for a form that must work without a session (supporting an idea from a cached board).

Browsers send `Sec-Fetch-Site` with every request (Chrome 76, Firefox 90, Safari 16.4)
and `Origin` with every POST; a page on another site cannot forge either. The rule is
the one Go's net/http CrossOriginProtection uses: trust `Sec-Fetch-Site` when present
("same-origin", or "none" for a bookmark or a typed address), else compare `Origin`
with our own host, and let a request with neither through: it did not come from a
browser, so it carries no one else's cookies and forges nothing.
"""

from urllib.parse import urlsplit

from flask import request


def cross_site_post() -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":  # a sandboxed frame or a privacy redirect: not provably ours
        return True
    return urlsplit(origin).netloc.lower() != request.host.lower()
