"""Making People's Advisory Group rows directly through the models (inside an app context)."""

import itertools
from datetime import date, datetime, timedelta

from portal.advisory import draw, services
from portal.advisory.models import EQUALITIES_FORUM, Application, ApplicationEquality
from portal.extensions import db
from portal.shared.references import new_reference
from portal.timeutil import UK, uk_today, utcnow
from tests.support.factories import area_id

_counter = itertools.count(1)


def make_application(
    name: str = "Amina Hussain",
    *,
    pool: str = "keighley",
    stage: str = "submitted",
    email: str | None = "amina@example.com",
    phone: str | None = None,
    why: str = "I want my neighbourhood to have a say in what gets built.",
    bring: str = "I run a youth football club and know a lot of families.",
    interests: tuple[str, ...] = ("sharing-spaces-and-places",),
    availability: tuple[str, ...] = ("weekday_evening",),
    access_needs: str = "",
    declaration: str = "",
    declared_on: date | None = None,
    equality: dict | None = None,
    created_at: datetime | None = None,
    safeguarding_state: str = "none",
    term_end: date | None = None,
    offer_expires_at: datetime | None = None,
    commit: bool = True,
) -> Application:
    """An application as `services.apply` and the moves would have left it at `stage`:
    a member has a term, an offer an expiry (14 days on unless given), a waiting list place
    its start. `equality` is stored in its own table, as `services.store_equality` does."""
    n = next(_counter)
    now = utcnow()
    created_at = created_at or now - timedelta(days=30, minutes=n)
    today = uk_today()
    application = Application(
        reference=new_reference(), draft_token=f"advisory-test-{n}-{created_at.timestamp()}",
        audience="adult", language="en", area_id=None if pool == EQUALITIES_FORUM else area_id(pool),
        name=name, email=email, phone=phone, age_band="25_44", seat_pool=pool, why=why, bring=bring,
        interests=",".join(interests), availability=",".join(availability), access_needs=access_needs,
        declaration=declaration, declared_on=declared_on or created_at.astimezone(UK).date(), consent_at=created_at,
        stage=stage, stage_changed_at=created_at, status="received", safeguarding_state=safeguarding_state,
        created_at=created_at, due_on=services.due_date(created_at.astimezone(UK).date()),
        waiting_since=created_at + timedelta(minutes=n) if stage == "waiting_list" else None,
        offer_expires_at=(offer_expires_at or now + timedelta(days=14)) if stage == "offered" else offer_expires_at,
        term_start=today - timedelta(days=30) if stage == "member" else None,
        term_end=(term_end or services.add_years(today, 2)) if stage == "member" else term_end,
    )
    db.session.add(application)
    db.session.flush()
    if equality:
        db.session.add(ApplicationEquality(application_id=application.id, **equality))
    if commit:
        db.session.commit()
    return application


def advisory_objects() -> dict:
    """One of each thing the staff screens' URLs name: an application, a pool, a draw, a
    meeting, a focus group invitation and a reply to it (for the walk of every staff URL)."""
    waiting = [make_application(f"Hopeful {i}", email=None, equality={"sex": "female" if i % 2 else "male"},
                                commit=False) for i in range(7)]
    member = make_application("Member One", pool="shipley", stage="member", email=None)
    held = draw.hold_draw("keighley", "sex", None, seed="0123456789abcdef")
    meeting = services.add_meeting(uk_today() - timedelta(days=7), "City Hall, Bradford", "Welcome", None)
    invitation = services.invite("Safer parks", "What would help?", uk_today() + timedelta(days=14),
                                 "Shipley Library", [member], None)
    reply = services.replies_for(invitation)[0]
    return {"application_id": waiting[0].id, "pool": "keighley", "draw_id": held.id, "meeting_id": meeting.id,
            "invitation_id": invitation.id, "reply_id": reply.id}
