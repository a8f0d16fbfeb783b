"""Request logs: one JSON line per request on the `portal.requests` logger (to stderr).

Each line says which request it was and how it went, and nothing about who made it or
what they sent:

    {"ts": "2026-12-01T09:30:00.123Z", "request_id": "3f2a…", "method": "GET",
     "route": "/track/<reference>", "endpoint": "feedback.track", "status": 200,
     "duration_ms": 12.3, "bytes": 5120}

`route` is the URL rule, never the path: a path can hold a reference, a token from an
emailed link or an email address. It is null when no rule matched (a 404). There is no
query string, address, user agent, cookie, form field or staff member in a line.

The request id comes from an incoming `X-Request-Id` when it is a short safe token (so a
proxy's id follows the request through), else a new random one; either way the response
carries it back as `X-Request-Id`. REQUEST_LOG_ENABLED = False turns all this off.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request

LOGGER_NAME = "portal.requests"
HEADER = "X-Request-Id"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
# Any other method (a client can send any token as one) is written as OTHER.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
FIELDS = ("ts", "request_id", "method", "route", "endpoint", "status", "duration_ms", "bytes")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written (test runners and servers
    replace it after this module is imported)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


# Set up once, at import, however many apps are made (the tests make many). Not passed
# on to the "portal" logger (Flask's app.logger), which would write each line again.
logger = logging.getLogger(LOGGER_NAME)
logger.setLevel(logging.INFO)
logger.propagate = False
if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
    logger.addHandler(_StderrHandler())


def request_id_from(value: str | None) -> str:
    """The caller's id if it is a short safe token, else a new random one."""
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """This request's id (for other log lines that want to name it), or None."""
    return g.get("request_id")


def _start() -> None:
    g.request_id = request_id_from(request.headers.get(HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a hook before ours refused the request
        _start()
    response.headers[HEADER] = g.request_id
    g.request_status = response.status_code
    g.request_bytes = response.content_length
    return response


def _write(error: BaseException | None) -> None:
    """At teardown, once per request: after the session is saved, and also for a request
    whose exception went past every handler (with exceptions propagating, in tests)."""
    if g.get("request_logged") or not current_app.config.get("REQUEST_LOG_ENABLED", True):
        return
    g.request_logged = True
    if "request_id" not in g:
        _start()
    status = g.get("request_status")
    if status is None:
        status = 500  # no response was made: the exception went past every handler
    rule = request.url_rule
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": g.request_id,
        "method": request.method if request.method in METHODS else "OTHER",
        "route": rule.rule if rule is not None else None,
        "endpoint": request.endpoint if rule is not None else None,
        "status": status,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
        "bytes": g.get("request_bytes"),
    }
    # logging.config.fileConfig (Alembic's env.py does it, when migrations run in the same
    # process) disables every logger it does not name; REQUEST_LOG_ENABLED is the switch.
    logger.disabled = False
    logger.log(logging.ERROR if status >= 500 else logging.INFO, json.dumps(record, separators=(",", ":")))


def init_app(app: Flask) -> None:
    """Call before anything else adds request hooks: the clock starts first, and the
    request id is set last on the response."""
    if not app.config.get("REQUEST_LOG_ENABLED", True):
        return
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # After-request hooks run last-registered first: registered first, this one runs last.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.teardown_request(_write)
