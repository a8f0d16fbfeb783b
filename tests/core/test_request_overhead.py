"""The fixed cost every request pays stays small, checked in ways that do not depend on the
machine: what a cookieless /healthz runs (no SQL, no session, no cookie, no rate-limit or
CSRF work) and how many Python functions it calls next to a bare Flask app's (figures in
scripts/profile_hooks.py; the budget is /healthz at 80% of a bare Flask app's requests/s)."""

import io
import sys
from collections import Counter

import pytest
from flask import Flask, Response
from sqlalchemy import event
from werkzeug.test import EnvironBuilder

from portal import security
from portal.extensions import db

# Calls counted for one /healthz through the WSGI app (cProfile, as the benchmark serves it):
# the bare app made 308 and the portal 1,891 before the hooks were made cheap, 715 after,
# and 562 once the fixed headers were added at the WSGI level and the request log wrote its
# line itself (Flask 3.1, Werkzeug 3.1). Counted as below, the portal makes 377 to the bare
# app's 165.
CALLS_PER_BARE_CALL = 2.5


def _bare_app() -> Flask:
    bare = Flask("bare")

    @bare.get("/healthz")
    def healthz():
        return Response("ok", mimetype="text/plain")

    return bare


def _call(app, environ: dict) -> tuple[str, list, bytes]:
    environ = {**environ, "wsgi.input": io.BytesIO()}
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=headers)

    body = app(environ, start_response)
    data = b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return seen["status"], seen["headers"], data


def _calls_by_package(app, environ: dict) -> Counter:
    for _ in range(3):  # caches and lazy set-up filled
        _call(app, environ)
    calls = Counter()

    def profile(frame, event_name, _arg):
        if event_name == "call":
            path = frame.f_code.co_filename
            package = path.split("site-packages/", 1)[1] if "site-packages/" in path else path
            calls[package.split("/", 1)[0]] += 1
            if package.startswith("sqlalchemy/"):
                calls["/".join(package.split("/")[:2])] += 1  # sqlalchemy/engine, sqlalchemy/pool...
                calls[package] += 1  # ...and each file

    sys.setprofile(profile)
    try:
        _call(app, environ)
    finally:
        sys.setprofile(None)
    return calls


@pytest.fixture
def production(app, make_app):  # `app` builds the test database
    # As the benchmark serves it: production settings (so no app-side compression).
    return make_app(ENV_NAME="production", PUBLIC_BASE_URL="https://yourplace.example",
                    SECRET_KEY="overhead-test-secret-" + "x" * 40)


@pytest.fixture
def healthz_environ():
    return EnvironBuilder(path="/healthz", headers={"Host": "127.0.0.1:8000"}).get_environ()


def test_a_cookieless_healthz_runs_no_sql_and_sets_no_cookie(production, healthz_environ):
    statements = []

    def count(*_args):
        statements.append(_args[2])

    with production.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            status, headers, body = _call(production, healthz_environ)
            assert status.startswith("200") and body == b"ok"
            assert not [name for name, _value in headers if name.lower() == "set-cookie"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []


def test_a_cookieless_healthz_does_no_rate_limit_csrf_or_database_work(production, healthz_environ):
    calls = _calls_by_package(production, healthz_environ)
    # (Flask-SQLAlchemy's teardown asks its scoped session registry whether there is one.)
    for package in ("flask_limiter", "limits", "flask_wtf", "ordered_set", "sqlalchemy/engine",
                    "sqlalchemy/orm/session.py", "sqlalchemy/pool"):
        assert calls[package] == 0, (package, calls.most_common(12))
    assert calls["sqlalchemy"] <= 4, calls


def test_a_healthz_calls_few_functions_beyond_a_bare_flask_app(production, healthz_environ):
    portal = sum(_calls_by_package(production, healthz_environ).values())
    bare = sum(_calls_by_package(_bare_app(), healthz_environ).values())
    assert portal <= CALLS_PER_BARE_CALL * bare, (portal, bare)


def test_the_security_headers_are_built_once(production, healthz_environ, monkeypatch):
    built = production.extensions["security_headers"]
    assert isinstance(built, tuple) and ("X-Frame-Options", "DENY") in built

    def built_again(*_args):
        raise AssertionError("security headers built during a request")

    monkeypatch.setattr(security, "security_headers", built_again)
    monkeypatch.setattr(security, "CONTENT_SECURITY_POLICY", "changed after start-up")
    _status, headers, _body = _call(production, healthz_environ)
    for name, value in built:
        assert (name, value) in headers
    assert ("Strict-Transport-Security", "max-age=31536000; includeSubDomains") in headers


def test_a_view_setting_a_security_header_keeps_its_own(app, make_app):
    application = make_app(REQUEST_LOG_ENABLED=False)

    @application.get("/_test/framed")
    def framed():
        return Response("ok", headers={"x-frame-options": "SAMEORIGIN"})

    response = application.test_client().get("/_test/framed")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_reads_skip_the_limiters_before_request_check_but_posts_do_not(production):
    from portal.extensions import limiter

    hooks = production.before_request_funcs[None]
    assert not [hook for hook in hooks if getattr(hook, "__self__", None) is limiter]
    assert [hook for hook in hooks if hook.__name__ == "check_form_posts"]
