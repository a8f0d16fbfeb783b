"""Core: the home page, the statements, the health check and the reference data (themes,
pillars, areas, settings). It knows no capability: they contribute to it."""

from flask import Blueprint, Flask

bp = Blueprint("core", __name__)

from portal.core import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core.retention import stated_periods

    app.register_blueprint(bp)
    # The retention periods in words, for any page that states one (templates/core/_periods.html).
    app.jinja_env.globals["retention_periods"] = stated_periods
