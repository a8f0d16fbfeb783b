"""The rules of the idea board: proposing an idea once, supporting it once per device,
keeping the tallies exact, verifying by emailed code, merging duplicates, and telling
people when an idea is answered.

Support and withdraw commit themselves, as submitting feedback does: "once per device"
is a unique constraint, which only the database can test, and the tally must change in
the same transaction as the row.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, bindparam, delete, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.ideas.models import BODY_MAX, TITLE_MAX, Event, Idea, IdeaSupport, SupportVerification
from portal.moderation.flags import raise_flag, stop_if_disclosure
from portal.moderation.models import ModerationItem
from portal.moderation.redaction import redact
from portal.moderation.safeguarding import find_concerns
from portal.shared.cache import forget
from portal.shared.links import public_url
from portal.shared.outbox import enqueue
from portal.shared.pagecache import pages_changed
from portal.shared.pagination import Page, QueryFilters, choice, cursor, keyset_page
from portal.shared.references import format_reference, new_reference
from portal.staff import audit
from portal.timeutil import UK, add_working_days, utcnow

PAGE_SIZE = 20
ORDERS = {"supported": N_("Most supported"), "newest": N_("Newest")}
CODE_LIFETIME = timedelta(minutes=30)
CODE_ATTEMPTS = 5


class DraftIncomplete(Exception):
    """The draft is missing an answer."""


class NotOpen(Exception):
    """The idea cannot be supported (not published, merged, hidden) or the event is closed."""


# ---- proposing -----------------------------------------------------------------------


def due_date(created_on):
    # Ideas are answered on the same clock as feedback (the setting an admin can change).
    from portal.core.settings import setting_value

    return add_working_days(created_on, setting_value("target_answer_working_days"))


@dataclass
class Proposed:
    idea: Idea
    created: bool


def propose_idea(draft: dict, audience: str, language: str = "en", event: Event | None = None) -> Proposed:
    """Store the draft as an Idea exactly once (its random token is unique) and commit.

    The detector reads the title and the text; a disclosure is flagged and sent to the
    safeguarding lead in the same transaction, and the idea never reaches the board.
    """
    token, title, body = draft.get("token"), draft.get("title"), draft.get("body")
    if not token or not isinstance(title, str) or not title.strip() or not isinstance(body, str) or not body.strip():
        raise DraftIncomplete
    existing = db.session.scalar(select(Idea).where(Idea.draft_token == token))
    if existing is not None:
        return Proposed(existing, False)
    theme_id = db.session.scalar(select(Theme.id).where(Theme.slug == draft.get("theme")))
    if theme_id is None:
        raise DraftIncomplete
    area_id = None
    if draft.get("area") not in (None, "", "somewhere-else", "prefer-not-to-say"):
        area_id = db.session.scalar(select(Area.id).where(Area.slug == draft["area"]))
        if area_id is None:
            raise DraftIncomplete
    age_band = draft.get("age_band") if audience == "young_person" else None
    email = draft.get("email") or None
    if audience == "young_person" and age_band in (None, "under_13"):
        email = None  # under-13s are never asked for contact details

    concerns = find_concerns(f"{title}\n{body}")
    now = utcnow()
    for _attempt in range(5):
        idea = Idea(
            reference=new_reference(), draft_token=token, audience=audience, language=language,
            theme_id=theme_id, area_id=area_id, title=title.strip()[:TITLE_MAX], body=body[:BODY_MAX],
            email=email, age_band=age_band, channel="event" if event else "online",
            event_id=event.id if event else None, status="received", safeguarding_state="none",
            created_at=now, due_on=due_date(now.astimezone(UK).date()),
        )
        db.session.add(idea)
        try:
            if concerns:
                db.session.flush()
                raise_flag(idea, concerns, "found when sent", now=now)
            db.session.commit()
            return Proposed(idea, True)
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalar(select(Idea).where(Idea.draft_token == token))
            if existing is not None:
                return Proposed(existing, False)
    raise RuntimeError("could not store the idea")


def find_by_reference(reference: str) -> Idea | None:
    return db.session.scalar(select(Idea).where(Idea.reference == reference))


def approve_title(idea: Idea, actor) -> None:
    """When a moderator approves the text, the title is approved too: redacted the same
    way, and read by the detector on exactly what would be public."""
    title = redact(idea.public_title or idea.title)[0].strip() or idea.title
    stop_if_disclosure([idea], [title], "found in a title a moderator approved", actor=actor)
    idea.public_title = title
    forget(THEME_TOTALS)  # a new idea on the board: this process counts it at once
    pages_changed()


TRACK_STAGES = [("received", N_("Received")), ("in_review", N_("Being reviewed")),
                ("published", N_("On the board")), ("answered", N_("Answered"))]


def track_view(idea: Idea) -> dict:
    """What the proposer may see: received → being reviewed → on the board → answered.

    Never reveals a safeguarding flag (a held idea reads "being reviewed"), and an idea
    a moderator will not publish (hidden, or merged into another) says so honestly.
    """
    if idea.status == "answered" and idea.response_id is not None and not idea.is_held:
        status = "answered"
    elif idea.merged_into_id is not None:
        status = "merged"
    elif idea.status == "hidden":
        status = "hidden"
    elif idea.may_be_public:
        status = "published"
    elif idea.status == "in_review" or idea.is_held:
        status = "in_review"
    else:
        status = "received"
    reached = {"received": 1, "in_review": 2, "hidden": 2, "published": 3, "merged": 3, "answered": 4}[status]
    labels = dict(TRACK_STAGES) | {"hidden": N_("Reviewed, not published"), "merged": N_("Joined with a similar idea")}
    return {"status": status, "label": labels[status], "reached": reached, "stages": TRACK_STAGES,
            "hidden": status == "hidden", "overdue": False,
            "response_id": idea.response_id if status == "answered" else None}


# ---- the board -----------------------------------------------------------------------


def published():
    """The one condition for an idea on the board: may be public, and not merged away."""
    return and_(ModerationItem.may_be_public, Idea.merged_into_id.is_(None))


@dataclass(frozen=True)
class BoardFilters(QueryFilters):
    order: str = choice("supported", allowed=ORDERS)
    area: str = choice()
    after: str = cursor()
    before: str = cursor()

    @classmethod
    def read(cls, args, area_slugs=()) -> "BoardFilters":
        return cls.from_args(args, area=set(area_slugs))


def board_page(theme: Theme, filters: BoardFilters, area_ids: dict, page_size: int = PAGE_SIZE) -> Page:
    """One page of a theme's published ideas, keyset on (supports, id) or (created, id)."""
    statement = select(Idea).where(Idea.theme_id == theme.id, published())
    if filters.area:
        statement = statement.where(Idea.area_id == area_ids[filters.area])
    key = (Idea.support_count, Idea.id) if filters.order == "supported" else (Idea.created_at, Idea.id)
    return keyset_page(db.session, statement, key, forward_from=filters.after, back_from=filters.before,
                       ascending=False, page_size=page_size)


