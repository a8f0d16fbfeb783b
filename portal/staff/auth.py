"""Who is signed in, and the decorator that guards staff pages by role."""

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.extensions import db, login_manager
from portal.i18n import N_, gettext
from portal.shared.pages import staff
from portal.staff.models import StaffUser

login_manager.login_view = "staff.login"
# Kept as plain text (it is flashed into the session) and translated when it is flashed.
login_manager.login_message = N_("Sign in to see that page.")
login_manager.localize_callback = gettext
login_manager.login_message_category = "info"
# Sessions are on the server, renewed at sign-in and timed out there (portal/sessions.py).
# Flask-Login's "basic" protection only marks a session "not fresh", which nothing reads,
# and writing that mark turned every visit to the sign-in page into a stored session.
login_manager.session_protection = None


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    # A disabled account's sessions stop working at once, not at their next sign-in.
    return user if user is not None and user.active else None


def role_required(*roles: str):
    """Anonymous visitors are sent to sign in; signed-in staff without the role get 403.

    With no roles given, any signed-in staff member may enter. Admins pass every check.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the test that walks every staff URL
        return staff(wrapped)

    return decorator
