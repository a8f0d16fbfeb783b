"""The rules of the People's Advisory Group: applying once, moving an application from
stage to stage (audited, with the emails that concern the applicant), the links emailed
to applicants and members, terms, declarations, meetings and focus groups.

Every change that gives someone a seat goes through `seats.claim_seat`. Services here
commit, as submitting feedback does: each is one step a person took.
"""

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.advisory import seats
from portal.advisory.models import (
    EQUALITIES_FORUM,
    HOPEFUL,
    STAGES,
    TEXT_MAX,
    AdvisoryLink,
    Application,
    ApplicationEquality,
    Attendance,
    Invitation,
    InvitationReply,
    Meeting,
)
from portal.core.models import Area, ordered_areas
from portal.extensions import db
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.moderation.flags import raise_flag
from portal.moderation.rules import mark_reviewed
from portal.moderation.safeguarding import find_concerns
from portal.shared.links import public_url
from portal.shared.outbox import enqueue
from portal.shared.pagecache import pages_changed
from portal.shared.references import format_reference, new_reference
from portal.staff import audit
from portal.timeutil import UK, add_working_days, as_aware, utcnow

LINK_DAYS = {"offer": 14, "declaration": 30, "invitation": 30}
TERMS_ENDING_WITHIN = timedelta(days=90)
# Applications are acknowledged and first looked at on a clock of their own.
TARGET_WORKING_DAYS = 10

# The stages staff may move an application to from each stage. Reaching "offered" or
# "member" claims a seat (seats.claim_seat); "left" frees one.
MOVES = {
    "submitted": ("shortlisted", "waiting_list", "not_selected", "withdrawn"),
    "shortlisted": ("offered", "waiting_list", "not_selected", "withdrawn"),
    "waiting_list": ("shortlisted", "offered", "not_selected", "withdrawn"),
    "offered": ("member", "declined", "waiting_list", "withdrawn"),
    "member": ("left",),
    "declined": (),
    "withdrawn": (),
    "not_selected": (),
    "left": (),
}
FINISHED = ("member", "declined", "withdrawn", "not_selected", "left")
# The stages the applicant is emailed about (if they gave an email address).
EMAILED = ("shortlisted", "offered", "member", "waiting_list", "not_selected", "declined", "left")


class DraftIncomplete(Exception):
    """The application is missing an answer."""


class NotAllowed(Exception):
    """That move is not allowed from the application's stage (nothing changed)."""