THEME_TOTALS = "ideas:theme-totals"  # the cache key: /ideas keeps the totals 30 seconds


def theme_totals() -> dict[int, tuple[int, int]]:
    """theme id -> (published ideas, supports): one grouped query over ideas, not supports."""
    rows = db.session.execute(
        select(Idea.theme_id, func.count(Idea.id), func.coalesce(func.sum(Idea.support_count), 0))
        .where(published()).group_by(Idea.theme_id)
    )
    return {theme_id: (ideas, supports) for theme_id, ideas, supports in rows}


def latest_published(limit: int) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(published())
                                   .order_by(Idea.created_at.desc(), Idea.id.desc()).limit(limit)))


def published_idea(idea_id: int) -> Idea | None:
    return db.session.scalar(select(Idea).where(Idea.id == idea_id, published()))


def supported_by(device: str | None, idea_ids: list[int]) -> set[int]:
    if not device or not idea_ids:
        return set()
    return set(db.session.scalars(select(IdeaSupport.idea_id).where(
        IdeaSupport.device == device, IdeaSupport.idea_id.in_(idea_ids), IdeaSupport.voided_at.is_(None))))


# ---- supporting ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tallies:
    """An idea's counts, as the support control shows them (templates/ideas/_support.html)."""

    id: int
    support_count: int
    verified_count: int
    voided_count: int

    @property
    def unverified_count(self) -> int:
        return self.support_count - self.verified_count


