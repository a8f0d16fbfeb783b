"""Home, the statements, and the health check."""

from datetime import date

from flask import Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from portal.core import bp, retention
from portal.core.services import home_page_data
from portal.extensions import db, limiter
from portal.shared.fragments import render
from portal.shared.links import url_if_served
from portal.shared.pagecache import cached_page


@bp.get("/")
@cached_page(30)
def home():
    """What is open now, the seven themes and their pillars, the latest answers."""
    return render("core/home.html", **home_page_data())


# When the accessibility statement was written, last reviewed and the site last tested:
# dates, so each language writes them its own way.
STATEMENT_PREPARED = date(2026, 11, 23)
STATEMENT_REVIEWED = date(2026, 12, 1)
SITE_TESTED = date(2026, 12, 1)


@bp.get("/accessibility")
def accessibility():
    """Accessibility statement in the regulations' model format."""
    return render("core/accessibility.html", prepared_on=STATEMENT_PREPARED, reviewed_on=STATEMENT_REVIEWED,
                  tested_on=SITE_TESTED)


@bp.get("/privacy")
def privacy():
    """Privacy notice, with a plain version for young people."""
    return render("core/privacy.html", periods=retention.stated_periods())


@bp.get("/young-people/privacy")
def young_people_privacy():
    """The privacy notice for young people, in their own words (ICO Children's Code,
    standard 4). Its periods are the privacy notice's: the two must always agree."""
    return render("core/young_people_privacy.html", periods=retention.stated_periods())


@bp.get("/childrens-code")
def childrens_code():
    """How the portal follows each of the ICO Children's Code's 15 standards, in order."""
    return render("core/childrens_code.html", young_people_url=url_if_served("feedback.young_people"),
                  track_url=url_if_served("feedback.track_form"), periods=retention.stated_periods())


@bp.get("/cookies")
def cookies():
    """Cookies: essential only, so no banner."""
    return render("core/cookies.html")


@bp.get("/healthz")
def healthz():
    """Liveness for the load balancer: no database, no template."""
    return Response("ok", mimetype="text/plain")


# Schemes whose storage is a redis client: given short timeouts for the readiness check.
REDIS_SCHEMES = ("redis", "rediss", "redis+unix")
READY_TIMEOUT_SECONDS = 1.0


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Readiness for the load balancer: the database answers `SELECT 1` and the rate
    limits' store (Redis in production) answers PING. 503 naming what failed, never how
    (no error text, no address, no password); the reason goes to the app's log."""
    checks = {"database": _database_ready(), "rate_limits": _rate_limits_ready()}
    ready = "failed" not in checks.values()
    response = jsonify({"status": "ready" if ready else "not ready", **checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_ready() -> str:
    def select_one() -> None:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        try:
            select_one()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            select_one()  # a pooled connection the database had closed: once more, on a new one
    except Exception as error:
        current_app.logger.warning("readyz: the database check failed (%s)", type(error).__name__)
        return "failed"
    return "ok"


def _rate_limits_ready() -> str:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    scheme = uri.split("://", 1)[0].lower()
    if scheme == "memory":
        return "memory"
    try:
        if not _limits_storage(uri, scheme).check():
            raise ConnectionError("no answer")
    except Exception as error:
        current_app.logger.warning("readyz: the rate limits' store did not answer (%s)", type(error).__name__)
        return "failed"
    return "ok"


def _limits_storage(uri: str, scheme: str):
    """A storage of its own for the check (made once per app): the limiter's may wait far
    longer than a load balancer's probe, and in tests belongs to whichever app was made last."""
    from limits.storage import storage_from_string

    cache = current_app.extensions.setdefault("readyz_storage", {})
    if uri not in cache:
        options = dict(current_app.config.get("RATELIMIT_STORAGE_OPTIONS") or {})
        if scheme in REDIS_SCHEMES:
            options.setdefault("socket_connect_timeout", READY_TIMEOUT_SECONDS)
            options.setdefault("socket_timeout", READY_TIMEOUT_SECONDS)
        cache[uri] = storage_from_string(uri, **options)
    return cache[uri]
