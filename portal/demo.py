"""Invented demo content for local use: staff accounts, then each capability's own demo data."""

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
    users = []
    for email, password, role, name in DEMO_STAFF:
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        if user is None:
            user = create_staff_user(email, password, role, display_name=name, totp_secret=new_totp_secret())
        users.append(user)
    db.session.commit()
    return users


def seed_demo(seed: int = 2026) -> dict:
    """Fill an empty portal with believable content. Running it twice adds nothing."""
    counts = {"staff": len(seed_demo_staff())}
    from portal.feedback.demo import seed_demo_feedback
    from portal.responses.demo import seed_demo_responses

    counts["submissions"] = seed_demo_feedback(seed)
    counts["responses"] = seed_demo_responses(seed)
    return counts
