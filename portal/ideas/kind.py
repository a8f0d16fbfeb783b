"""Ideas as a kind in the shared moderation queue: approved with redaction (the title
too), hidden, flagged, merged into another idea, answered by "we did"."""

from portal.i18n import N_
from portal.ideas import services
from portal.ideas.models import Idea
from portal.moderation.kinds import Kind, register_kind

IDEA = register_kind(Kind(
    name="idea",
    label=N_("Idea"),
    model=Idea,
    audit_type="idea",
    due_on=services.due_date,
    search_columns=(Idea.__table__.c.title, Idea.__table__.c.body),
    details_template="ideas/_moderation_details.html",
    actions_template="ideas/_moderation_actions.html",
    notify_answered=services.queue_answered_emails,
    on_approve=services.approve_title,
    find_by_reference=services.find_by_reference,
    track_view=services.track_view,
    track_template="ideas/track_status.html",
))
