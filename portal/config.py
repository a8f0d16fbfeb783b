"""Configuration: defaults here, then instance/config.py, then environment variables."""

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-secret"


class Defaults:
    SECRET_KEY = DEV_SECRET_KEY
    # Filled in by create_app: SQLite in the instance folder unless DATABASE_URL says otherwise.
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    ENV_NAME = "development"  # "production" turns on secure cookies, HSTS and the secret-key check

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a slow form is never refused
    MAX_CONTENT_LENGTH = 64 * 1024  # no form here needs more; bigger bodies get a 413 page

    RATELIMIT_ENABLED = True
    REQUEST_LOG_ENABLED = True  # one JSON line per request on stderr (portal/requestlog.py)
    # Gzip text responses and serve assets' .gz copies (portal/compression.py). None: on,
    # except in production, where the reverse proxy compresses.
    COMPRESS_RESPONSES = None
    RATELIMIT_STORAGE_URI = "memory://"
    # No X-RateLimit-* headers: reading the window back for them is one more round trip
    # to the shared store on every limited request (a support, a track lookup), and no
    # browser reads them. A refusal still says when to come back (Retry-After, portal.errors).
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_STRATEGY = "moving-window"
    # If Redis is unreachable, count in each process's memory until it is back, rather
    # than refusing every form post with an error (limits are looser meanwhile; /readyz
    # says Redis is down).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    # Server-side sessions: staff get short timeouts, residents long enough to finish a form.
    STAFF_IDLE_TIMEOUT = timedelta(minutes=30)
    STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=10)
    ANON_IDLE_TIMEOUT = timedelta(hours=2)
    SESSION_COOKIE_NAME = "yp_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False

    # Wrong passwords and codes (portal/staff/throttle.py): free failures, then waits that
    # double from 30 seconds up to a cap; the account-wide wait is short, and a browser
    # that has signed in to the account before does not face it.
    SIGN_IN_FREE_FAILURES = 5  # one account from one address
    SIGN_IN_MAX_WAIT = timedelta(minutes=15)
    SIGN_IN_ACCOUNT_FREE_FAILURES = 10  # one account from anywhere
    SIGN_IN_ACCOUNT_MAX_WAIT = timedelta(minutes=5)
    SIGN_IN_CLIENT_FREE_FAILURES = 30  # one address, any account (an office shares one)
    # Proxies in front of the app whose X-Forwarded-For is trusted: None means one in
    # production and none otherwise; 0 when the app faces clients directly.
    TRUSTED_PROXY_HOPS = None

    MAIL_FROM = "Your Place <noreply@yourplace.bradford.example>"
    MAIL_SERVER = None  # None: write .eml files to instance/outbox/ instead of sending
    MAIL_PORT = 587
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = True
    # Required in production; in development links follow the address being served.
    PUBLIC_BASE_URL = None

    # The People's Advisory Group's sizes (32 seats, 5 for each area, two-year terms) are
    # settings an admin changes on the settings screen (portal/advisory/seats.py). Set
    # ADVISORY_GROUP_SIZE, ADVISORY_SEATS_PER_AREA or ADVISORY_TERM_YEARS in the instance
    # configuration only to fix them there.


ENV_KEYS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "RATELIMIT_STORAGE_URI": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "PUBLIC_BASE_URL": str,
    "ENV_NAME": str,
    "TRUSTED_PROXY_HOPS": int,
    "COMPRESS_RESPONSES": lambda value: value.strip().lower() in ("1", "true", "yes", "on"),
}


def from_environment() -> dict:
    """Settings given as environment variables; these win over instance/config.py."""
    found = {}
    for key, cast in ENV_KEYS.items():
        value = os.environ.get(key) or os.environ.get(f"PORTAL_{key}")
        if value:
            found[key] = cast(value)
    if "DATABASE_URL" in found:
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(found.pop("DATABASE_URL"))
    return found


def normalise_database_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
