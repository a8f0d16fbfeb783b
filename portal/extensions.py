"""The Flask extensions, created once here and bound to the app in create_app."""

from flask import Flask, request
from flask.globals import request_ctx
from flask_limiter import Limit, Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints so Alembic migrations work the same on SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Where Flask-Limiter keeps a request's limits, on the request context (Limiter.context).
LIMITER_STATE = "_limiter_request_context"


def _not_a_post() -> bool:
    return request.method in READ_METHODS


def _device_or_address() -> str:
    from portal.shared.devices import device_or_address

    return device_or_address()


# Every form post: 120 a minute per device, and a ceiling per address that a class of 35
# on one school network (or an event's tablets) never reaches. Forms add tighter limits.
ADDRESS_CEILING = "3000 per hour"
limiter = Limiter(
    key_func=get_remote_address,
    # Each Limit carries its own exemption: Flask-Limiter does not apply
    # default_limits_exempt_when to Limit objects, and reading a page is never limited.
    default_limits=[Limit("120 per minute", key_function=_device_or_address, exempt_when=_not_a_post),
                    Limit(ADDRESS_CEILING, key_function=get_remote_address, exempt_when=_not_a_post)],
    default_limits_exempt_when=_not_a_post,
)
htmx = Htmx()


def init_limiter(app: Flask) -> None:
    """Bind the limiter, and spare reads its before-request check.

    Flask-Limiter's check resolves every default and application limit for each request
    (a third of a `/healthz` request's time) only to find ours all exempt for a read.
    Limits on views (`@limiter.limit`, the track lookup's shared limit on a GET) are
    checked by their decorators, not by this hook, so they still apply. If limits that
    could count reads are ever configured (application or meta limits), every request
    goes through the check as before.
    """
    limiter.init_app(app)
    reads_exempt = (
        not limiter.limit_manager.application_limits
        and not app.config.get("RATELIMIT_META")
        and all(group.exempt_when is _not_a_post for group in limiter.limit_manager._default_limits)
    )
    if not reads_exempt:
        return
    hooks = app.before_request_funcs.setdefault(None, [])
    for index, hook in enumerate(hooks):
        if getattr(hook, "__self__", None) is limiter:

            def check_form_posts(check=hook):
                if request.method in READ_METHODS:
                    return None
                return check()

            hooks[index] = check_form_posts
    # Its after-request (rate-limit headers) and teardown (forget this request's limits)
    # hooks only use the state a check left on the request context; a request no limit
    # looked at has none, and they would make it just to find it empty.
    for kind in (app.after_request_funcs, app.teardown_request_funcs):
        hooks = kind.get(None, [])
        for index, hook in enumerate(hooks):
            owner = getattr(hook, "__self__", None) or (getattr(hook, "args", None) or (None,))[0]
            if owner is limiter:

                def only_if_checked(*args, hook=hook, after=kind is app.after_request_funcs):
                    if hasattr(request_ctx._get_current_object(), LIMITER_STATE):
                        return hook(*args)
                    return args[0] if after else None

                hooks[index] = only_if_checked


def init_csrf(app: Flask) -> None:
    """Bind CSRF protection, checking the method first: Flask-WTF looks up the view's and
    blueprint's exemptions for every request, then returns for any method it never checks
    (a GET). Same checks, same order, for the methods it does check."""
    before = list(app.before_request_funcs.get(None, []))
    csrf.init_app(app)
    hooks = app.before_request_funcs[None]
    added = [hook for hook in hooks if hook not in before]
    if len(added) != 1 or getattr(added[0], "__name__", "") != "csrf_protect":
        return  # not the Flask-WTF we know: leave its hook as it is
    protect = added[0]
    config = app.config

    def csrf_protect_writes(protect=protect):
        if request.method not in config["WTF_CSRF_METHODS"]:  # a set, made by csrf.init_app
            return None
        return protect()

    hooks[hooks.index(protect)] = csrf_protect_writes
