"""The Flask extensions, created once here and bound to the app in create_app."""

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

def _not_a_post() -> bool:
    from flask import request

    return request.method in ("GET", "HEAD", "OPTIONS")


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
