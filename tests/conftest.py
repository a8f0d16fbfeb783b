"""Fixtures every test module shares.

One database per test session (SQLite in a temp folder, or PostgreSQL when
TEST_DATABASE_URL is set), built by the real Alembic migrations; each test then
starts from the reference data alone. Browser tests drive Debian's Chromium against
a live server on 127.0.0.1 at phone size, with JavaScript on and off.
"""

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, text

from portal import create_app
from portal.core.reference import seed_reference_data
from portal.extensions import db, limiter
from portal.staff.models import StaffUser
from portal.staff.services import create_staff_user, new_totp_secret
from tests.support.factories import make_submission, plain
from tests.support.staff import STAFF_PASSWORD, sign_in_client

# Tables whose rows are reference data: kept between tests.
REFERENCE_TABLES = {"pillar", "theme", "area", "setting", "safeguarding_phrase", "advisory_seat_lock"}


def _database_url(tmp_root) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        from portal.config import normalise_database_url

        return normalise_database_url(url)
    return f"sqlite:///{tmp_root / 'test.sqlite'}"


def base_test_config(database_url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-use-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # On, so the limiter builds its storage; switched off per test below.
        "RATELIMIT_ENABLED": True,
        "WTF_CSRF_ENABLED": True,
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        # Cheap password hashing in tests only; production uses argon2-cffi's defaults.
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        # Off, so a test that changes rows and reads a page again sees the change at once;
        # tests/shared/test_pagecache.py (and make bench) run with it on.
        "PAGE_CACHE_ENABLED": False,
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The portal, migrated from empty by the real migrations, with the reference data."""
    from tests.support.catalogues import compile_catalogues

    compile_catalogues()
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(base_test_config(database_url))
    application.instance_path = str(instance)
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        seed_reference_data()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def make_app(database_url):
    """make_app(**config) -> another app on the test database, e.g. with production settings.

    Its engine is disposed afterwards so no connection outlives the test.
    """
    made = []

    def make(**overrides):
        application = create_app(base_test_config(database_url, **overrides))
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()


# Tests that use any of these start a real browser: they carry the `browser` marker, so
# `-m "not browser"` is the quick run.
BROWSER_FIXTURES = {"chromium", "live_server", "page", "page_nojs", "any_page", "phone", "sc_chromium"}


# CI runs the suite twice, on SQLite and then on PostgreSQL. A test that uses no database
# fixture (every way to the test database starts at `database_url`) cannot come out
# differently the second time, so the PostgreSQL run leaves it to the SQLite run.
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
RUN_ONCE = pytest.mark.skip(reason="uses no database, so it runs once, in the SQLite run (make test without "
                                   "TEST_DATABASE_URL); its result cannot depend on PostgreSQL")


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.browser)
        if ON_POSTGRESQL and "database_url" not in fixtures:
            item.add_marker(RUN_ONCE)


def reset_database(application) -> None:
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    conn.execute(delete(table))
        seed_reference_data()
        db.session.remove()
    from portal.shared.cache import clear

    clear()  # figures worked out for an earlier test's rows


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts from reference data alone, whatever the last one left.

    Rate limits are off unless a test asks for the `rate_limits` fixture: the suite sends
    far more requests from 127.0.0.1 than any person would.
    """
    limiter.enabled = False
    yield
    if "app" in request.fixturenames:
        reset_database(request.getfixturevalue("app"))


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def no_csrf(app):
    """Switch CSRF off for tests that are about something else (restored afterwards)."""
    app.config["WTF_CSRF_ENABLED"] = False
    yield
    app.config["WTF_CSRF_ENABLED"] = True


@pytest.fixture
def rate_limits(app):
    """Turn rate limiting on, from a clean slate, for one test."""
    limiter.enabled = True
    limiter.reset()
    yield
    limiter.reset()
    limiter.enabled = False


# ---- staff -------------------------------------------------------------------------


@pytest.fixture
def make_staff(app):
    """make_staff("moderator") -> a StaffUser with STAFF_PASSWORD and a set-up authenticator."""
    counter = {"n": 0}

    def make(role: str = "moderator", email: str | None = None) -> StaffUser:
        counter["n"] += 1
        with app.app_context():
            user = create_staff_user(
                email or f"{role}{counter['n']}@staff.test",
                STAFF_PASSWORD,
                role,
                display_name=f"Test {role}",
                totp_secret=new_totp_secret(),
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def staff_client(app, make_staff):
    """staff_client("moderator") -> (test client signed in with that role, the user)."""

    def make(role: str = "moderator"):
        user = make_staff(role)
        c = app.test_client()
        sign_in_client(app, c, user)
        return c, user

    return make


# ---- page checks -------------------------------------------------------------------


@pytest.fixture
def client_request(app, html_checker):
    """Fetch pages with their status, title and HTML checked (tests/support/pages.py)."""
    from tests.support.pages import ClientRequest

    return ClientRequest(app, app.test_client(), html_checker)


@pytest.fixture(scope="session")
def html_checker():
    from tests.support.html_checker import HtmlChecker

    checker = HtmlChecker().start(wait=False)  # Java starts while the first tests run
    yield checker
    checker.stop()


# ---- browser -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app):
    from tests.support.browser import LiveServer

    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def _phone_page(chromium, live_server, javascript: bool):
    from tests.support.browser import new_phone_page

    page = new_phone_page(chromium, live_server.url, javascript=javascript)
    yield page
    errors = list(getattr(page, "console_errors", []))
    offsite = list(getattr(page, "offsite_requests", []))
    page.context.close()
    assert not offsite, f"third-party requests: {offsite}"
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def page(chromium, live_server):
    """A phone-sized page with JavaScript on."""
    yield from _phone_page(chromium, live_server, javascript=True)


@pytest.fixture
def page_nojs(chromium, live_server):
    """A phone-sized page with JavaScript off."""
    yield from _phone_page(chromium, live_server, javascript=False)


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def any_page(request, chromium, live_server):
    """The same journey twice: with JavaScript on, and off."""
    yield from _phone_page(chromium, live_server, javascript=request.param)


# ---- rows made and read in their own app context ----------------------------------
#
# A test must not hold an app context open while it sends requests: Flask would reuse
# it for each request, so `g` (and so the signed-in user) and the database session
# would leak from one request, or one test client, to the next.


@pytest.fixture
def mk(app):
    """mk(body, **options) -> a plain copy of a new submission."""

    def make(*args, **kwargs):
        with app.app_context():
            return plain(make_submission(*args, **kwargs))

    return make


@pytest.fixture
def fetch(app):
    """fetch(Model, id) -> a plain copy of the row as it is now, or None."""

    def get(model, ident):
        with app.app_context():
            row = db.session.get(model, ident)
            return plain(row) if row is not None else None

    return get


@pytest.fixture
def read(app):
    """read(select(...)) -> list of the statement's first column (rows as plain copies)."""

    def run(statement):
        with app.app_context():
            return [plain(v) if hasattr(v, "__table__") else v for v in db.session.scalars(statement).all()]

    return run
