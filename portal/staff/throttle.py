"""Slowing down password and code guessing without letting a stranger lock staff out.

Every failed password or code is counted under three keys: the account from this address
("pair"), the account from anywhere ("account") and this address for any account
("client"). Each key allows some failures free, then makes its next attempt wait, twice as
long each time (30 s, 1 min, 2 min … up to a cap). So:
- a guesser at one account from one address is slowed at once and soon waits 15 minutes;
- a guesser spraying many accounts from one address is slowed by the client key;
- a guesser at one account from many addresses is slowed by the account key, whose cap is
  short (5 minutes), and which a device the account has signed in from before ignores:
  a stranger cannot keep a moderator out of work, while the moderator's own browser
  still faces the pair key like anyone else.
Unknown emails are counted exactly as real ones (their keys are hashes of the typed
email), and the wait message is the same for both, so nothing tells which accounts exist.
Counts are rows in the database, so every app server sees the same ones.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, delete, select, update

from portal.extensions import db
from portal.staff.models import SignInThrottle
from portal.timeutil import as_aware, utcnow

KNOWN_DEVICE_COOKIE = "yp_staff_device"  # "__Host-yp_staff_device" in production
KNOWN_DEVICE_AGE = timedelta(days=365)
FORGET_AFTER = timedelta(hours=24)  # a key with no failure for this long starts again


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures before any wait
    cap: timedelta


def _rules() -> dict[str, Rule]:
    config = current_app.config
    return {
        "pair": Rule("pair", config.get("SIGN_IN_FREE_FAILURES", 5), config.get("SIGN_IN_MAX_WAIT", timedelta(minutes=15))),
        "account": Rule("account", config.get("SIGN_IN_ACCOUNT_FREE_FAILURES", 10),
                        config.get("SIGN_IN_ACCOUNT_MAX_WAIT", timedelta(minutes=5))),
        "client": Rule("client", config.get("SIGN_IN_CLIENT_FREE_FAILURES", 30),
                       config.get("SIGN_IN_MAX_WAIT", timedelta(minutes=15))),
    }


def _digest(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()[:40]


def keys_for(email: str, address: str | None = None) -> dict[str, str]:
    address = address or request.remote_addr or "unknown"
    account = _digest(email)
    return {"pair": f"pair:{account}:{_digest(address)}", "account": f"account:{account}",
            "client": f"client:{_digest(address)}"}


def wait_for(failures: int, rule: Rule) -> timedelta:
    """How long the attempt after `failures` failures must wait under `rule`."""
    over = failures - rule.free
    if over < 0:
        return timedelta(0)
    return min(rule.cap, timedelta(seconds=30 * 2 ** min(over, 16)))


def waiting(keys: dict[str, str], known_device: bool, now: datetime | None = None) -> timedelta:
    """How long these keys must still wait (zero if they may try now)."""
    now = now or utcnow()
    rows = db.session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(list(keys.values()))))
    longest = timedelta(0)
    for row in rows:
        kind = row.key.split(":", 1)[0]
        if kind == "account" and known_device:
            continue
        if row.blocked_until is not None and as_aware(row.blocked_until) > now:
            longest = max(longest, as_aware(row.blocked_until) - now)
    return longest


def record_failure(keys: dict[str, str], now: datetime | None = None) -> None:
    """Count a failure under each key and set its wait (the caller commits).

    One INSERT … ON CONFLICT DO UPDATE per key, so failures arriving at the same moment
    are all counted and two first failures never collide on the key.
    """
    now = now or utcnow()
    rules = _rules()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = SignInThrottle.__table__
    stale = now - FORGET_AFTER
    for kind, key in keys.items():
        statement = insert(table).values(key=key, failures=1, blocked_until=None, updated_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"failures": case((table.c.updated_at < stale, 1), else_=table.c.failures + 1), "updated_at": now},
        ).returning(table.c.failures)
        failures = db.session.execute(statement).scalar_one()
        wait = wait_for(failures, rules[kind])
        if wait:
            db.session.execute(update(table).where(table.c.key == key).values(blocked_until=now + wait))


def record_success(keys: dict[str, str]) -> None:
    """The right password and code: this account from this address starts again."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_([keys["pair"], keys["account"]])))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-known-device")


def known_device_for(user_id: int | None) -> bool:
    """Whether this browser has signed in to this account before (a signed cookie)."""
    if user_id is None:
        return False
    try:
        known = _serializer().loads(request.cookies.get(_cookie_name(), ""))
    except BadSignature:
        return False
    return isinstance(known, list) and user_id in known


def remember_device(response, user_id: int):
    try:
        known = _serializer().loads(request.cookies.get(_cookie_name(), ""))
        known = [i for i in known if isinstance(i, int)] if isinstance(known, list) else []
    except BadSignature:
        known = []
    known = [*[i for i in known if i != user_id], user_id][-10:]
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    response.set_cookie(_cookie_name(), _serializer().dumps(known), max_age=int(KNOWN_DEVICE_AGE.total_seconds()),
                        httponly=True, samesite="Lax", secure=secure, path="/")
    return response


def _cookie_name() -> str:
    return ("__Host-" if current_app.config.get("SESSION_COOKIE_SECURE") else "") + KNOWN_DEVICE_COOKIE


def describe(wait: timedelta) -> int:
    """Whole seconds to wait, rounded up, for the message."""
    return max(1, int(wait.total_seconds() + 0.999))
