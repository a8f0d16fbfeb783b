"""Accessible error pages, the same look as every other page.

Each page says what happened and what to do next, in plain words. The HTTP status code
is the response's own; the page does not show it (a number helps nobody who reads it).
"""

import contextlib

from flask import Flask, Response, render_template, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

# The database cannot be reached (restarting, failing over, locked for too long).
DATABASE_DOWN = (OperationalError, InterfaceError)

# code -> (heading: what happened, what to do next). Lazy: translated when the page is shown.
MESSAGES = {
    400: (_l("Sorry, something went wrong with that page"),
          _l("Go back to the page you were on and try again.")),
    403: (_l("You cannot see this page"),
          _l("This page is only for some council staff. If you work for the council and think you should see it, ask your manager.")),
    404: (_l("Page not found"),
          _l("If you typed the web address, check it is right. If you pasted it, check you copied all of it.")),
    405: (_l("Sorry, that did not work"),
          _l("This page cannot be used in that way. Go back and try again.")),
    413: (_l("What you sent is too big"),
          _l("Make it shorter and try again.")),
    429: (_l("You have tried too many times"),
          _l("To keep the site safe, we have stopped this for a short time. Wait a few minutes, then try again.")),
    500: (_l("Sorry, there is a problem with the service"),
          _l("Try again later. Anything you had already sent us is safe.")),
    503: (_l("Sorry, we cannot do that just now"),
          _l("Please try again in a minute. Anything you had already sent us is safe. If you were sending "
             "something, it has not been sent yet: send it again in a minute.")),
}


def render_error(code: int, title: str | None = None, detail: str | None = None):
    default_title, default_detail = MESSAGES.get(code, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title if title is not None else default_title,
            detail=detail if detail is not None else default_detail,
        ),
        code,
    )


# A database that is down is usually back within the minute (a restart, a failover).
TRY_AGAIN_SECONDS = "60"


def try_again_page():
    """The "try again in a minute" page: the database could not be reached."""
    page, code = render_error(503)
    return page, code, {"Retry-After": TRY_AGAIN_SECONDS}


def try_again_instead(response: Response) -> None:
    """Make a finished response the "try again in a minute" page, in place: what the request
    was to keep (an answer in a form's session) could not be stored, so the page must not
    go on as if it had been (a redirect to the next question would lose it silently)."""
    page, code, headers = try_again_page()
    for stale in ("Location", "Content-Encoding", "ETag", "Last-Modified", "HX-Redirect", "HX-Location"):
        response.headers.pop(stale, None)
    response.direct_passthrough = False  # a file's body is replaced, not passed through
    response.set_data(page)
    response.status_code = code
    response.mimetype = "text/html"
    response.headers.update(headers)
    response.headers["Cache-Control"] = "no-store"


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if getattr(session, "unavailable", False):
            # The form's secret is in a session the database could not give back: the form
            # is fine, the database is not.
            return try_again_page()
        return render_error(
            400,
            _("Your form could not be sent"),
            _("This can happen if the page was open for a long time, or was sent twice. "
              "Nothing was saved. Go back, reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:
            page, code = render_error(429)
            return page, code, {"Retry-After": str(_retry_after(error))}
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    def database_down(error):
        # Nothing was acknowledged (every confirmation follows a commit); the connection
        # pool replaces broken connections itself, so the next request can just work.
        from portal.extensions import db

        with contextlib.suppress(*DATABASE_DOWN):
            db.session.remove()
        app.logger.warning("Database unavailable: %s", type(error).__name__)
        return try_again_page()

    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, database_down)

    @app.errorhandler(500)
    def server_error(error):
        # A database failure before the view ran (loading the session) arrives here.
        if isinstance(getattr(error, "original_exception", None), DATABASE_DOWN):
            return database_down(error.original_exception)
        # Flask has logged the traceback already; the person gets a calm page.
        return render_error(500)


def _retry_after(error: HTTPException) -> int:
    """Seconds until the limit that refused this certainly lets the next try through:
    its whole window (a moving window frees its oldest hit within it). A refusal made
    without Flask-Limiter (portal.feedback.lookups) says it itself."""
    if getattr(error, "retry_after", None) is not None:
        return int(error.retry_after)
    limit = getattr(error, "limit", None)
    item = getattr(limit, "limit", None)
    return int(item.get_expiry()) if item is not None else 60
