"""Advisory-group applications as a kind in the shared moderation queue: read, flagged
for safeguarding, noted or hidden there like anything else; never published. Their own
stages (shortlist, offer, member) are on the advisory group's staff screens."""

from portal.advisory import services
from portal.advisory.models import Application
from portal.i18n import N_
from portal.moderation.kinds import Kind, register_kind

APPLICATION = register_kind(Kind(
    name="application",
    label=N_("Advisory group application"),
    model=Application,
    audit_type="application",
    due_on=services.due_date,
    filters=("area",),
    actions=("review", "hide", "restore", "flag", "clear_flag", "note"),
    search_columns=(Application.__table__.c.why, Application.__table__.c.bring),
    details_template="advisory/_moderation_details.html",
    find_by_reference=services.find_by_reference,
    track_view=services.track_view,
    track_template="advisory/track_status.html",
    publishable=False,
))
