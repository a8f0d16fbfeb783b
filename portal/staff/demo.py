"""Invented demo staff accounts, for local use only (the README lists them)."""

from sqlalchemy import select

from portal.extensions import db
from portal.staff.models import StaffUser
from portal.staff.services import create_staff_user, new_totp_secret

# For local use only; the README lists them. Production never runs seed-demo.
DEMO_STAFF = [
    ("moderator@yourplace.example", "demo-moderator-password", "moderator", "Sam Moderator (demo)"),
    ("safeguarding@yourplace.example", "demo-safeguarding-password", "safeguarding_lead", "Jo Safeguarding (demo)"),
    ("admin@yourplace.example", "demo-admin-password", "admin", "Alex Admin (demo)"),
    ("facilitator@yourplace.example", "demo-facilitator-password", "facilitator", "Pat Facilitator (demo)"),
]


def seed_demo_staff() -> list[StaffUser]:
    """The demo staff accounts, made once. Commits: run from the command line."""
    users = []
    for email, password, role, name in DEMO_STAFF:
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            user = create_staff_user(email, password, role, display_name=name, totp_secret=new_totp_secret())
        users.append(user)
    db.session.commit()
    return users
