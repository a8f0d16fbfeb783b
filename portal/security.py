"""Security headers on every response (OWASP ASVS 3.4).

Every response pays for this hook, so the header set is built once, at start-up, and
added to each response in one step; only the page's Cache-Control is decided per request.
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


def add_vary(response: Response, *names: str) -> None:
    """`response.vary.update(names)` without parsing and writing the header once per name
    on every response: the merged value is remembered for each header value seen."""
    headers = response.headers
    headers["Vary"] = _vary_with(headers.get("Vary", ""), names)


def init_app(app: Flask) -> None:
    fixed = security_headers(app.config["ENV_NAME"] == "production")
    Headers(fixed)  # the values are valid header values (it raises if one is not)
    app.extensions["security_headers"] = fixed  # built once; the tests check it is the one used
    fixed_names = frozenset(name.lower() for name, _value in fixed)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        if fixed_names.isdisjoint(name.lower() for name, _value in headers):
            # Appended as they are: Headers.extend would check each value again on every
            # response; they were checked once, at start-up (security_headers).
            headers._list.extend(fixed)
        else:  # a view set one of them itself: keep its value
            for name, value in fixed:
                headers.setdefault(name, value)
        # Pages for staff or with a person's answers must never sit in a shared cache.
        # The views say which they are (portal.shared.pages), not their URLs.
        if "Cache-Control" not in headers and response.mimetype == "text/html":
            headers["Cache-Control"] = "no-store" if current_page_is(PRIVATE) else "no-cache"
        return response