@dataclass(frozen=True)
class SupportResult:
    changed: bool  # False: it was already so (supported twice, or withdrawn twice)
    tallies: Tallies

    @property
    def supports(self) -> int:
        return self.tallies.support_count


_IDEA = Idea.__table__
_SUPPORT = IdeaSupport.__table__
_TALLY_COLUMNS = (_IDEA.c.support_count, _IDEA.c.verified_count, _IDEA.c.voided_count)


def _on_the_board():
    """published(), for a statement on the idea table alone."""
    return exists().where(ModerationItem.id == _IDEA.c.id, published())


# The support itself. Written out because SQLAlchemy builds its dialects' ON CONFLICT
# again for every statement (they are not cacheable), which cost more than running it;
# this text is cached once, and the same SQL runs on SQLite and PostgreSQL. RETURNING says
# whether a row went in (rowcount is not to be trusted for ON CONFLICT DO NOTHING). A
# device that verified its email once stays verified (and told, if it asked) for what it
# supports next: the two subqueries read its earlier supports. (The device is passed
# twice, as PostgreSQL types each parameter once and here it meets two contexts.)
_ADD_SUPPORT = text("""
    INSERT INTO idea_support (idea_id, device, client, channel, event_id, audience, created_at,
                              verified_at, notify_email)
    VALUES (:idea, :device, :client, :channel, :event, :audience, :now,
            (SELECT max(verified_at) FROM idea_support WHERE device = :same_device),
            (SELECT max(notify_email) FROM idea_support WHERE device = :same_device))
    ON CONFLICT (idea_id, device) DO NOTHING
    RETURNING verified_at
""").bindparams(bindparam("now", type_=_SUPPORT.c.created_at.type)).columns(_SUPPORT.c.verified_at)
_THIS_IDEA = (_IDEA.c.id == bindparam("idea"), _on_the_board())
# The tally moves by the row just added, only for an idea on the board …
_COUNT_SUPPORT = (update(_IDEA).where(*_THIS_IDEA)
                  .values(support_count=_IDEA.c.support_count + 1,
                          verified_count=_IDEA.c.verified_count + bindparam("verified"))
                  .returning(*_TALLY_COLUMNS))
# … or, when nothing was added, is read, again only for an idea on the board.
_READ_TALLIES = select(*_TALLY_COLUMNS).where(*_THIS_IDEA)


def support(idea_id: int, device: str, client: str = "", event: Event | None = None,
            audience: str | None = None) -> SupportResult:
    """Add this device's support, once: insert-or-ignore on (idea, device), and the tally
    moves by exactly the rows inserted, in the same transaction. Two statements: the
    insert, then the tally's update (or, when nothing went in, its read), each only for
    an idea on the board; for any other idea nothing is kept and NotOpen is raised."""
    if event is not None and not event.is_open:
        raise NotOpen
    # A transaction of its own, on a connection without an ORM session (nothing here needs
    # one, and making, committing and closing it cost as much as a statement). Leaving the
    # block by NotOpen rolls it back.
    with db.engine.begin() as connection:
        try:
            added = connection.execute(_ADD_SUPPORT, {
                "idea": idea_id, "device": device, "same_device": device, "client": client,
                "channel": "event" if event else "online", "event": event.id if event else None,
                "audience": audience, "now": utcnow()}).first()
        except IntegrityError:  # no such idea
            raise NotOpen from None
        if added is not None:
            row = connection.execute(_COUNT_SUPPORT, {"idea": idea_id, "verified": int(added.verified_at is not None)})
        else:
            row = connection.execute(_READ_TALLIES, {"idea": idea_id})
        tallies = row.first()
        if tallies is None:  # not on the board: the insert, if any, is undone
            raise NotOpen
    return SupportResult(added is not None, Tallies(idea_id, *tallies))