class LinkProblem(Exception):
    """A link that is forged, expired, used already or no longer applies."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # forged / expired / used / gone


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def due_date(created_on: date) -> date:
    return add_working_days(created_on, TARGET_WORKING_DAYS)


# ---- applying ------------------------------------------------------------------------


@dataclass
class Applied:
    application: Application
    created: bool


def pool_name(seat_pool: str) -> str:
    return next((pool.name for pool in seats.pools() if pool.key == seat_pool), seat_pool)


def apply(draft: dict, language: str = "en") -> Applied:
    """Store the draft as an application exactly once (its random token is unique) and
    commit. A full pool puts the applicant on its waiting list, as they were told."""
    token = draft.get("token")
    required = ("name", "age_band", "route", "why", "bring", "consent")
    if not token or any(not draft.get(key) for key in required) or not (draft.get("email") or draft.get("phone")):
        raise DraftIncomplete
    if draft["age_band"] not in ("16_17", "18_24", "25_44", "45_64", "65_plus"):
        raise DraftIncomplete
    existing = db.session.scalar(select(Application).where(Application.draft_token == token))
    if existing is not None:
        return Applied(existing, False)
    route = draft["route"]
    area_id = None
    if route != EQUALITIES_FORUM:
        area_id = db.session.scalar(select(Area.id).where(Area.slug == route))
        if area_id is None:
            raise DraftIncomplete
    now = utcnow()
    waiting = seats.is_full(route)
    concerns = find_concerns("\n".join(draft.get(key) or "" for key in ("why", "bring", "access", "declaration")))
    for _attempt in range(5):
        application = Application(
            # 16 and 17-year-olds are young people: the safeguarding help and queue say so.
            reference=new_reference(), draft_token=token, audience="young_person" if draft["age_band"] == "16_17"
            else "adult", language=language, area_id=area_id,
            name=draft["name"], email=draft.get("email") or None, phone=draft.get("phone") or None,
            age_band=draft["age_band"], seat_pool=route, why=draft["why"][:TEXT_MAX], bring=draft["bring"][:TEXT_MAX],
            interests=",".join(draft.get("interests") or []), availability=",".join(draft.get("availability") or []),
            access_needs=(draft.get("access") or "")[:TEXT_MAX], declaration=(draft.get("declaration") or "")[:TEXT_MAX],
            declared_on=now.astimezone(UK).date(), consent_at=now,
            stage="waiting_list" if waiting else "submitted", stage_changed_at=now,
            waiting_since=now if waiting else None,
            status="received", safeguarding_state="none", created_at=now, due_on=due_date(now.astimezone(UK).date()),
        )
        db.session.add(application)
        try:
            db.session.flush()
            if concerns:
                raise_flag(application, concerns, "found when sent", now=now)
            _email_received(application)
            db.session.commit()
            return Applied(application, True)
        except IntegrityError:
            db.session.rollback()
            existing = db.session.scalar(select(Application).where(Application.draft_token == token))
            if existing is not None:
                return Applied(existing, False)
    raise RuntimeError("could not store the application")


def store_equality(application_id: int, answers: dict) -> None:
    """Keep the optional answers in their own table (replacing any given before)."""
    row = db.session.get(ApplicationEquality, application_id) or ApplicationEquality(application_id=application_id)
    for column in ("sex", "ethnic_group", "ethnic_background", "religion", "disability"):
        value = answers.get(column)
        setattr(row, column, None if value in (None, "", "prefer_not") else value)
    db.session.add(row)
    db.session.commit()


def find_by_reference(reference: str) -> Application | None:
    return db.session.scalar(select(Application).where(Application.reference == reference))


TRACK_STAGES = [("submitted", N_("Received")), ("shortlisted", N_("Being considered")),
                ("offered", N_("Offered a place")), ("member", N_("Member"))]
_REACHED = {"submitted": 1, "waiting_list": 2, "shortlisted": 2, "not_selected": 2, "withdrawn": 2,
            "offered": 3, "declined": 3, "member": 4, "left": 4}


def track_view(application: Application) -> dict:
    """What the applicant may see: received → being considered → offered → member, or the
    waiting list. Never says whether it was flagged for safeguarding."""
    stage = application.stage
    if application.status == "hidden":
        stage = "not_selected"
    return {"status": stage, "label": STAGES[stage], "reached": _REACHED[stage], "stages": TRACK_STAGES,
            "hidden": False, "overdue": False, "response_id": None,
            "pool": pool_name(application.seat_pool), "offer_expires_at": application.offer_expires_at}


# ---- moving between stages -----------------------------------------------------------


def allowed_moves(application: Application) -> tuple[str, ...]:
    if application.is_held or application.status == "hidden":
        return ()  # the safeguarding lead looks first; a hidden one is restored first
    moves = MOVES[application.stage]
    if application.stage == "offered" and offer_expired(application):
        moves = ("offered", *moves)  # a new offer, with a new link
    return moves


def offer_expired(application: Application, now: datetime | None = None) -> bool:
    return (application.stage == "offered" and application.offer_expires_at is not None
            and as_aware(application.offer_expires_at) <= (now or utcnow()))


def _snapshot(application: Application) -> dict:
    return {"stage": application.stage,
            "offer_expires_at": application.offer_expires_at.isoformat() if application.offer_expires_at else None,
            "term_end": application.term_end.isoformat() if application.term_end else None}


def _set_stage(application: Application, stage: str, now: datetime) -> None:
    application.stage = stage
    application.stage_changed_at = now
    today = now.astimezone(UK).date()
    if stage == "waiting_list":
        application.waiting_since = application.waiting_since or now
        application.offer_expires_at = None
    elif stage == "offered":
        application.offer_expires_at = now + timedelta(days=LINK_DAYS["offer"])
    elif stage == "member":
        application.offer_expires_at = None
        application.term_start = today
        application.term_end = add_years(today, seats.term_years())
    elif stage == "left":
        application.left_on = today
    if stage in FINISHED:
        application.status = "answered" if application.status != "hidden" else application.status
        application.answered_at = application.answered_at or now
    mark_reviewed(application, now)


def move(application: Application, stage: str, actor=None, note: str = "", now: datetime | None = None) -> None:
    """Move an application on (a staff step, or the applicant answering an offer), audit
    it, queue the applicant's email, and commit. NoSeat or NotAllowed change nothing."""
    pages_changed()  # the seats shown on /advisory-group
    now = now or utcnow()
    try:
        if stage not in allowed_moves(application):
            raise NotAllowed(stage)
        # Every move takes the seat lock and reads the application again, so a move
        # decided on a stale copy (an accept committed meanwhile) is refused, not applied.
        seats.take_lock()
        db.session.refresh(application)
        if stage not in allowed_moves(application):
            raise NotAllowed(stage)
        if stage in ("offered", "member"):
            seats.claim_seat(application, now)
        if stage == "member" and application.stage == "offered" and as_aware(application.offer_expires_at) <= now:
            raise NotAllowed("expired")  # make a new offer instead
        before = _snapshot(application)
        _set_stage(application, stage, now)
        audit.record(f"advisory.{stage}", "application", application.id, before=before,
                     after=_snapshot(application), detail=note or None, actor=actor)
        if stage in EMAILED:
            _email_stage(application)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def shortlist_drawn(application: Application, draw_id: int, actor, now: datetime) -> None:
    """A person a draw picked: shortlisted, audited and told, in the draw's transaction."""
    before = _snapshot(application)
    _set_stage(application, "shortlisted", now)
    audit.record("advisory.shortlisted", "application", application.id, before=before,
                 after=_snapshot(application), detail=f"picked in draw {draw_id}", actor=actor)
    _email_stage(application)


