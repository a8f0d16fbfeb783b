"""Staff screens. Every route here is behind sign-in, and each names the roles it allows."""

from flask import current_app, url_for
from flask_login import current_user

from portal.moderation import bp
from portal.moderation.services import landing_counts
from portal.staff.auth import role_required
from portal.templating import render

# (label, endpoint, hint, roles allowed): shown when registered and the person may use it.
STAFF_LINKS = [
    ("Moderation queue", "moderation.queue", "Review, hide, redact and answer everything that came in.", ("moderator",)),
    ("Safeguarding queue", "moderation.safeguarding", "Flagged items: record what was done.", ("safeguarding_lead",)),
    ("Responses (we did)", "responses.manage", "Draft, publish and update \"you said, we did\" answers.", ("moderator",)),
    ("Audit log", "moderation.audit_log", "Every staff action: who, what, when, before and after.", ("admin",)),
]


@bp.get("")
@role_required()
def home():
    """Staff landing page: what this person may do, and what is waiting."""
    links = [
        {"label": label, "href": url_for(endpoint), "hint": hint}
        for label, endpoint, hint, roles in STAFF_LINKS
        if endpoint in current_app.view_functions and current_user.has_role(*roles)
    ]
    return render("moderation/home.html", counts=landing_counts(), staff_links=links)
