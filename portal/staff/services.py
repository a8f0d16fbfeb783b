"""Staff accounts: passwords (argon2id), one-time codes (TOTP), lockout."""

import hashlib
import secrets
import time
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.staff import audit
from portal.staff.models import ROLES, RecoveryCode, StaffUser
from portal.timeutil import as_aware, utcnow


def password_hasher() -> PasswordHasher:
    """argon2id; the defaults (64 MiB, t=3, p=4) are above OWASP ASVS's minimum.

    The test suite lowers the cost through ARGON2_PARAMETERS so hundreds of sign-in
    attempts stay fast; a hash made that way is rehashed at the next sign-in.
    """
    params = current_app.config.get("ARGON2_PARAMETERS") or {}
    return PasswordHasher(**params)

MIN_PASSWORD_LENGTH = 15
ISSUER = "Your Place Bradford"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # as references: no 0/O, 1/I/L


class AccountError(ValueError):
    pass


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password may not be used, or None (OWASP ASVS 6.2.4 and 6.2.12).

    At least 15 characters, and not a common or breached password or close to one:
    zxcvbn ships lists of the passwords most often found in breaches and checks
    repeats, keyboard runs, dates and the person's own name and email, with no network
    call. A score under 3 ("safely unguessable: moderate protection from an offline
    attack") is refused.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    from zxcvbn import zxcvbn

    inputs = [part for part in (email, email.split("@")[0], name, "yourplace", "bradford") if part]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < 3:
        return ("This password is too easy to guess: it is a common or breached password, or close to one. "
                "Choose another, for example four random words")
    return None


def create_staff_user(
    email: str, password: str, role: str, display_name: str | None = None, totp_secret: str | None = None
) -> StaffUser:
    """A new account. With a secret given the authenticator is already set up (demo, tests)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    problem = password_problem(password, email, display_name or "")
    if problem:
        raise AccountError(problem)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)):
        raise AccountError(f"An account for {email} already exists")
    user = StaffUser(
        email=email,
        display_name=display_name or email.split("@")[0],
        role=role,
        password_hash=password_hasher().hash(password),
        totp_secret=totp_secret,
        totp_confirmed=totp_secret is not None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("staff.created", "staff_user", user.id, after={"email": email, "role": role})
    return user


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def check_password(user: StaffUser | None, password: str) -> bool:
    if user is None:
        # Hash anyway, so a wrong email takes as long as a wrong password.
        password_hasher().hash(password)
        return False
    try:
        password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher().hash(password)
    return True


def verify_code(user: StaffUser, code: str) -> bool:
    """A current one-time code, one step either side for clock drift, never reused."""
    if not user.totp_secret:
        return False
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if step > user.last_totp_step and totp.generate_otp(step) == code:
            user.last_totp_step = step
            return True
    return False


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_recovery_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def looks_like_recovery_code(typed: str) -> bool:
    code = normalise_recovery_code(typed)
    return len(code) == 10 and not code.isdigit()


def new_recovery_codes(user: StaffUser) -> list[str]:
    """Replace the account's recovery codes with ten new ones; return them to show once."""
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code)))
    audit.record("staff.recovery_codes_made", "staff_user", user.id, actor=user)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(user: StaffUser, typed: str) -> bool:
    """A recovery code instead of the authenticator's code: each works once."""
    from sqlalchemy import update

    used = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(normalise_recovery_code(typed)),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    if used.rowcount != 1:
        return False
    audit.record("sign_in.recovery_code_used", "staff_user", user.id, actor=user)
    return True