def waiting_list(seat_pool: str) -> list[Application]:
    """That pool's waiting list, first come first served."""
    return list(db.session.scalars(
        select(Application).where(Application.seat_pool == seat_pool, Application.stage == "waiting_list",
                                  Application.status != "hidden")
        .order_by(Application.waiting_since, Application.id)))


def next_on_waiting_list(seat_pool: str) -> Application | None:
    people = waiting_list(seat_pool)
    return people[0] if people else None


def applications(seat_pool: str | None = None, stage: str | None = None) -> list[Application]:
    statement = select(Application).order_by(Application.created_at, Application.id)
    if seat_pool:
        statement = statement.where(Application.seat_pool == seat_pool)
    if stage:
        statement = statement.where(Application.stage == stage)
    return list(db.session.scalars(statement))


def stage_counts() -> dict[tuple[str, str], int]:
    from sqlalchemy import func

    rows = db.session.execute(select(Application.seat_pool, Application.stage, func.count())
                              .group_by(Application.seat_pool, Application.stage)).all()
    return {(pool, stage): count for pool, stage, count in rows}


# ---- links emailed to applicants and members -----------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="advisory-link")


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def make_link(application: Application, purpose: str, invitation: Invitation | None = None,
              now: datetime | None = None) -> str:
    """A new single-use link's token (added to the session; the caller commits)."""
    now = now or utcnow()
    nonce = secrets.token_urlsafe(24)
    link = AdvisoryLink(purpose=purpose, application_id=application.id, nonce_hash=_hash(nonce),
                        invitation_id=invitation.id if invitation else None, created_at=now,
                        expires_at=now + timedelta(days=LINK_DAYS[purpose]))
    db.session.add(link)
    db.session.flush()
    return _serializer().dumps({"l": link.id, "n": nonce})


def read_link(token: str, purpose: str, now: datetime | None = None) -> AdvisoryLink:
    """The link a token stands for, or LinkProblem: forged, expired or used already."""
    now = now or utcnow()
    max_age = LINK_DAYS[purpose] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkProblem("expired") from None
    except BadSignature:
        raise LinkProblem("forged") from None
    if not isinstance(data, dict) or not isinstance(data.get("l"), int) or not isinstance(data.get("n"), str):
        raise LinkProblem("forged")
    link = db.session.get(AdvisoryLink, data["l"])
    if link is None or link.purpose != purpose or not secrets.compare_digest(link.nonce_hash, _hash(data["n"])):
        raise LinkProblem("forged")
    if link.used_at is not None:
        raise LinkProblem("used")
    if purpose == "offer" and _newer_offer_exists(link):
        raise LinkProblem("gone")  # the offer was withdrawn and made again: only the new link works
    if as_aware(link.expires_at) <= now:
        raise LinkProblem("expired")
    return link


