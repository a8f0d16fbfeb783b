"""Feedback as a kind in the shared moderation queue, and the email its sender gets when
it is answered."""

from flask_babel import force_locale

from portal.feedback.models import Submission
from portal.feedback.services import due_date
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.moderation.kinds import Kind, register_kind
from portal.shared.links import public_url
from portal.shared.outbox import enqueue


def queue_answered_email(submission: Submission, response) -> int:
    """One message per submission, ever: the dedupe key makes a repeat a no-op. 1 if queued.

    Written in the language the feedback was given in (not the moderator's), so the
    subject and body are built inside force_locale; the links are the same in every one.
    """
    if not submission.email:
        return 0
    reference = submission.display_reference
    young = submission.audience == "young_person"
    with force_locale(submission.language or "en"):
        subject = _("Your feedback %(reference)s has been answered", reference=reference)
        if young:
            opening = _("You told us something through Your Place. Your reference is %(reference)s. "
                        "We have now answered it.", reference=reference)
        else:
            opening = _("Thank you for your feedback to Bradford District Council through Your Place. "
                        "Your reference is %(reference)s. We have now answered it.", reference=reference)
        body = "\n".join([
            _("Hello,"),
            "",
            opening,
            "",
            _("Read what we did:"),
            public_url(f"/you-said-we-did/{response.id}"),
            "",
            _("See what has happened to your feedback at any time:"),
            public_url(f"/track/{reference}"),
            "",
            _("You are getting this email because you left this address when you gave feedback. "
              "We will not use it for anything else. We will not email you about this again."),
            "",
            _("Your Place – Bradford District"),
        ])
    return enqueue(
        dedupe_key=f"answered:{submission.id}",
        to_address=submission.email,
        subject=subject,
        body=body,
    )


FEEDBACK = register_kind(Kind(
    name="feedback",
    # Staff-facing, and part of the kind's identity (compared, hashed): a plain string,
    # marked for the catalogues and translated where the moderation screens show it.
    label=N_("Feedback"),
    model=Submission,
    audit_type="submission",
    due_on=due_date,
    search_columns=(Submission.__table__.c.body,),
    details_template="feedback/_moderation_details.html",
    notify_answered=queue_answered_email,
))