def withdraw(idea_id: int, device: str) -> SupportResult:
    """Take this device's support back. Two deletes, by verified or not, so the tallies
    move by exactly the rows removed with no read first."""
    conditions = (IdeaSupport.idea_id == idea_id, IdeaSupport.device == device, IdeaSupport.voided_at.is_(None))
    unverified = db.session.execute(delete(IdeaSupport).where(*conditions, IdeaSupport.verified_at.is_(None))).rowcount
    verified = db.session.execute(delete(IdeaSupport).where(*conditions, IdeaSupport.verified_at.is_not(None))).rowcount
    if unverified or verified:
        db.session.execute(update(Idea).where(Idea.id == idea_id).values(
            support_count=Idea.support_count - unverified - verified,
            verified_count=Idea.verified_count - verified))
    tallies = db.session.execute(select(*_TALLY_COLUMNS).where(_IDEA.c.id == idea_id)).one()
    db.session.commit()
    return SupportResult(bool(unverified or verified), Tallies(idea_id, *tallies))


# ---- verification by emailed code ----------------------------------------------------


def _code_hash(device: str, code: str) -> str:
    key = current_app.secret_key.encode()
    return hmac.new(key, f"{device}:{code}".encode(), hashlib.sha256).hexdigest()


def start_verification(device: str, email: str, notify: bool, language: str = "en") -> None:
    """Email a six-digit code. One waiting code per device; asking again replaces it."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = utcnow()
    db.session.execute(delete(SupportVerification).where(SupportVerification.device == device))
    row = SupportVerification(device=device, email=email, code_hash=_code_hash(device, code), notify=notify,
                              created_at=now, expires_at=now + CODE_LIFETIME)
    db.session.add(row)
    db.session.flush()
    with force_locale(language):
        subject = _("Your code for Your Place: %(code)s", code=code)
        body = "\n".join([
            _("Hello,"), "",
            _("Your code to confirm your supports on the Your Place idea board is:"), "", code, "",
            _("Type it on the page where you asked for it. It works for 30 minutes."), "",
            _("If you did not ask for this code, you can ignore this email."), "",
            _("Your Place – Bradford District"),
        ])
    enqueue(dedupe_key=f"support-code:{row.id}", to_address=email, subject=subject, body=body)
    db.session.commit()


def verification_waiting(device: str) -> SupportVerification | None:
    return db.session.scalar(select(SupportVerification).where(SupportVerification.device == device))


def confirm_verification(device: str, code: str) -> tuple[bool, str]:
    """(ok, reason): mark every support from this device verified and forget the email,
    unless the person asked to be told of answers (then it stays on their supports only
    until they are told)."""
    row = verification_waiting(device)
    if row is None:
        return False, "none"
    if row.expires_at.replace(tzinfo=row.expires_at.tzinfo or UK) < utcnow() or row.attempts >= CODE_ATTEMPTS:
        db.session.delete(row)
        db.session.commit()
        return False, "expired"
    if not hmac.compare_digest(row.code_hash, _code_hash(device, code)):
        row.attempts += 1
        db.session.commit()
        return False, "wrong"
    now = utcnow()
    idea_ids = list(db.session.scalars(select(IdeaSupport.idea_id).where(
        IdeaSupport.device == device, IdeaSupport.verified_at.is_(None), IdeaSupport.voided_at.is_(None))))
    db.session.execute(update(IdeaSupport).where(
        IdeaSupport.device == device, IdeaSupport.verified_at.is_(None), IdeaSupport.voided_at.is_(None))
        .values(verified_at=now))
    if row.notify:
        db.session.execute(update(IdeaSupport).where(IdeaSupport.device == device, IdeaSupport.voided_at.is_(None))
                           .values(notify_email=row.email))
    if idea_ids:
        db.session.execute(update(Idea).where(Idea.id.in_(idea_ids)).values(verified_count=Idea.verified_count + 1))
    db.session.delete(row)
    db.session.commit()
    return True, "ok"


# ---- merging duplicates (staff) ------------------------------------------------------


def merge(source: Idea, target: Idea, actor) -> int:
    """Fold a duplicate into another idea: its supports move across, a device that
    supported both counts once, the tallies are recounted exactly, and the duplicate
    leaves the board (hidden, "Sent more than once"). The caller commits. Returns how
    many supports moved."""
    if source.id == target.id or source.is_held or target.merged_into_id is not None or not target.can_be_public:
        raise ValueError("That idea cannot take the supports.")
    already = select(IdeaSupport.device).where(IdeaSupport.idea_id == target.id)
    moved = db.session.execute(update(IdeaSupport).where(
        IdeaSupport.idea_id == source.id, IdeaSupport.device.not_in(already)).values(idea_id=target.id)).rowcount
    db.session.execute(delete(IdeaSupport).where(IdeaSupport.idea_id == source.id))
    for idea in (source, target):
        recount(idea)
    before = {"status": source.status, "merged_into": None}
    source.merged_into_id = target.id
    source.status = "hidden"
    source.hidden_reason = "Sent more than once"
    audit.record("idea.merged", "idea", source.id, before=before,
                 after={"status": "hidden", "merged_into": target.id, "supports_moved": moved}, actor=actor)
    return moved


def recount(idea: Idea) -> None:
    """The tallies from the rows (merging and voiding only; the board never does this)."""
    live = and_(IdeaSupport.idea_id == idea.id, IdeaSupport.voided_at.is_(None))
    idea.support_count = db.session.scalar(select(func.count()).where(live)) or 0
    idea.verified_count = db.session.scalar(
        select(func.count()).where(live, IdeaSupport.verified_at.is_not(None))) or 0
    idea.voided_count = db.session.scalar(select(func.count()).where(
        IdeaSupport.idea_id == idea.id, IdeaSupport.voided_at.is_not(None))) or 0


# ---- answered ------------------------------------------------------------------------


def queue_answered_emails(idea: Idea, response) -> int:
    """The proposer and every supporter who asked to be told, exactly once each (the
    dedupe keys); a supporter's address is erased once the message is queued."""
    queued = 0
    idea_url = public_url(f"/ideas/{idea.theme.slug}/{idea.id}") if idea.theme else public_url("/ideas")
    answer_url = public_url(f"/you-said-we-did/{response.id}")
    if idea.email:
        with force_locale(idea.language or "en"):
            body = "\n".join([
                _("Hello,"), "",
                _("You sent an idea to Your Place. Your reference is %(reference)s. We have now answered it.",
                  reference=idea.display_reference), "",
                _("Read what we did:"), answer_url, "",
                _("See your idea:"), idea_url, "",
                _("You are getting this email because you left this address when you sent your idea. "
                  "We will not use it for anything else."), "",
                _("Your Place – Bradford District"),
            ])
            queued += enqueue(dedupe_key=f"idea-answered:{idea.id}", to_address=idea.email,
                              subject=_("Your idea %(reference)s has been answered", reference=idea.display_reference),
                              body=body)
    supporters = db.session.scalars(select(IdeaSupport).where(
        IdeaSupport.idea_id == idea.id, IdeaSupport.notify_email.is_not(None), IdeaSupport.voided_at.is_(None)))
    for row in supporters:
        with force_locale(idea.language or "en"):
            body = "\n".join([
                _("Hello,"), "",
                _("An idea you support on Your Place has been answered."), "",
                _("Read what we did:"), answer_url, "",
                _("See the idea:"), idea_url, "",
                _("You asked us to tell you. We have now deleted your email address."), "",
                _("Your Place – Bradford District"),
            ])
            queued += enqueue(dedupe_key=f"idea-answered:{idea.id}:support:{row.id}", to_address=row.notify_email,
                              subject=_("An idea you support has been answered"), body=body)
        row.notify_email = None
    return queued


def display_reference(stored: str) -> str:
    return format_reference(stored)


# ---- events --------------------------------------------------------------------------


def open_event(event_id) -> Event | None:
    """The event, if it is open: a closed event records nothing."""
    event = db.session.get(Event, event_id) if isinstance(event_id, int) else None
    return event if event is not None and event.is_open else None
