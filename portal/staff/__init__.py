"""Staff accounts: sign-in with a password and a one-time code, roles, the audit log."""

from flask import Blueprint, Flask

bp = Blueprint("staff", __name__, url_prefix="/staff")

from portal.staff import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.core.contributions import contribute
    from portal.staff.demo import seed_demo_staff

    app.register_blueprint(bp)
    contribute(app, demo_seeder=("staff", lambda seed: len(seed_demo_staff())))