def recovery_codes_left(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def reset_authenticator(user: StaffUser, actor: StaffUser | None, reason: str) -> None:
    """An admin's recovery for someone who lost their authenticator: the next sign-in
    sets up a new one (and new recovery codes). Audited with who and why."""
    user.totp_secret = None
    user.totp_confirmed = False
    user.last_totp_step = 0
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    audit.record("staff.authenticator_reset", "staff_user", user.id, actor=actor, detail=reason)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def current_code(user: StaffUser) -> str:
    """The code an authenticator app would show now (local development only)."""
    return pyotp.TOTP(user.totp_secret).now()


# ---- accounts an admin manages -------------------------------------------------------

INVITATION_DAYS = 7
UNUSABLE_PASSWORD = ""  # never verifies: argon2 refuses it as a hash


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit_state(user: StaffUser) -> dict:
    return {"email": user.email, "name": user.display_name, "role": user.role, "active": user.active,
            "authenticator": user.totp_confirmed}


def account_state(user: StaffUser) -> str:
    """What an admin needs to know first: invited (no password yet), disabled, set up."""
    if not user.active:
        return "disabled"
    if not user.password_hash:
        return "invited"
    if not user.totp_confirmed:
        return "no_authenticator"
    return "active"


def invite(email: str, display_name: str, role: str, actor: StaffUser) -> tuple[StaffUser, str]:
    """A new account with no password, and a single-use link for the person to set one
    (then their authenticator). Returns the account and the link's token."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    if find_by_email(email):
        raise AccountError(f"There is already an account for {email}. Open it to send a new link")
    user = StaffUser(email=email, display_name=display_name.strip() or email.split("@")[0], role=role,
                     password_hash=UNUSABLE_PASSWORD, totp_confirmed=False)
    db.session.add(user)
    db.session.flush()
    audit.record("staff.invited", "staff_user", user.id, after=_audit_state(user), actor=actor)
    return user, new_invitation(user, actor)


def new_invitation(user: StaffUser, actor: StaffUser) -> str:
    """A fresh set-your-password link for the account; any earlier one stops working."""
    from portal.staff.models import StaffInvitation

    now = utcnow()
    db.session.query(StaffInvitation).filter(StaffInvitation.user_id == user.id,
                                             StaffInvitation.used_at.is_(None)).update({"used_at": now})
    token = secrets.token_urlsafe(32)
    db.session.add(StaffInvitation(user_id=user.id, token_hash=_token_hash(token), expires_at=now + timedelta(days=INVITATION_DAYS),
                                   created_by_id=actor.id if actor else None))
    audit.record("staff.invitation_sent", "staff_user", user.id, actor=actor)
    return token


def invitation_for(token: str):
    """The unused, unexpired invitation a link's token belongs to, or None."""
    from portal.staff.models import StaffInvitation

    invitation = db.session.scalar(select(StaffInvitation).where(StaffInvitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.used_at is not None or as_aware(invitation.expires_at) < utcnow():
        return None
    user = db.session.get(StaffUser, invitation.user_id)
    return invitation if user is not None and user.active else None


def accept_invitation(token: str, password: str) -> StaffUser:
    """Set the password through the link, once. The authenticator is set up next (and
    set up again, since a new link may follow a lost one)."""
    from sqlalchemy import update

    from portal.staff.models import StaffInvitation

    invitation = invitation_for(token)
    if invitation is None:
        raise AccountError("This link does not work any more")
    user = db.session.get(StaffUser, invitation.user_id)
    problem = password_problem(password, user.email, user.display_name)
    if problem:
        raise AccountError(problem)
    # Conditional, so two tabs sending the same link set one password.
    used = db.session.execute(update(StaffInvitation).where(
        StaffInvitation.id == invitation.id, StaffInvitation.used_at.is_(None)).values(used_at=utcnow()))
    if used.rowcount != 1:
        raise AccountError("This link does not work any more")
    user.password_hash = password_hasher().hash(password)
    audit.record("staff.password_set", "staff_user", user.id, actor=user, detail="through an invitation link")
    return user


def _other_active_admins(user: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id)) or 0


def change_role(user: StaffUser, role: str, actor: StaffUser) -> bool:
    """Returns False if nothing changed. Refuses to leave the portal without an admin."""
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    if role == user.role:
        return False
    if user.role == "admin" and user.active and not _other_active_admins(user):
        raise AccountError("This is the only admin. Make someone else an admin first")
    before = _audit_state(user)
    user.role = role
    audit.record("staff.role_changed", "staff_user", user.id, before=before, after=_audit_state(user), actor=actor)
    return True


def set_active(user: StaffUser, active: bool, actor: StaffUser) -> bool:
    """Disable or enable an account. A disabled account's sessions stop working at once
    (the session loader refuses it) and it cannot sign in. Returns False if no change."""
    if user.active == active:
        return False
    if not active and user.id == actor.id:
        raise AccountError("You cannot disable your own account")
    if not active and user.role == "admin" and not _other_active_admins(user):
        raise AccountError("This is the only admin. Make someone else an admin first")
    before = _audit_state(user)
    user.active = active
    audit.record("staff.enabled" if active else "staff.disabled", "staff_user", user.id, before=before,
                 after=_audit_state(user), actor=actor)
    return True
