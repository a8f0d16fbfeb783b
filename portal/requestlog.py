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

from flask import Flask, request

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


ENVIRON_KEY = "portal.request_id"
RULE_KEY = "portal.url_rule"  # Flask takes its Request out of the environ when it is done


def current_request_id() -> str | None:
    """This request's id (for other log lines that want to name it), or None."""
    from flask import has_request_context, request

    return request.environ.get(ENVIRON_KEY) if has_request_context() else None


class RequestLog:
    """WSGI middleware around the app: the request's id on its way in and on the response
    going out, and its line once the app has answered (after the session is saved, and
    also for an exception that went past every handler, with exceptions propagating in
    tests). Every request pays for this, so it reads the WSGI environ and the response's
    header list directly rather than through Flask's request hooks and proxies."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        request_id = environ[ENVIRON_KEY] = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        answered = []

        def start(status, headers, exc_info=None):
            headers.append((HEADER, request_id))
            answered[:] = (status, headers)
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            _write(environ, request_id, started, "500", None)  # no response was made
            raise
        if answered:
            _write(environ, request_id, started, *answered)
        return body


def _content_length(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name == "Content-Length" or name.lower() == "content-length":
            return int(value) if value.isdigit() else None
    return None


def _write(environ: dict, request_id: str, started: float, status: str, headers) -> None:
    rule = environ.get(RULE_KEY)
    method = environ.get("REQUEST_METHOD", "")
    code = int(status[:3])
    record = {
        "ts": _timestamp(),
        "request_id": request_id,
        "method": method if method in METHODS else "OTHER",
        "route": rule.rule if rule is not None else None,
        "endpoint": rule.endpoint if rule is not None else None,
        "status": code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "bytes": _content_length(headers) if headers is not None else None,
    }
    # logging.config.fileConfig (Alembic's env.py does it, when migrations run in the same
    # process) disables every logger it does not name; REQUEST_LOG_ENABLED is the switch.
    logger.disabled = False
    level = logging.ERROR if code >= 500 else logging.INFO
    if not logger.isEnabledFor(level):
        return
    line = _ENCODER.encode(record)
    if logger.handlers == [_HANDLER]:
        # Only our own handler, as configured at import: write the line as it would (a
        # log record, a lock and a formatter cost more than the rest of this).
        stream = sys.stderr
        stream.write(line + "\n")
        stream.flush()
    else:
        # The record is made here rather than by logger.log, which looks up the caller's
        # file and line by walking the stack for every line; nobody reads them.
        logger.handle(logger.makeRecord(LOGGER_NAME, level, __file__, 0, line, None, None))


def init_app(app: Flask) -> None:
    """Wrap the app's WSGI callable (before security.init_app adds the fixed headers
    outside it). REQUEST_LOG_ENABLED = False: no id, no line."""
    if not app.config.get("REQUEST_LOG_ENABLED", True):
        return
    app.wsgi_app = RequestLog(app.wsgi_app)
    app.before_request_funcs.setdefault(None, []).insert(0, _note_rule)


def _note_rule() -> None:
    current = request._get_current_object()  # once through the proxy
    current.environ[RULE_KEY] = current.url_rule
