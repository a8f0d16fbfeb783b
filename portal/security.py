"""Security headers on every response (OWASP ASVS 3.4), and the Vary every response needs.

Every response pays for these, so the header set is built once, at start-up, and added to
each response as it leaves the app (FixedHeaders, at the WSGI level, after Werkzeug has
checked and copied the response's own headers); only the page's Cache-Control is decided
per request.
"""

from functools import lru_cache

from flask import Flask, Response
from werkzeug.datastructures import Headers
from werkzeug.http import parse_set_header

from portal.shared.pages import PRIVATE, current_page_is

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    ]
)


def security_headers(production: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries (unless its view set one itself)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "geolocation=(), camera=(), microphone=(), interest-cohort=()"),
    ]
    if production:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


@lru_cache(maxsize=256)
def _vary_with(existing: str, names: tuple[str, ...]) -> str:
    header = parse_set_header(existing)
    header.update(names)
    return header.to_header()


class FixedHeaders:
    """WSGI middleware: the fixed headers appended to every response's own, unless the
    view set one itself, and the app-wide Vary names (vary_always) merged into its Vary."""

    def __init__(self, wsgi_app, fixed: tuple[tuple[str, str], ...], vary: list[str]):
        self.wsgi_app = wsgi_app
        self.fixed = list(fixed)
        self.fixed_names = frozenset(name.lower() for name, _value in fixed)
        self.vary = vary  # filled in as the capabilities start; read from the first request on

    def __call__(self, environ, start_response):
        vary = tuple(self.vary)

        def start(status, headers, exc_info=None):
            names = [name.lower() for name, _value in headers]
            if self.fixed_names.isdisjoint(names):
                headers.extend(self.fixed)
            else:  # a view set one of them itself: keep its value
                headers.extend(pair for pair in self.fixed if pair[0].lower() not in names)
            if "vary" in names:
                index = names.index("vary")
                headers[index] = ("Vary", _vary_with(headers[index][1], vary))
            elif vary:
                headers.append(("Vary", _vary_with("", vary)))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


VARY = "security_always_vary"


def vary_always(app: Flask, *names: str) -> None:
    """Every response from this app varies on these request headers (said at start-up)."""
    found = app.extensions.setdefault(VARY, [])
    found.extend(name for name in names if name not in found)


def init_app(app: Flask) -> None:
    fixed = security_headers(app.config["ENV_NAME"] == "production")
    Headers(fixed)  # the values are valid header values (it raises if one is not)
    app.extensions["security_headers"] = fixed  # built once; the tests check it is the one used
    app.wsgi_app = FixedHeaders(app.wsgi_app, fixed, app.extensions.setdefault(VARY, []))

    @app.after_request
    def cache_control(response: Response) -> Response:
        # Pages for staff or with a person's answers must never sit in a shared cache.
        # The views say which they are (portal.shared.pages), not their URLs.
        headers = response.headers
        # The header read as it is (response.mimetype parses it again on every response).
        if headers.get("Content-Type", "").startswith("text/html") and "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-store" if current_page_is(PRIVATE) else "no-cache"
        return response
