"""Feedback as a kind in the shared moderation queue, and the email its sender gets when
it is answered."""

from portal.feedback.models import Submission
from portal.feedback.services import due_date
from portal.moderation.kinds import Kind, register_kind
from portal.shared.links import public_url
from portal.shared.outbox import enqueue


def queue_answered_email(submission: Submission, response) -> int:
    """One message per submission, ever: the dedupe key makes a repeat a no-op. 1 if queued."""
    if not submission.email:
        return 0
    reference = submission.display_reference
    young = submission.audience == "young_person"
    body = "\n".join([
        "Hello,",
        "",
        (f"You told us something through Your Place. Your reference is {reference}. We have now answered it."
         if young else
         f"Thank you for your feedback to Bradford District Council through Your Place (reference {reference})."
         " We have now answered it."),
        "",
        "Read what we did:",
        public_url(f"/you-said-we-did/{response.id}"),
        "",
        "See your feedback's progress at any time:",
        public_url(f"/track/{reference}"),
        "",
        "You are getting this email because you left this address when you gave feedback. "
        "We will not use it for anything else, and we will not email you about this again.",
        "",
        "Your Place – Bradford District",
    ])
    return enqueue(
        dedupe_key=f"answered:{submission.id}",
        to_address=submission.email,
        subject=f"Your feedback {reference} has been answered",
        body=body,
    )


FEEDBACK = register_kind(Kind(
    name="feedback",
    label="Feedback",
    model=Submission,
    audit_type="submission",
    due_on=due_date,
    search_columns=(Submission.__table__.c.body,),
    details_template="feedback/_moderation_details.html",
    notify_answered=queue_answered_email,
))
