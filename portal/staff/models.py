"""Staff accounts and the audit log every staff action writes to."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.i18n import N_
from portal.timeutil import utcnow

ROLES = ("facilitator", "moderator", "safeguarding_lead", "admin")
# Plain text (the command line prints them too), translated where a page shows them.
ROLE_LABELS = {
    "facilitator": N_("Facilitator"),
    "moderator": N_("Moderator"),
    "safeguarding_lead": N_("Safeguarding lead"),
    "admin": N_("Admin"),
}


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last time-step accepted, so a one-time code cannot be used twice.
    last_totp_step: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def has_role(self, *roles: str) -> bool:
        # Admins can do everything a moderator or lead can.
        return self.role in roles or self.role == "admin"


class AuditEvent(db.Model):
    """Who did what, when, to what, with the before and after state."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # Kept as text too, so the log still reads right if an account is renamed.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))


class SignInThrottle(db.Model):
    """Failed sign-ins counted per key ("pair:…" one account from one address, "account:…",
    "client:…"), and how long that key must wait. Keys for emails are hashed, and unknown
    emails are counted exactly as real ones, so the counts reveal no account."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecoveryCode(db.Model):
    """One-time recovery codes, shown once when the authenticator is set up; stored hashed."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StaffInvitation(db.Model):
    """A single-use link an admin sends so a new staff member (or one whose password was
    reset) sets their own password, then their authenticator. Only the token's hash is
    kept; the newest invitation for an account is the only one that works."""

    __tablename__ = "staff_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
