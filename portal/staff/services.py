"""Staff accounts: passwords (argon2id), one-time codes (TOTP), lockout."""

import time
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.staff import audit
from portal.staff.models import ROLES, StaffUser
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


class AccountError(ValueError):
    pass


def create_staff_user(
    email: str, password: str, role: str, display_name: str | None = None, totp_secret: str | None = None
) -> StaffUser:
    """A new account. With a secret given the authenticator is already set up (demo, tests)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters")
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


def is_locked(user: StaffUser, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return user.locked_until is not None and as_aware(user.locked_until) > now


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


def register_failure(user: StaffUser, stage: str) -> bool:
    """Count a failed password or code; lock the account at the limit. True if now locked.

    Commits itself: the failure must be on record even though the request that caused
    it ends in an error page, or a guesser could retry for ever.
    """
    user.failed_attempts += 1
    audit.record("sign_in.failed", "staff_user", user.id, detail=stage, actor=user)
    if user.failed_attempts >= current_app.config["SIGN_IN_MAX_FAILURES"]:
        user.locked_until = utcnow() + current_app.config["SIGN_IN_LOCKOUT"]
        user.failed_attempts = 0
        audit.record(
            "sign_in.locked", "staff_user", user.id, actor=user,
            after={"locked_until": user.locked_until.isoformat()},
        )
        db.session.commit()
        return True
    db.session.commit()
    return False


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


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def current_code(user: StaffUser) -> str:
    """The code an authenticator app would show now (local development only)."""
    return pyotp.TOTP(user.totp_secret).now()
