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
import secrets
import sys
import time

from flask import Flask, Response, current_app, g, request

LOGGER_NAME = "portal.requests"
HEADER = "X-Request-Id"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
# Any other method (a client can send any token as one) is written as OTHER.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})
# One encoder for every line (json.dumps with separators builds a new one each time).
_ENCODER = json.JSONEncoder(separators=(",", ":"))
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
_HANDLER = next((handler for handler in logger.handlers if isinstance(handler, _StderrHandler)), None)
if _HANDLER is None:
    _HANDLER = _StderrHandler()
    logger.addHandler(_HANDLER)


def request_id_from(value: str | None) -> str:
    """The caller's id if it is a short safe token, else a new random one."""
    if value and SAFE_REQUEST_ID.fullmatch(value):
        return value
    return secrets.token_hex(16)  # 32 hex digits, as uuid4().hex was, at a third of its cost


def _timestamp() -> str:
    """Now, as 2026-12-01T09:30:00.123Z (the seconds part is formatted once a second)."""
    global _last_second
    now = time.time()
    seconds = int(now)
    cached_seconds, text = _last_second
    if seconds != cached_seconds:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _last_second = (seconds, text)  # one assignment: threads never see half of it
    return f"{text}.{int((now - seconds) * 1000):03d}Z"


_last_second: tuple[int, str] = (-1, "")


def current_request_id() -> str | None:
    """This request's id (for other log lines that want to name it), or None."""
    return g.get("request_id")


# The hooks below run for every request, so each looks up the real `g` and `request` once
# (every attribute read through Flask's proxies costs a context lookup).


def _start() -> None:
    values = g._get_current_object()
    values.request_id = request_id_from(request._get_current_object().headers.get(HEADER))
    values.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    values = g._get_current_object()
    if "request_id" not in values.__dict__:  # a hook before ours refused the request
        _start()
    response.headers[HEADER] = values.request_id
    values.request_status = response.status_code
    values.request_bytes = response.content_length
    return response


def _write(error: BaseException | None) -> None:
    """At teardown, once per request: after the session is saved, and also for a request
    whose exception went past every handler (with exceptions propagating, in tests)."""
    values = g._get_current_object()
    seen = values.__dict__
    if seen.get("request_logged") or not current_app.config.get("REQUEST_LOG_ENABLED", True):
        return
    values.request_logged = True
    if "request_id" not in seen:
        _start()
    status = seen.get("request_status")
    if status is None:
        status = 500  # no response was made: the exception went past every handler
    current = request._get_current_object()
    rule = current.url_rule
    method = current.method
    record = {
        "ts": _timestamp(),
        "request_id": values.request_id,
        "method": method if method in METHODS else "OTHER",
        "route": rule.rule if rule is not None else None,
        "endpoint": rule.endpoint if rule is not None else None,
        "status": status,
        "duration_ms": round((time.perf_counter() - values.request_started) * 1000, 1),
        "bytes": seen.get("request_bytes"),
    }
    # logging.config.fileConfig (Alembic's env.py does it, when migrations run in the same
    # process) disables every logger it does not name; REQUEST_LOG_ENABLED is the switch.
    logger.disabled = False
    level = logging.ERROR if status >= 500 else logging.INFO
    if not logger.isEnabledFor(level):
        return
    line = _ENCODER.encode(record)
    if logger.handlers == [_HANDLER]:
        # Only our own handler, as configured at import: write the line as it would (a
        # log record, a lock and a formatter cost more than the rest of this hook).
        stream = sys.stderr
        stream.write(line + "\n")
        stream.flush()
    else:
        # The record is made here rather than by logger.log, which looks up the caller's
        # file and line by walking the stack for every line; nobody reads them.
        logger.handle(logger.makeRecord(LOGGER_NAME, level, __file__, 0, line, None, None))


def init_app(app: Flask) -> None:
    """Call before anything else adds request hooks: the clock starts first, and the
    request id is set last on the response."""
    if not app.config.get("REQUEST_LOG_ENABLED", True):
        return
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # After-request hooks run last-registered first: registered first, this one runs last.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.teardown_request(_write)
