"""Safeguarding flags: raising one, telling the leads at once, escalating one left alone,
and stopping wording with a disclosure in it from being published.

A flag is raised when someone sends an item (the detector found something), when a
moderator flags it, and when the detector finds something in wording about to be
published. Every raise queues one email to the safeguarding leads in the same
transaction (the outbox's dedupe key makes a retry a no-op). The email carries no
words from the item, only a link to sign in.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import or_, select

from portal.extensions import db
from portal.i18n import gettext as _
from portal.moderation.kinds import kind_of
from portal.moderation.models import ModerationItem
from portal.moderation.safeguarding import find_concerns
from portal.shared.links import public_url
from portal.shared.outbox import enqueue
from portal.staff import audit
from portal.staff.models import StaffUser
from portal.timeutil import UK, utcnow

ESCALATE_AFTER_WORKING_HOURS = 4
WORKING_DAY = (time(9, 0), time(17, 0))  # UK time, Monday to Friday


class HeldForSafeguarding(Exception):
    """The wording would have published a disclosure: the items are now with the lead.

    The flags are already made; the caller commits them (and nothing else)."""

    def __init__(self, items: list[ModerationItem], categories: list[str]):
        super().__init__(_("This wording looks like it tells us someone may be at risk, so it has not been "
                           "published. The item has gone to the safeguarding lead."))
        self.items = items
        self.categories = categories


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of working time (9 to 5, Monday to Friday, UK time) after `start`.

    Bank holidays are not known here: a flag raised before one is escalated on it.
    """
    moment = start.astimezone(UK)
    left = timedelta(hours=hours)
    opens, closes = WORKING_DAY
    while True:
        day_open = moment.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
        day_close = moment.replace(hour=closes.hour, minute=closes.minute, second=0, microsecond=0)
        if moment.weekday() >= 5 or moment >= day_close:
            moment = day_open + timedelta(days=1)
            continue
        moment = max(moment, day_open)
        if moment + left <= day_close:
            return (moment + left).astimezone(UK)
        left -= day_close - moment
        moment = day_open + timedelta(days=1)


def raise_flag(item: ModerationItem, categories: list[str], source: str, actor: StaffUser | None = None,
               now: datetime | None = None, audited: bool = True) -> bool:
    """Hold the item for the lead and tell the leads. False if it was held already
    (its categories are still added to, and the leads are not told twice).
    `audited=False` when the caller audits the change itself (the queue's flag action)."""
    now = now or utcnow()
    known = [c for c in (item.safeguarding_categories or "").split(",") if c]
    item.safeguarding_categories = ",".join(dict.fromkeys(known + list(categories))) or None
    if item.is_held:
        return False
    item.safeguarding_state = "open"
    item.flagged_at = now
    item.flag_due_at = add_working_hours(now, ESCALATE_AFTER_WORKING_HOURS)
    item.flag_escalated_at = None
    db.session.flush()
    if audited:
        audit.record("safeguarding.flagged", kind_of(item).audit_type, item.id, after={"categories": item.safeguarding_categories},
                     detail=source, actor=actor)
    notify_leads(item)
    return True


def _staff_addresses(*roles: str) -> list[str]:
    return list(db.session.scalars(
        select(StaffUser.email).where(StaffUser.role.in_(roles), StaffUser.active.is_(True)).order_by(StaffUser.id)
    ))


def notify_leads(item: ModerationItem) -> int:
    """One email per lead per flag; admins if no lead is set up. No words from the item."""
    addresses = _staff_addresses("safeguarding_lead") or _staff_addresses("admin")
    stamp = item.flagged_at.strftime("%Y%m%dT%H%M%S%f")
    with force_locale("en"):
        subject = _("Your Place: a new safeguarding flag")
        body = "\n".join([
            _("Something sent to Your Place has been flagged for safeguarding and is waiting for you."),
            "",
            _("Sign in to read it and record what you did:"),
            public_url("/moderate/safeguarding"),
            "",
            _("This email does not contain what was written, on purpose."),
        ])
    return sum(enqueue(f"safeguarding-flag:{item.id}:{stamp}:{address}", address, subject, body)
               for address in addresses)


def overdue_flags(now: datetime | None = None, limit: int = 50) -> list[ModerationItem]:
    """Open flags past their due time, oldest first: the top of the staff home page."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(ModerationItem).where(ModerationItem.safeguarding_state == "open", ModerationItem.flag_due_at <= now)
        .order_by(ModerationItem.flag_due_at, ModerationItem.id).limit(limit)
    ).unique())


def escalate_overdue(now: datetime | None = None) -> int:
    """Tell the admins about each open flag past its due time, once. The caller commits."""
    now = now or utcnow()
    items = list(db.session.scalars(
        select(ModerationItem).where(ModerationItem.safeguarding_state == "open",
                                     ModerationItem.flag_due_at <= now,
                                     or_(ModerationItem.flag_escalated_at.is_(None),
                                         ModerationItem.flag_escalated_at < ModerationItem.flagged_at))
        .order_by(ModerationItem.flag_due_at, ModerationItem.id)
        # Two overlapping runs each take different flags: none is escalated twice.
        .with_for_update(of=ModerationItem, skip_locked=True)
    ).unique())
    addresses = _staff_addresses("admin")
    for item in items:
        item.flag_escalated_at = now
        stamp = item.flagged_at.strftime("%Y%m%dT%H%M%S%f")
        with force_locale("en"):
            subject = _("Your Place: a safeguarding flag has waited over %(hours)s working hours",
                        hours=ESCALATE_AFTER_WORKING_HOURS)
            body = "\n".join([
                _("A safeguarding flag has not been dealt with in %(hours)s working hours.",
                  hours=ESCALATE_AFTER_WORKING_HOURS),
                "",
                _("Sign in to see it and make sure a safeguarding lead picks it up:"),
                public_url("/moderate/safeguarding"),
            ])
        for address in addresses:
            enqueue(f"safeguarding-escalation:{item.id}:{stamp}:{address}", address, subject, body)
        audit.record("safeguarding.escalated_to_admins", kind_of(item).audit_type, item.id, detail=f"{len(addresses)} admins told")
    return len(items)


def stop_if_disclosure(items: list[ModerationItem], texts: list[str | None], source: str,
                       actor: StaffUser | None = None) -> None:
    """Raise HeldForSafeguarding (after flagging the items) if the detector finds anything
    in wording about to be public."""
    categories = find_concerns("\n".join(t for t in texts if t))
    if not categories:
        return
    for item in items:
        raise_flag(item, categories, source, actor=actor)
    raise HeldForSafeguarding(items, categories)


safeguarding_cli = AppGroup("safeguarding", help="Safeguarding flags.")


@safeguarding_cli.command("escalate")
def escalate_command():
    """Tell the admins about flags left for over four working hours (run from cron every 15 minutes)."""
    count = escalate_overdue()
    db.session.commit()
    click.echo(f"Escalated {count} flag{'s' if count != 1 else ''}.")


def init_cli(app) -> None:
    app.cli.add_command(safeguarding_cli)

