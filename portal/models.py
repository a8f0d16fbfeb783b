"""Every model, imported in one place so Alembic and the shell see the whole schema."""

from portal.advisory.models import (  # noqa: F401
    AdvisoryLink,
    Application,
    ApplicationEquality,
    Attendance,
    Draw,
    Invitation,
    InvitationReply,
    Meeting,
    SeatLock,
)
from portal.core.models import Area, Pillar, Setting, Theme  # noqa: F401
from portal.feedback.models import EqualityAnswers, Submission  # noqa: F401
from portal.ideas.models import Event, Idea, IdeaSupport, SupportVerification, VoidedBurst  # noqa: F401
from portal.moderation.models import (  # noqa: F401
    ModerationItem,
    ModerationNote,
    SafeguardingAction,
    SafeguardingPhrase,
)
from portal.responses.models import Response, ResponseUpdate  # noqa: F401
from portal.sessions import WebSession  # noqa: F401
from portal.shared.equality_totals import EqualityTotal  # noqa: F401
from portal.shared.outbox import OutboxMessage  # noqa: F401
from portal.staff.models import AuditEvent, StaffInvitation, StaffUser  # noqa: F401
