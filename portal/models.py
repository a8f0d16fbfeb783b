"""Every model, imported in one place so Alembic and the shell see the whole schema."""

from portal.core.models import Area, Pillar, Setting, Theme  # noqa: F401
from portal.feedback.models import EqualityAnswers, SafeguardingPhrase, Submission  # noqa: F401
from portal.moderation.models import ModerationNote, SafeguardingAction  # noqa: F401
from portal.responses.models import OutboxMessage, Response, ResponseUpdate  # noqa: F401
from portal.sessions import WebSession  # noqa: F401
from portal.staff.models import AuditEvent, StaffUser  # noqa: F401