def _newer_offer_exists(link: AdvisoryLink) -> bool:
    return db.session.scalar(select(AdvisoryLink.id).where(
        AdvisoryLink.application_id == link.application_id, AdvisoryLink.purpose == "offer",
        AdvisoryLink.id > link.id).limit(1)) is not None


def _use(link: AdvisoryLink, now: datetime) -> None:
    """Mark a link used: one conditional UPDATE, so two clicks at once use it only once."""
    from sqlalchemy import update

    used = db.session.execute(update(AdvisoryLink).where(AdvisoryLink.id == link.id, AdvisoryLink.used_at.is_(None))
                              .values(used_at=now))
    if used.rowcount != 1:
        raise LinkProblem("used")


def answer_offer(token: str, accept: bool, now: datetime | None = None) -> Application:
    """The applicant accepts or declines through the emailed link (no account)."""
    now = now or utcnow()
    link = read_link(token, "offer", now)
    application = link.application
    if application.stage != "offered":
        raise LinkProblem("gone")
    try:
        seats.take_lock()  # the lock first, then every check on a fresh copy
        db.session.refresh(application)
        if accept:
            seats.claim_seat(application, now)
        _use(link, now)
        if application.stage != "offered" or application.is_held or application.status == "hidden":
            raise LinkProblem("gone")  # withdrawn, held for the safeguarding lead, or hidden
        if as_aware(application.offer_expires_at) <= now:
            raise LinkProblem("expired")
        before = _snapshot(application)
        stage = "member" if accept else "declined"
        _set_stage(application, stage, now)
        audit.record(f"advisory.{stage}", "application", application.id, before=before, after=_snapshot(application),
                     detail="answered through the emailed link")
        _email_stage(application)
        db.session.commit()
        return application
    except Exception:
        db.session.rollback()
        raise


def refresh_declaration(token: str, declaration: str, now: datetime | None = None) -> Application:
    now = now or utcnow()
    link = read_link(token, "declaration", now)
    application = link.application
    if application.stage != "member":
        raise LinkProblem("gone")
    _use(link, now)
    before = {"declaration": application.declaration, "declared_on": application.declared_on.isoformat()}
    application.declaration = declaration[:TEXT_MAX]
    application.declared_on = now.astimezone(UK).date()
    audit.record("advisory.declaration", "application", application.id, before=before,
                 after={"declaration": application.declaration, "declared_on": application.declared_on.isoformat()},
                 detail="refreshed through the emailed link")
    db.session.commit()
    return application


def reply_to_invitation(token: str, coming: bool, now: datetime | None = None) -> InvitationReply:
    now = now or utcnow()
    link = read_link(token, "invitation", now)
    reply = db.session.scalar(select(InvitationReply).where(InvitationReply.invitation_id == link.invitation_id,
                                                            InvitationReply.application_id == link.application_id))
    if reply is None:
        raise LinkProblem("gone")
    _use(link, now)
    reply.reply = "yes" if coming else "no"
    reply.replied_at = now
    db.session.commit()
    return reply


# ---- members: terms, declarations, meetings, focus groups ----------------------------


def members() -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.stage == "member")
                                   .order_by(Application.seat_pool, Application.name)))


def terms_ending(today: date) -> list[Application]:
    return [m for m in members() if m.term_end and m.term_end <= today + TERMS_ENDING_WITHIN]


def declarations_due(today: date) -> list[Application]:
    return [m for m in members() if add_years(m.declared_on, 1) <= today]


def send_declaration_links(people: list[Application], actor, now: datetime | None = None) -> int:
    """Email each member who has an address a link to refresh their declaration."""
    now = now or utcnow()
    sent = 0
    for person in people:
        if not person.email or person.stage != "member":
            continue
        token = make_link(person, "declaration", now=now)
        with force_locale(person.language or "en"):
            body = "\n".join([
                _("Hello %(name)s,", name=person.name), "",
                _("Once a year we ask members of the People’s Advisory Group to check their declaration of "
                  "interests. Please check yours and change it if you need to:"),
                public_url(f"/advisory-group/declaration/{token}"), "",
                _("The link works once, for 30 days."), "", _("Your Place – Bradford District"),
            ])
            sent += enqueue(f"advisory:declaration:{person.id}:{now.date().isoformat()}", person.email,
                            _("Please check your declaration of interests"), body)
        audit.record("advisory.declaration_link", "application", person.id, actor=actor)
    db.session.commit()
    return sent


