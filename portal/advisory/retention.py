"""The advisory group's personal data: how long applications are kept, and how an admin
finds, exports and erases them (see portal/core/retention.py).

The privacy notice: if someone does not join, 1 year after we decide (declined,
withdrawn, not selected, or hidden by a moderator); if they join, until 1 year after
they leave. Then the application's row stays (its area pool, stage and dates keep the
seat counts and history right), but the name, contact details and answers go, its
equality answers become totals, and its emailed links are deleted.
"""

from sqlalchemy import and_, delete, func, or_, select, update

from portal.advisory.models import AdvisoryLink, Application, ApplicationEquality, Attendance, InvitationReply
from portal.core import retention
from portal.extensions import db
from portal.moderation.models import ModerationItem, ModerationNote
from portal.shared.equality_totals import add_to_totals
from portal.timeutil import uk_date

ITEM = ModerationItem.__table__
APPLICATION = Application.__table__
EQUALITY = ApplicationEquality.__table__
EQUALITY_QUESTIONS = ("sex", "ethnic_group", "ethnic_background", "religion", "disability")
NOT_JOINING = ("declined", "withdrawn", "not_selected")


def past_their_period(now):
    moment = retention.cutoff("advisory", now)
    return or_(
        and_(APPLICATION.c.stage.in_(NOT_JOINING), APPLICATION.c.stage_changed_at < moment),
        and_(APPLICATION.c.stage == "left", APPLICATION.c.left_on < moment.date()),
        and_(ITEM.c.status == "hidden", APPLICATION.c.stage.not_in(("member", "offered")),
             func.coalesce(ITEM.c.reviewed_at, ITEM.c.created_at) < moment),
    )


def _anonymise(ids_condition, replacement: str, count_equality: bool) -> list[int]:
    """Remove the person's details from the applications matched (only those not done
    already), with their equality answers (counted into totals if asked), emailed links
    and staff notes, in one transaction."""
    done = db.session.execute(
        update(APPLICATION).where(ids_condition, APPLICATION.c.name.not_in(retention.GONE))
        .values(name=replacement, email=None, phone=None, why=replacement, bring="", interests="",
                availability="", access_needs="", declaration="")
        .returning(APPLICATION.c.id, APPLICATION.c.declared_on)
    ).all()
    if not done:
        return []
    ids = [row.id for row in done]
    year = {row.id: row.declared_on.year for row in done}
    answers = db.session.execute(
        delete(EQUALITY).where(EQUALITY.c.application_id.in_(ids))
        .returning(EQUALITY.c.application_id, *[EQUALITY.c[q] for q in EQUALITY_QUESTIONS])
    ).all()
    if count_equality:
        add_to_totals("advisory", [(year[row.application_id], {q: getattr(row, q) for q in EQUALITY_QUESTIONS})
                                   for row in answers])
    db.session.execute(delete(AdvisoryLink).where(AdvisoryLink.application_id.in_(ids)))
    db.session.execute(delete(ModerationNote).where(ModerationNote.item_id.in_(ids)))
    return ids


def anonymise_old(now, batch: int) -> int:
    due = (select(APPLICATION.c.id).join(ITEM, ITEM.c.id == APPLICATION.c.id)
           .where(APPLICATION.c.name.not_in(retention.GONE), past_their_period(now))
           .order_by(APPLICATION.c.id).limit(batch))
    return len(_anonymise(APPLICATION.c.id.in_(due), retention.REMOVED, count_equality=True))


RULES = [retention.Rule("advisory group applications anonymised", anonymise_old)]


# ---- subject access and erasure ----------------------------------------------------


def _condition(query: retention.Query):
    if query.kind == "reference":
        return Application.reference == query.value
    if query.emails:
        return func.lower(Application.email).in_(sorted(query.emails))
    return None


def _applications(query: retention.Query) -> list[Application]:
    condition = _condition(query)
    if condition is None:
        return []
    return list(db.session.scalars(select(Application).where(condition).order_by(Application.id)))


def find(query: retention.Query) -> list[retention.Record]:
    records = []
    for application in _applications(query):
        records.append(retention.Record("Application to join the People’s Advisory Group",
                                        application.display_reference, {
            "Reference": application.display_reference,
            "Applied": uk_date(application.created_at),
            "Name": application.name,
            "Email address": application.email,
            "Phone": application.phone,
            "Age group": application.age_band,
            "Seat pool": application.seat_pool,
            "Why they want to join": application.why,
            "What they would bring": application.bring,
            "Topics they are interested in": application.interests,
            "When they can meet": application.availability,
            "Access needs": application.access_needs,
            "Declaration of interests": application.declaration,
            "Stage": application.stage,
            "Term": (f"{uk_date(application.term_start)} to {uk_date(application.term_end)}"
                     if application.term_start else None),
            "Left the group": uk_date(application.left_on) if application.left_on else None,
            "Meetings recorded": db.session.scalar(select(func.count()).select_from(Attendance)
                                                   .where(Attendance.application_id == application.id)),
            "Focus group invitations": db.session.scalar(select(func.count()).select_from(InvitationReply)
                                                         .where(InvitationReply.application_id == application.id)),
        }))
        equality = db.session.get(ApplicationEquality, application.id)
        if equality is not None:
            records.append(retention.Record("Equality answers given with an application", application.display_reference,
                                            {q.replace("_", " ").capitalize(): getattr(equality, q)
                                             for q in EQUALITY_QUESTIONS}))
    return records


def emails(query: retention.Query) -> set[str]:
    return {application.email.lower() for application in _applications(query) if application.email}


def erase(query: retention.Query) -> dict[str, int]:
    condition = _condition(query)
    if condition is None:
        return {}
    done = _anonymise(APPLICATION.c.id.in_(select(Application.id).where(condition)), retention.ERASED,
                      count_equality=False)
    return {"advisory group applications": len(done)} if done else {}


SOURCES = [retention.Source("advisory", find, erase, emails)]
