"""People's Advisory Group rows for tests, made straight through the models (inside an
app context), and a look at "everything that could change" to prove a refusal changed
nothing.

`make_application` writes an application as `services.apply` and `services.move` would
have left it at any stage, without the caps: a test builds the state it needs (a full
pool, an expired offer) directly, and then uses the real services on it.
"""

import itertools
import os
import re
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from portal.advisory import services
from portal.advisory.models import (
    EQUALITIES_FORUM,
    AdvisoryLink,
    Application,
    ApplicationEquality,
    InvitationReply,
)
from portal.core.models import Area
from portal.extensions import db
from portal.moderation.models import ModerationItem
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from portal.timeutil import UK, add_working_days, utcnow
from tests.support.factories import reference_for

_counter = itertools.count(1)
AREAS = ("bradford-east", "bradford-west", "bradford-south", "keighley", "shipley")
POOLS = (*AREAS, EQUALITIES_FORUM)
OFFER_LINK = re.compile(r"/advisory-group/offer/([A-Za-z0-9_.\-]+)")


def make_application(
    pool: str = "keighley",
    stage: str = "submitted",
    *,
    name: str | None = None,
    email: str | None = "",
    phone: str | None = None,
    created_at: datetime | None = None,
    offer_expires_at: datetime | None = None,
    waiting_since: datetime | None = None,
    held: bool = False,
    equality: dict | None = None,
    why: str = "I want my area to be heard.",
    commit: bool = True,
) -> Application:
    """An application at `stage` in `pool` (an area's slug, or the Equalities Forum).

    An offer is outstanding for 14 days unless `offer_expires_at` says otherwise; a
    member's term is two years from today; `held` flags it for safeguarding (open).
    `email=""` gives it a unique address; `None` leaves it without one."""
    n = next(_counter)
    now = utcnow()
    created_at = created_at or now - timedelta(hours=1, minutes=n)
    today = now.astimezone(UK).date()
    area_id = None if pool == EQUALITIES_FORUM else db.session.scalar(select(Area.id).where(Area.slug == pool))
    application = Application(
        reference=reference_for(500_000 + n), draft_token=f"advisory-test-{n}-{created_at.timestamp()}",
        audience="adult", language="en", area_id=area_id,
        name=name or f"Applicant {n}", email=f"applicant{n}@example.com" if email == "" else email, phone=phone,
        age_band="25_44", seat_pool=pool, why=why, bring="Time and patience.",
        declared_on=today, consent_at=created_at, stage=stage, stage_changed_at=created_at,
        status="answered" if stage in services.FINISHED else "received",
        safeguarding_state="open" if held else "none",
        safeguarding_categories="self_harm" if held else None, flagged_at=created_at if held else None,
        created_at=created_at, due_on=add_working_days(created_at.date(), services.TARGET_WORKING_DAYS),
    )
    if stage == "offered":
        application.offer_expires_at = offer_expires_at or now + timedelta(days=services.LINK_DAYS["offer"])
    if stage == "waiting_list":
        application.waiting_since = waiting_since or created_at
    if stage in ("member", "left"):
        application.term_start = today
        application.term_end = services.add_years(today, 2)
    if stage == "left":
        application.left_on = today
    db.session.add(application)
    db.session.flush()
    if equality:
        db.session.add(ApplicationEquality(application_id=application.id, **equality))
    if commit:
        db.session.commit()
    return application


def fill(pool: str, members: int = 0, offers: int = 0, expired_offers: int = 0, **options) -> list[Application]:
    """Members, outstanding offers and expired offers in one pool (committed)."""
    made = [make_application(pool, "member", commit=False, **options) for _ in range(members)]
    made += [make_application(pool, "offered", commit=False, **options) for _ in range(offers)]
    made += [make_application(pool, "offered", offer_expires_at=utcnow() - timedelta(minutes=1), commit=False,
                              **options) for _ in range(expired_offers)]
    db.session.commit()
    return made


def holding(pool: str | None = None, now: datetime | None = None) -> int:
    """Seats held (members and offers that have not expired), counted here independently
    of portal.advisory.seats, so a test of the caps does not trust what it tests."""
    now = now or utcnow()
    statement = select(func.count()).select_from(Application).where(or_(
        Application.stage == "member", (Application.stage == "offered") & (Application.offer_expires_at > now)))
    if pool:
        statement = statement.where(Application.seat_pool == pool)
    return db.session.scalar(statement)


def offer_token(application_id: int) -> str:
    """The token in the newest offer email sent to this application."""
    application = db.session.get(Application, application_id)
    bodies = db.session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.dedupe_key.startswith(f"advisory:offered:{application_id}:"),
        OutboxMessage.to_address == application.email).order_by(OutboxMessage.id.desc()))
    for body in bodies:
        found = OFFER_LINK.search(body)
        if found:
            return found.group(1)
    raise AssertionError(f"no offer email for application {application_id}")


def world() -> dict:
    """Everything a step on an application could change: compare before and after."""
    columns = (Application.id, Application.stage, Application.stage_changed_at, Application.offer_expires_at,
               Application.waiting_since, Application.term_start, Application.term_end, Application.left_on,
               Application.declaration, Application.declared_on, Application.draw_id, ModerationItem.status,
               ModerationItem.reviewed_at, ModerationItem.answered_at)
    db.session.expire_all()
    return {
        "applications": [tuple(row) for row in db.session.execute(select(*columns).order_by(Application.id))],
        "audit": [tuple(row) for row in db.session.execute(
            select(AuditEvent.id, AuditEvent.action).order_by(AuditEvent.id))],
        "outbox": list(db.session.scalars(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id))),
        "links": [tuple(row) for row in db.session.execute(
            select(AdvisoryLink.id, AdvisoryLink.used_at).order_by(AdvisoryLink.id))],
        "replies": [tuple(row) for row in db.session.execute(
            select(InvitationReply.id, InvitationReply.reply, InvitationReply.replied_at).order_by(InvitationReply.id))],
        "equality": [tuple(row) for row in db.session.execute(
            select(ApplicationEquality.application_id, ApplicationEquality.sex, ApplicationEquality.ethnic_group,
                   ApplicationEquality.ethnic_background, ApplicationEquality.religion,
                   ApplicationEquality.disability).order_by(ApplicationEquality.application_id))],
    }


def race_server():
    """`flask --app "tests.support.advisory_factories:race_server()"`: the portal as
    `make run` builds it, with the advisory group's sizes from the environment
    (ADVISORY_GROUP_SIZE, ADVISORY_SEATS_PER_AREA), which production reads from its
    instance config. For the seat race's server processes."""
    from portal import create_app

    app = create_app()
    for key in ("ADVISORY_GROUP_SIZE", "ADVISORY_SEATS_PER_AREA"):
        if os.environ.get(key):
            app.config[key] = int(os.environ[key])
    return app
