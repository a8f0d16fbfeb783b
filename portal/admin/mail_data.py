"""The outbox's personal data: emails hold an address and a message. Once sent, a
message's address and words are kept only as long as the email address itself
(RETENTION_EMAIL_DAYS), then blanked; the row stays, so its dedupe key still stops the
same news going twice. Erasing an address blanks what was sent to it and deletes what
is still waiting, so nothing more is sent to it."""

from sqlalchemy import and_, delete, func, or_, select, update

from portal.core import retention
from portal.extensions import db
from portal.shared.outbox import MAX_ATTEMPTS, OutboxMessage
from portal.timeutil import uk_date

OUTBOX = OutboxMessage.__table__


def blank_old_messages(now, batch: int) -> int:
    moment = retention.cutoff("email", now)
    old = or_(OUTBOX.c.sent_at < moment,
              and_(OUTBOX.c.sent_at.is_(None), OUTBOX.c.attempts >= MAX_ATTEMPTS, OUTBOX.c.created_at < moment))
    due = select(OUTBOX.c.id).where(old, OUTBOX.c.to_address != "").order_by(OUTBOX.c.id).limit(batch)
    return db.session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(due), OUTBOX.c.to_address != "")
                              .values(to_address="", body=retention.REMOVED)).rowcount


RULES = [retention.Rule("sent emails' addresses and words removed", blank_old_messages)]


def _to(query: retention.Query):
    return func.lower(OUTBOX.c.to_address).in_(sorted(query.emails)) if query.emails else None


def find(query: retention.Query) -> list[retention.Record]:
    condition = _to(query)
    if condition is None:
        return []
    rows = db.session.execute(select(OUTBOX).where(condition).order_by(OUTBOX.c.id)).all()
    return [retention.Record("Email we sent or are about to send", None, {
        "To": row.to_address,
        "Subject": row.subject,
        "Message": row.body,
        "Queued": uk_date(row.created_at),
        "Sent": uk_date(row.sent_at) if row.sent_at else None,
    }) for row in rows]


def erase(query: retention.Query) -> dict[str, int]:
    condition = _to(query)
    if condition is None:
        return {}
    waiting = db.session.execute(delete(OUTBOX).where(condition, OUTBOX.c.sent_at.is_(None))).rowcount
    sent = db.session.execute(update(OUTBOX).where(condition, OUTBOX.c.sent_at.is_not(None))
                              .values(to_address="", body=retention.ERASED)).rowcount
    counts = {}
    if sent:
        counts["emails sent"] = sent
    if waiting:
        counts["emails waiting to be sent"] = waiting
    return counts


SOURCES = [retention.Source("outbox", find, erase)]