def add_meeting(held_on: date, place: str, agenda: str, actor) -> Meeting:
    meeting = Meeting(held_on=held_on, place=place, agenda=agenda)
    db.session.add(meeting)
    db.session.flush()
    audit.record("advisory.meeting", "meeting", meeting.id, after={"held_on": held_on.isoformat(), "place": place},
                 actor=actor)
    db.session.commit()
    return meeting


def meetings() -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).order_by(Meeting.held_on.desc())))


def next_meeting(today: date) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.held_on >= today).order_by(Meeting.held_on).limit(1))


def attendance_for(meeting: Meeting) -> dict[int, bool]:
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {row.application_id: row.attended for row in rows}


def record_attendance(meeting: Meeting, present_ids: set[int], actor) -> None:
    existing = {row.application_id: row for row in
                db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))}
    present_ids = set(present_ids)
    for member in members():
        row = existing.get(member.id) or Attendance(meeting_id=meeting.id, application_id=member.id)
        row.attended = member.id in present_ids
        db.session.add(row)
    present = sorted(present_ids & {member.id for member in members()})
    audit.record("advisory.attendance", "meeting", meeting.id, after={"present": present}, actor=actor)
    db.session.commit()


def pick_members(seat_pool: str | None = None, interest: str | None = None) -> list[Application]:
    return [m for m in members()
            if (not seat_pool or m.seat_pool == seat_pool) and (not interest or interest in m.interest_slugs)]


def invite(title: str, details: str, held_on: date, place: str, people: list[Application], actor,
           now: datetime | None = None) -> Invitation:
    """Invite members to a focus group: a reply row each, and an email with a reply link."""
    now = now or utcnow()
    invitation = Invitation(title=title, details=details, held_on=held_on, place=place,
                            created_by_id=actor.id if actor else None, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    for person in people:
        db.session.add(InvitationReply(invitation_id=invitation.id, application_id=person.id))
        if not person.email:
            continue
        token = make_link(person, "invitation", invitation, now=now)
        with force_locale(person.language or "en"):
            body = "\n".join([
                _("Hello %(name)s,", name=person.name), "",
                _("You are invited to a focus group of the People’s Advisory Group:"), "",
                title, _("When: %(day)s", day=held_on.strftime("%d/%m/%Y")), _("Where: %(place)s", place=place),
                "", details, "",
                _("Please tell us if you can come:"), public_url(f"/advisory-group/invitation/{token}"), "",
                _("Your Place – Bradford District"),
            ])
            enqueue(f"advisory:invitation:{invitation.id}:{person.id}", person.email,
                    _("Invitation: %(title)s", title=title), body)
    audit.record("advisory.invitation", "invitation", invitation.id,
                 after={"title": title, "invited": [p.id for p in people]}, actor=actor)
    db.session.commit()
    return invitation


def invitations() -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).order_by(Invitation.held_on.desc())))


def replies_for(invitation: Invitation) -> list[InvitationReply]:
    return list(db.session.scalars(select(InvitationReply).where(InvitationReply.invitation_id == invitation.id)))


def record_reply(reply: InvitationReply, answer: str, actor) -> None:
    reply.reply = answer
    reply.replied_at = utcnow()
    audit.record("advisory.reply", "invitation", reply.invitation_id,
                 after={"application": reply.application_id, "reply": answer}, actor=actor)
    db.session.commit()


EXPORT_COLUMNS = ("reference", "name", "email", "phone", "seat", "stage", "term_start", "term_end",
                  "declaration", "declared_on", "interests", "availability")


