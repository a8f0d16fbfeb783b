"""Running the portal without shell access: staff accounts (invite, role, disable, reset
a lost authenticator), the reference data an admin owns (themes, areas, settings), and
people's rights over their data (find, export, erase). Every change is audited with
before and after."""

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import accounts, reference, rights  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from portal.admin import cli, mail_data
    from portal.core import retention
    from portal.core.contributions import StaffLink, contribute
    from portal.i18n import N_

    app.register_blueprint(bp)
    contribute(
        app,
        staff_links=[
            StaffLink(N_("Staff accounts"), "admin.accounts",
                      N_("Invite staff, change roles, disable accounts, reset a lost authenticator."), ("admin",), 91),
            StaffLink(N_("Themes, areas and settings"), "admin.reference",
                      N_("Reword themes, add areas, change the target answer time and the group's seats."), ("admin",), 92),
            StaffLink(N_("People's data"), "admin.rights",
                      N_("Find, export or erase everything held about a reference or an email address."), ("admin",), 93),
        ],
    )
    retention.contribute(app, rules=mail_data.RULES, sources=mail_data.SOURCES)
    cli.init_app(app)
