"""Your Place: the Bradford District engagement portal."""

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as portal_config
from portal.extensions import db, htmx, init_csrf, init_limiter, login_manager, migrate

# Set up in this order: each registers its blueprint and what it adds to core (home page
# cards and sections, navigation, reference and demo data), and their kinds of item.
CAPABILITIES = ("portal.core", "portal.staff", "portal.feedback", "portal.moderation", "portal.responses",
                "portal.ideas", "portal.advisory", "portal.admin")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(portal_config.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(portal_config.from_environment())
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Pooled connections are checked after idling (portal.database.ping_when_idle).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_recycle": 1800,
                                                   **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    _production_settings(app)

    from portal import requestlog  # first: its clock starts before any other hook

    requestlog.init_app(app)
    from portal import compression  # next: its after-request hook runs after every other one

    compression.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    # The limiter first, so a flood is refused before any other work is done for it.
    init_limiter(app)
    init_csrf(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    from portal import models  # noqa: F401  (registers every table)
    from portal.database import configure_engine
    from portal.sessions import DatabaseSessionInterface

    with app.app_context():
        configure_engine(db.engine)
    app.session_interface = DatabaseSessionInterface()

    from portal import assets, errors, i18n, security, templating

    i18n.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    from portal.shared.numbers import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter

    for name in CAPABILITIES:
        importlib.import_module(name).init_app(app)

    from portal import commands

    commands.init_app(app)
    _remember_sync_functions(app)
    return app


def _remember_sync_functions(app: Flask) -> None:
    """Flask asks `inspect.iscoroutinefunction` about every hook and view on every request
    (17 times for /healthz); the answer never changes, so it is remembered per function."""
    known_sync: set = set()
    general = app.ensure_sync

    def ensure_sync(func):
        try:
            if func in known_sync:
                return func
        except TypeError:  # unhashable: ask every time
            return general(func)
        result = general(func)
        if result is func and len(known_sync) < 10_000:
            known_sync.add(func)
        return result

    app.ensure_sync = ensure_sync


def _trust_proxies(app: Flask) -> None:
    """Read the client's address from X-Forwarded-For only through the proxies we run
    (TRUSTED_PROXY_HOPS). With none, a client's own X-Forwarded-For is ignored, so it
    cannot dodge rate limits by sending a new one with every request."""
    hops = app.config.get("TRUSTED_PROXY_HOPS")
    if hops is None:
        hops = 1 if app.config["ENV_NAME"] == "production" else 0
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _production_settings(app: Flask) -> None:
    """In production: refuse a weak secret, secure cookies; proxies as configured."""
    if app.config["ENV_NAME"] != "production":
        _trust_proxies(app)
        return
    secret = app.config.get("SECRET_KEY")
    if not secret or secret == portal_config.DEV_SECRET_KEY or len(secret) < 32:
        raise RuntimeError(
            "SECRET_KEY must be set to a long random value in production "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if not app.config.get("PUBLIC_BASE_URL"):
        raise RuntimeError("PUBLIC_BASE_URL must be set in production: the address in links in emails and the feed "
                           "(for example https://yourplace.bradford.gov.uk).")
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_NAME"] = "__Host-yp_session"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    _trust_proxies(app)
