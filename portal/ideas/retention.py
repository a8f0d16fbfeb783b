"""Ideas' personal data: how long it is kept, and how an admin finds, exports and erases
it (see portal/core/retention.py).

An idea's row stays (its reference, theme, area, dates, status and support counts keep
the results right, and the title and wording approved for the board stay); what the
person wrote and their email address go. Supports stay as long as the idea: they hold
only scrambled (hashed) device and address numbers, and an email address only while
the supporter waits to be told of the answer. Emailed codes go once expired.
"""

from sqlalchemy import and_, delete, func, or_, select, update

from portal.core import retention
from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport, SupportVerification
from portal.moderation.models import ModerationItem, ModerationNote
from portal.timeutil import uk_date

ITEM = ModerationItem.__table__
IDEA = Idea.__table__
SUPPORT = IdeaSupport.__table__
CODE = SupportVerification.__table__


def decided_before(moment):
    return or_(
        and_(ITEM.c.status != "hidden", ITEM.c.answered_at < moment),
        and_(ITEM.c.status == "hidden", func.coalesce(ITEM.c.reviewed_at, ITEM.c.created_at) < moment),
    )


def _batch_of(condition, batch: int):
    return select(IDEA.c.id).join(ITEM, ITEM.c.id == IDEA.c.id).where(condition).order_by(IDEA.c.id).limit(batch)


def remove_emails(now, batch: int) -> int:
    moment = retention.cutoff("email", now)
    ideas = db.session.execute(
        update(IDEA).where(IDEA.c.id.in_(_batch_of(and_(IDEA.c.email.is_not(None), decided_before(moment)), batch)),
                           IDEA.c.email.is_not(None)).values(email=None)).rowcount
    # A supporter is told when the idea is answered, and the address removed then; this
    # catches any left behind (a send that never went).
    answered = select(IDEA.c.id).join(ITEM, ITEM.c.id == IDEA.c.id).where(decided_before(moment))
    waiting = (select(SUPPORT.c.id).where(SUPPORT.c.notify_email.is_not(None), SUPPORT.c.idea_id.in_(answered))
               .order_by(SUPPORT.c.id).limit(batch))
    supports = db.session.execute(update(SUPPORT).where(SUPPORT.c.id.in_(waiting), SUPPORT.c.notify_email.is_not(None))
                                  .values(notify_email=None)).rowcount
    return ideas + supports


def _anonymise(ids_condition, replacement: str) -> list[int]:
    done = db.session.execute(
        update(IDEA).where(ids_condition, IDEA.c.body.not_in(retention.GONE))
        .values(title=replacement, body=replacement, email=None, age_band=None)
        .returning(IDEA.c.id)
    ).scalars().all()
    if done:
        db.session.execute(delete(ModerationNote).where(ModerationNote.item_id.in_(done)))
    return list(done)


def anonymise_old(now, batch: int) -> int:
    condition = and_(IDEA.c.body.not_in(retention.GONE), decided_before(retention.cutoff("message", now)))
    return len(_anonymise(IDEA.c.id.in_(_batch_of(condition, batch)), retention.REMOVED))


def delete_expired_codes(now, batch: int) -> int:
    expired = select(CODE.c.id).where(CODE.c.expires_at < now).order_by(CODE.c.id).limit(batch)
    return db.session.execute(delete(CODE).where(CODE.c.id.in_(expired), CODE.c.expires_at < now)).rowcount


RULES = [
    retention.Rule("idea email addresses removed", remove_emails),
    retention.Rule("ideas anonymised", anonymise_old),
    retention.Rule("expired support codes deleted", delete_expired_codes),
]


# ---- subject access and erasure ----------------------------------------------------


def _ideas(query: retention.Query) -> list[Idea]:
    if query.kind == "reference":
        condition = Idea.reference == query.value
    elif query.emails:
        condition = func.lower(Idea.email).in_(sorted(query.emails))
    else:
        return []
    return list(db.session.scalars(select(Idea).where(condition).order_by(Idea.id)))


def _addresses(query: retention.Query) -> list[str]:
    return sorted(query.emails)


def find(query: retention.Query) -> list[retention.Record]:
    records = [retention.Record("Idea", idea.display_reference, {
        "Reference": idea.display_reference,
        "Shared": uk_date(idea.created_at),
        "Status": idea.status,
        "Topic": idea.theme.name if idea.theme else None,
        "Area": idea.area.name if idea.area else None,
        "Title": idea.title,
        "The idea": idea.body,
        "Email address": idea.email,
        "Age group": idea.age_band,
        "Title approved for the board": idea.public_title,
        "Wording approved for the board": idea.public_text,
        "Supports": idea.support_count,
    }) for idea in _ideas(query)]
    addresses = _addresses(query)
    if addresses:
        supports = db.session.execute(
            select(IdeaSupport, Idea.reference).join(Idea, Idea.id == IdeaSupport.idea_id)
            .where(func.lower(IdeaSupport.notify_email).in_(addresses)).order_by(IdeaSupport.id)).all()
        from portal.shared.references import format_reference

        records += [retention.Record("Support for an idea, waiting to be told of the answer", None, {
            "Idea": format_reference(reference),
            "Supported": uk_date(support.created_at),
            "Email address": support.notify_email,
        }) for support, reference in supports]
        codes = db.session.scalars(select(SupportVerification).where(
            func.lower(SupportVerification.email).in_(addresses)).order_by(SupportVerification.id)).all()
        records += [retention.Record("Emailed code to confirm supports", None, {
            "Sent": uk_date(code.created_at),
            "Email address": code.email,
            "Expires": uk_date(code.expires_at),
        }) for code in codes]
    return records


def emails(query: retention.Query) -> set[str]:
    return {idea.email.lower() for idea in _ideas(query) if idea.email}


def erase(query: retention.Query) -> dict[str, int]:
    counts = {}
    if query.kind == "reference":
        condition = IDEA.c.reference == query.value
    elif query.emails:
        condition = func.lower(IDEA.c.email).in_(sorted(query.emails))
    else:
        condition = None
    if condition is not None:
        done = _anonymise(IDEA.c.id.in_(select(IDEA.c.id).where(condition)), retention.ERASED)
        if done:
            counts["ideas"] = len(done)
    addresses = _addresses(query)
    if addresses:
        supports = db.session.execute(update(SUPPORT).where(func.lower(SUPPORT.c.notify_email).in_(addresses))
                                      .values(notify_email=None)).rowcount
        codes = db.session.execute(delete(CODE).where(func.lower(CODE.c.email).in_(addresses))).rowcount
        if supports:
            counts["idea supports' email addresses"] = supports
        if codes:
            counts["support codes"] = codes
    return counts


SOURCES = [retention.Source("ideas", find, erase, emails)]