def members_csv() -> str:
    """The members for the programme team: never equality answers or access needs."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for m in members():
        row = [m.display_reference, m.name, m.email or "", m.phone or "", pool_name(m.seat_pool), m.stage,
               m.term_start or "", m.term_end or "", m.declaration, m.declared_on, m.interests, m.availability]
        # Cells that a spreadsheet would run as a formula are written as text.
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                         for v in row])
    return out.getvalue()


# ---- emails --------------------------------------------------------------------------


def _signoff() -> list[str]:
    return ["", _("If you have a question, reply to stronger.communities@bradford.gov.uk."), "",
            _("Your Place – Bradford District")]


def _email_received(application: Application) -> None:
    if not application.email:
        return
    reference = application.display_reference
    with force_locale(application.language or "en"):
        lines = [_("Hello %(name)s,", name=application.name), "",
                 _("Thank you for applying to join the People’s Advisory Group. Your reference is "
                   "%(reference)s.", reference=reference), ""]
        if application.stage == "waiting_list":
            lines.append(_("All the seats for %(pool)s are filled at the moment, so you are on its waiting list. "
                           "We will contact you when a seat is free.", pool=pool_name(application.seat_pool)))
        else:
            lines.append(_("We will read your application and tell you what happens next."))
        lines += ["", _("See where your application is at any time:"), public_url(f"/track/{reference}"), *_signoff()]
        enqueue(f"advisory:received:{application.id}", application.email,
                _("We have your application %(reference)s", reference=reference), "\n".join(lines))


def _email_stage(application: Application) -> None:
    """The email for the stage the application has just reached, once per stage reached."""
    if not application.email:
        return
    reference, stage = application.display_reference, application.stage
    with force_locale(application.language or "en"):
        pool = pool_name(application.seat_pool)  # in the applicant's language too
        hello = [_("Hello %(name)s,", name=application.name), ""]
        track = ["", _("See where your application is at any time:"), public_url(f"/track/{reference}")]
        if stage == "offered":
            token = make_link(application, "offer")
            expires = as_aware(application.offer_expires_at).astimezone(UK).strftime("%d/%m/%Y")
            subject = _("You are offered a place on the People’s Advisory Group")
            lines = [*hello, _("We would like to offer you a seat on the People’s Advisory Group for %(pool)s.", pool=pool),
                     "", _("Please accept or decline by %(day)s using this link. It works once:", day=expires),
                     public_url(f"/advisory-group/offer/{token}"), "",
                     _("If you do not answer by then, the seat may be offered to the next person on the waiting list.")]
        elif stage == "member":
            subject = _("Welcome to the People’s Advisory Group")
            lines = [*hello, _("You are now a member of the People’s Advisory Group for %(pool)s.", pool=pool),
                     _("Your term ends on %(day)s.", day=application.term_end.strftime("%d/%m/%Y")), "",
                     _("We will send you the date and place of the next quarterly meeting."), *track]
        elif stage == "shortlisted":
            subject = _("Your application to the People’s Advisory Group")
            lines = [*hello, _("We are considering your application. We will contact you soon."), *track]
        elif stage == "waiting_list":
            subject = _("You are on the waiting list for the People’s Advisory Group")
            lines = [*hello, _("All the seats for %(pool)s are filled, so you are on its waiting list. "
                               "We will contact you when a seat is free.", pool=pool), *track]
        elif stage == "not_selected":
            subject = _("Your application to the People’s Advisory Group")
            lines = [*hello, _("Thank you for applying. This time we have not been able to offer you a seat. "
                               "You can still share ideas and tell us what you think on Your Place."), *track]
        elif stage == "declined":
            subject = _("You have declined your place")
            lines = [*hello, _("You have declined the seat on the People’s Advisory Group. Thank you for telling us."),
                     *track]
        else:  # left
            subject = _("Thank you for being a member of the People’s Advisory Group")
            lines = [*hello, _("You are no longer a member of the People’s Advisory Group. Thank you for everything "
                               "you did.")]
        enqueue(f"advisory:{stage}:{application.id}:{application.stage_changed_at.isoformat()}", application.email,
                subject, "\n".join([*lines, *_signoff()]))


def reference_text(application: Application) -> str:
    return format_reference(application.reference)


def hopeful(seat_pool: str) -> list[Application]:
    """Eligible for a draw: still waiting for a seat in this pool, not held, not hidden,
    and not already picked by an earlier draw (shortlisted, waiting for an offer)."""
    return [a for a in applications(seat_pool) if a.stage in HOPEFUL and a.can_be_public
            and not (a.stage == "shortlisted" and a.draw_id is not None)]


def drawn_not_offered(seat_pool: str) -> int:
    """People an earlier draw picked who have not been offered a seat yet: their seats
    are spoken for, so a new draw does not fill them again."""
    return sum(1 for a in applications(seat_pool) if a.stage == "shortlisted" and a.draw_id is not None)


def area_slugs() -> list[str]:
    return [area.slug for area in ordered_areas()] + [EQUALITIES_FORUM]
