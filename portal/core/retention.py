"""How long personal data is kept, and what each capability does about it.

The periods are defined here once: the privacy pages show them (templates/core/_periods.html)
and `flask --app portal retention run` applies them, so the two cannot disagree. Each
can be changed in the configuration (instance/config.py), e.g. RETENTION_EMAIL_DAYS = 60.

Core names no capability. Each capability's `init_app` calls `contribute(app, ...)` with
- retention rules: what to clear or anonymise once a period has passed. A rule is a
  conditional UPDATE or DELETE of one batch, run again until it changes nothing, so
  running the job daily, or twice at once, does each thing once and never fails;
- personal-data sources: how to find, export and erase what it holds about a
  reference number or an email address (subject access and erasure, portal/admin/rights.py).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import text

from portal.extensions import db
from portal.i18n import N_
from portal.shared import devices
from portal.shared.references import format_reference, parse_reference
from portal.timeutil import utcnow

EXTENSION = "your_place_retention"

# What anonymised text is replaced with: it says what happened, and is how a rule knows
# a row is done (the rules' conditions test for it, so a second run changes nothing).
REMOVED = "[Removed: kept only as long as our privacy notice says]"
ERASED = "[Erased at the person's request]"
GONE = (REMOVED, ERASED)


@dataclass(frozen=True)
class Period:
    """A period in the privacy notice: its configuration key, unit and default."""

    config_key: str | None
    unit: str  # "years", "days" or "hours"
    default: int | timedelta
    # For a period another part of the portal sets (a cookie's lifetime): read from there.
    read: Callable[[], int | timedelta] | None = None

    @property
    def amount(self) -> int:
        value = self.read() if self.read else current_app.config.get(self.config_key, self.default)
        if isinstance(value, timedelta):  # e.g. ANON_IDLE_TIMEOUT, which the sessions use
            value = round(value.total_seconds() / {"years": 365 * 86400, "days": 86400, "hours": 3600}[self.unit])
        return int(value)

    def before(self, now: datetime) -> datetime:
        """The moment `amount` units before `now`: what is older has passed this period."""
        if self.unit == "years":
            try:
                return now.replace(year=now.year - self.amount)
            except ValueError:  # 29 February, in a year that has none
                return now.replace(year=now.year - self.amount, day=28)
        return now - timedelta(**{self.unit: self.amount})


# Every period the privacy notices state, by name.
PERIODS = {
    # What someone told us (feedback, an idea), after we answer it; then anonymised.
    "message": Period("RETENTION_MESSAGE_YEARS", "years", 3),
    # An email address given to hear back, after we answer.
    "email": Period("RETENTION_EMAIL_DAYS", "days", 90),
    # Equality answers; after this only totals are kept.
    "equality": Period("RETENTION_EQUALITY_YEARS", "years", 5),
    # An advisory group application: after we decide, or after a member leaves the group.
    "advisory": Period("RETENTION_ADVISORY_YEARS", "years", 1),
    # A resident's session (the answers in a form), if they do nothing.
    # (The sessions' own setting, so the page says what portal/sessions.py does.)
    "session": Period("ANON_IDLE_TIMEOUT", "hours", timedelta(hours=2)),
    # The device and language cookies: as long as the device cookie lasts.
    "cookie": Period(None, "years", 1, read=lambda: timedelta(seconds=devices.MAX_AGE)),
}


def period(name: str) -> Period:
    return PERIODS[name]


def cutoff(name: str, now: datetime | None = None) -> datetime:
    return PERIODS[name].before(now or utcnow())


def stated_periods() -> dict[str, dict]:
    """{name: {"amount": 3, "unit": "years"}} for the privacy pages to word."""
    return {name: {"amount": p.amount, "unit": p.unit} for name, p in PERIODS.items()}


# ---- what capabilities contribute ----------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One thing the job does: `apply(now, batch)` changes at most `batch` rows (one
    conditional statement, or a few in one transaction) and returns how many it changed.
    It must be idempotent: a row it has dealt with no longer matches its condition."""

    name: str  # what the job prints: "feedback emails removed"
    apply: Callable[[datetime, int], int]


@dataclass(frozen=True)
class Query:
    """What an admin searched for: a stored reference ("7K3Q94MD") or an email address."""

    kind: str  # "reference" or "email"
    value: str
    # Every address to look for: the one searched for, or those the reference's records
    # hold (filled in by the admin's search, from each source's `emails`).
    emails: frozenset[str] = frozenset()

    @property
    def shown(self) -> str:
        return format_reference(self.value) if self.kind == "reference" else self.value


@dataclass
class Record:
    """One thing held about a person: what it is, its reference if it has one, and its
    fields as stored (label -> value), for the screen, the printable page and the JSON."""

    what: str  # e.g. "Feedback"
    reference: str | None
    fields: dict
    # References of other items this points to (e.g. a support points to the idea).
    erasable: bool = True


@dataclass(frozen=True)
class Source:
    """Personal data one capability holds. `find(query)` -> [Record]; `erase(query)` ->
    {what: how many changed}, in the caller's transaction. `emails(query)` -> addresses
    its records hold, so a search by reference also finds the emails sent to them."""

    name: str
    find: Callable[[Query], list[Record]]
    erase: Callable[[Query], dict[str, int]]
    emails: Callable[[Query], set[str]] = lambda query: set()


@dataclass
class Registry:
    rules: list[Rule] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions.setdefault(EXTENSION, Registry())


def contribute(app: Flask, *, rules: list[Rule] = (), sources: list[Source] = ()) -> None:
    found = registry(app)
    found.rules.extend(rules)
    found.sources.extend(sources)


# ---- reading what an admin typed ------------------------------------------------------

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class QueryError(ValueError):
    pass


def parse_query(typed: str | None) -> Query:
    """A reference (BD-7K3Q-94MD, any case or spacing) or an email address, or QueryError."""
    typed = (typed or "").strip()
    if not typed:
        raise QueryError(N_("Enter a reference number or an email address"))
    if len(typed) > 254:
        raise QueryError(N_("Enter a reference number or an email address of 254 characters or fewer"))
    if "@" in typed:
        if not EMAIL.match(typed):
            raise QueryError(N_("Enter an email address in the correct format, like name@example.com"))
        return Query("email", typed.lower())
    reference = parse_reference(typed)
    if reference is None:
        raise QueryError(N_("Enter a reference number in the correct format, like BD-7K3Q-94MD"))
    return Query("reference", reference)


# ---- the job ----------------------------------------------------------------------------


def _serialise(rule_name: str) -> None:
    """On PostgreSQL, one job at a time per rule within a batch's transaction (a lock
    released at commit), so two runs at once never even wait on each other's rows in a
    different order. SQLite's single writer does the same by itself."""
    if db.session.get_bind().dialect.name == "postgresql":
        key = sum(ord(ch) * (index + 1) for index, ch in enumerate(rule_name)) % 2_000_000_000
        db.session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :key)"),
                           {"namespace": 4242, "key": key})


def run(now: datetime | None = None, batch: int | None = None) -> dict[str, int]:
    """Apply every contributed rule until it has nothing left; {rule: rows changed}."""
    now = now or utcnow()
    batch = batch or int(current_app.config.get("RETENTION_BATCH", 500))
    counts: dict[str, int] = {}
    for rule in registry().rules:
        total = 0
        while True:
            try:
                _serialise(rule.name)
                changed = rule.apply(now, batch)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            total += changed
            if changed < batch:
                break
        counts[rule.name] = total
    return counts
