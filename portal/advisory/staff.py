"""Staff screens for the People's Advisory Group, under /moderate/advisory-group.

Moderators: the seat pools and every application (filtered by pool and stage), the
group's make-up compared with the district (counts only, small ones hidden), one
application's answers (never its equality answers) and its moves from stage to stage,
a pool's seats, waiting list and fair draws, and a draw explained step by step.

Moderators and facilitators: the members, terms ending, declarations due, the members'
CSV, quarterly meetings with attendance, and focus group invitations with the replies.

Every page works without JavaScript: plain forms, and after a post a redirect (303) to
a page that says what happened (`flash`). The rules are the services': a move that
would give more seats than there are, or that is not allowed from the stage the
application is in, changes nothing and says why.
"""

import json
import secrets
from collections import Counter
from datetime import datetime

from flask import Response, abort, flash, g, redirect, request, session, url_for
from flask_babel import format_decimal, format_percent
from flask_login import current_user
from sqlalchemy import func, select

from portal.advisory import bp, draw, seats, services
from portal.advisory.models import (
    AGE_BANDS,
    AVAILABILITY,
    EQUALITIES_FORUM,
    STAGES,
    Application,
    ApplicationEquality,
    Attendance,
    Draw,
    Invitation,
    InvitationReply,
    Meeting,
)
from portal.advisory.staff_forms import NOTE_MAX, DrawForm, InvitationForm, MeetingForm, MoveForm
from portal.core.models import ordered_themes
from portal.extensions import db
from portal.i18n import N_, local_date, ngettext
from portal.i18n import gettext as _
from portal.moderation.services import history_for
from portal.shared.fragments import render
from portal.shared.pages import staff
from portal.shared.redirects import safe_next
from portal.shared.text import clean_text
from portal.staff import audit
from portal.staff.auth import role_required
from portal.staff.models import StaffUser
from portal.timeutil import as_aware, uk_today, utcnow

PREFIX = "/moderate/advisory-group"
MEMBER_ROLES = ("moderator", "facilitator")
# Counts of people below this are never shown as their number (small numbers could
# identify someone), on the make-up of the group and in a draw's explanation.
SMALL = 5
MADE = "advisory_made"  # staff: the meeting and invitation forms already sent, {form token: [kind, id]}

# The button for each move, in the order services.MOVES lists them.
MOVE_LABELS = {
    "shortlisted": N_("Shortlist"),
    "offered": N_("Offer a seat"),
    "waiting_list": N_("Put on the waiting list"),
    "member": N_("Record that they accepted"),
    "declined": N_("Record that they declined"),
    "not_selected": N_("Not selected"),
    "withdrawn": N_("Withdrawn"),
    "left": N_("Record that they have left the group"),
}
# Moves that end an application (a secondary button, not the main one).
ENDINGS = ("declined", "not_selected", "withdrawn", "left", "waiting_list")
REPLIES = {"invited": N_("Invited, no reply yet"), "yes": N_("Coming"), "no": N_("Not coming")}
HISTORY_WORDS = {
    "advisory.declaration": N_("Declaration of interests refreshed"),
    "advisory.declaration_link": N_("Emailed a link to refresh their declaration"),
    "safeguarding.flagged": N_("Flagged for safeguarding"),
}


# ---- helpers -------------------------------------------------------------------------


@bp.app_template_global("advisory_stage_label")
def stage_label(stage: str) -> str:
    return _(STAGES[stage]) if stage in STAGES else stage


@bp.app_template_global("advisory_pool_name")
def pool_name(seat_pool: str) -> str:
    """A seat pool's name (read once a request: a page may name many members' pools)."""
    names = g.get("advisory_pool_names")
    if names is None:
        names = g.advisory_pool_names = {pool.key: pool.name for pool in seats.pools()}
    return names.get(seat_pool, seat_pool)


def _actor():
    return current_user._get_current_object()


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    return application


def _pool_or_404(key: str) -> seats.Pool:
    if key not in services.area_slugs():
        abort(404)
    return next(pool for pool in seats.pools() if pool.key == key)


def _go(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


def _is_expired(application: Application, now: datetime) -> bool:
    return application.offer_expires_at is not None and as_aware(application.offer_expires_at) <= now


def _made_before(kind: str, token: str | None) -> int | None:
    """The meeting or invitation this filling-in of the form made already, if any."""
    entry = (session.get(MADE) or {}).get(token or "")
    return entry[1] if isinstance(entry, list) and len(entry) == 2 and entry[0] == kind else None


def _remember(kind: str, token: str | None, ident: int) -> None:
    if token and len(token) <= 64:
        made = dict(session.get(MADE) or {})
        made[token] = [kind, ident]
        session[MADE] = dict(list(made.items())[-20:])


def _hidden_small(counts: dict[str, int]) -> tuple[set[str], set[str]]:
    """(shown as "fewer than 5", shown as "not shown"). Every count under 5 is hidden.
    The total is on the page, so the hidden ones add up to a number anyone can work out:
    while that number is of people (not 0) and is one hidden count, or fewer than 5
    people, the smallest count still shown is hidden too (as portal.ideas.results does)."""
    small = {key for key, count in counts.items() if count < SMALL}
    hidden = set(small)
    while hidden:
        total = sum(counts[key] for key in hidden)
        if total == 0 or (len(hidden) > 1 and total >= SMALL):
            break
        others = sorted((count, key) for key, count in counts.items() if key not in hidden)
        if not others:
            break
        hidden.add(others[0][1])
    return small, hidden - small


def _count_texts(counts: dict[str, int]) -> dict[str, str]:
    small, also_hidden = _hidden_small(counts)
    return {key: (_("fewer than %(n)s", n=SMALL) if key in small else _("not shown") if key in also_hidden
                  else format_decimal(count)) for key, count in counts.items()}


def _percent(share: float) -> str:
    return format_percent(share, format="#,##0.#%")


def category_label(reference: draw.Reference, key: str) -> str:
    if key == draw.NOT_SAID:
        return _("People who chose not to answer")
    if key == "any":
        return _("Anyone left")
    return _(reference.labels[key]) if key in reference.labels else _("Any other answer")


def _categories(reference: draw.Reference, counts: dict[str, int]) -> list[str]:
    """The district's categories in order, any other answer given, then "not said"."""
    keys = list(draw.shares(reference))
    keys += [key for key in counts if key not in keys and key != draw.NOT_SAID]
    return [*keys, draw.NOT_SAID]


def _make_up() -> list[dict]:
    """For each characteristic a draw can balance: how many members gave each answer
    (counts only; small ones hidden) beside the district's share, and the source."""
    ids = [member.id for member in services.members()]
    answers = {}
    if ids:
        answers = {row.application_id: row for row in db.session.scalars(
            select(ApplicationEquality).where(ApplicationEquality.application_id.in_(ids)))}
    found = []
    for key, reference in draw.REFERENCES.items():
        counted = Counter(draw.category(reference, getattr(answers.get(i), reference.column, None)) for i in ids)
        keys = _categories(reference, counted)
        counts = {category: counted.get(category, 0) for category in keys}
        texts = _count_texts(counts)
        district = draw.shares(reference)
        found.append({
            "key": key, "label": _(reference.label), "source": reference.source,
            "rows": [{"label": category_label(reference, category), "count": texts[category],
                      "share": _percent(district[category]) if category in district else _("no figure")}
                     for category in keys],
        })
    return found


def _history(application: Application) -> list[dict]:
    lines = []
    for event in history_for(application):
        stage = event.action.removeprefix("advisory.")
        if event.action.startswith("advisory.") and stage in STAGES:
            what = _("Moved to “%(stage)s”", stage=stage_label(stage))
        elif event.action in HISTORY_WORDS:
            what = _(HISTORY_WORDS[event.action])
        else:
            what = event.action
        lines.append({"at": event.at, "what": what, "who": event.actor_email or _("the system"),
                      "note": event.detail})
    return lines


# ---- the seats and the applications --------------------------------------------------


@bp.get(PREFIX)
@staff
@role_required("moderator")
def staff_index():
    """The seat pools, the applications (filtered by pool and stage) and the group's
    make-up compared with the district."""
    pools = seats.pools()
    keys = [pool.key for pool in pools]
    chosen_pool = request.args.get("pool", "")
    chosen_pool = chosen_pool if chosen_pool in keys else ""
    chosen_stage = request.args.get("stage", "")
    chosen_stage = chosen_stage if chosen_stage in STAGES else ""
    return render(
        "advisory/staff/index.html", pools=pools, counts=services.stage_counts(), stages=STAGES,
        chosen_pool=chosen_pool, chosen_stage=chosen_stage, names={pool.key: pool.name for pool in pools},
        applications=services.applications(chosen_pool or None, chosen_stage or None),
        make_up=_make_up(), members=sum(pool.members for pool in pools), small=SMALL,
    )


@bp.get(PREFIX + "/applications/<int:application_id>")
@staff
@role_required("moderator")
def staff_application(application_id: int):
    """Everything the applicant gave except their equality answers, and the moves."""
    application = _application_or_404(application_id)
    themes = {theme.slug: theme.local_name for theme in ordered_themes()}
    pool = next((p for p in seats.pools() if p.key == application.seat_pool), None)
    return render(
        "advisory/staff/application.html", application=application, pool=pool,
        can_see_original=not application.is_held or current_user.has_role("safeguarding_lead"),
        interests=[themes.get(slug, slug) for slug in application.interest_slugs],
        availability=[_(AVAILABILITY[key]) if key in AVAILABILITY else key for key in application.availability_keys],
        age_band=_(AGE_BANDS[application.age_band]) if application.age_band in AGE_BANDS else application.age_band,
        moves=services.allowed_moves(application), move_labels=MOVE_LABELS, endings=ENDINGS,
        expired=_is_expired(application, utcnow()), history=_history(application),
        form=MoveForm(formdata=None), equalities_forum=EQUALITIES_FORUM, note_max=NOTE_MAX,
    )


@bp.post(PREFIX + "/applications/<int:application_id>/move")
@staff
@role_required("moderator")
def staff_move(application_id: int):
    """Move an application to `stage`, with an optional note. Nothing changes if there is
    no open seat, or the move is not allowed from its stage."""
    application = _application_or_404(application_id)
    back = url_for("advisory.staff_application", application_id=application.id)
    target = safe_next(request.form.get("next"), back, within=PREFIX)
    stage = request.form.get("stage", "")
    note = clean_text(request.form.get("note", "")).strip()
    if len(note) > NOTE_MAX:
        flash(_("The note must be %(max)s characters or fewer. Nothing changed.", max=NOTE_MAX), "error")
        return redirect(target, code=303)
    try:
        if stage not in services.allowed_moves(application):
            raise services.NotAllowed(stage)
        services.move(application, stage, _actor(), note)
    except seats.NoSeat:
        pool = next((p for p in seats.pools() if p.key == application.seat_pool), None)
        most = pool.cap if pool and pool.held >= pool.cap else seats.group_size()
        flash(_("There is no open seat for %(pool)s (the group has at most %(most)s; outstanding offers count). "
                "Nothing changed.", pool=pool.name if pool else application.seat_pool, most=most), "error")
    except services.NotAllowed as refused:
        if str(refused) == "expired":
            flash(_("The offer has expired, so it cannot be accepted now: make a new offer. Nothing changed."), "error")
        elif application.is_held:
            flash(_("It is flagged for safeguarding: its stage cannot be changed until the flag is cleared. "
                    "Nothing changed."), "error")
        else:
            flash(_("That is not possible from “%(stage)s”. Nothing changed.", stage=stage_label(application.stage)),
                  "error")
    else:
        flash(_("%(reference)s is now “%(stage)s”.", reference=application.display_reference,
                stage=stage_label(application.stage)), "success")
    return redirect(target, code=303)


# ---- a pool: seats, waiting list, fair draws -----------------------------------------


@bp.get(PREFIX + "/pools/<pool>")
@staff
@role_required("moderator")
def staff_pool(pool: str):
    found = _pool_or_404(pool)
    now = utcnow()
    offers = services.applications(pool, "offered")
    waiting = services.waiting_list(pool)
    hopeful = services.hopeful(pool)
    drawn_waiting = services.drawn_not_offered(pool)
    # The first who can be offered a seat (one held for the safeguarding lead cannot), if a
    # seat is open that a draw has not kept for someone it picked.
    next_up = (next((person for person in waiting if not person.is_held), None)
               if found.open - drawn_waiting > 0 else None)
    free = max(0, found.open - drawn_waiting)  # seats a new draw could fill
    counts = services.stage_counts()
    return render(
        "advisory/staff/pool.html", pool=found, members=[m for m in services.members() if m.seat_pool == pool],
        offers=[(offer, _is_expired(offer, now)) for offer in offers], waiting=waiting, next_up=next_up,
        hopeful=len(hopeful), can_draw=len(hopeful) > free > 0, free=free, form=DrawForm(formdata=None),
        drawn_waiting=drawn_waiting,
        draws=[d for d in draw.draws() if d.seat_pool == pool], references=draw.REFERENCES,
        stage_counts=[(stage, counts[(pool, stage)]) for stage in STAGES if counts.get((pool, stage))],
    )


@bp.post(PREFIX + "/pools/<pool>/draw")
@staff
@role_required("moderator")
def staff_draw(pool: str):
    """Hold a fair draw for the pool's open seats; the people picked are shortlisted."""
    _pool_or_404(pool)
    characteristic = request.form.get("characteristic", "")
    if characteristic not in draw.REFERENCES:
        flash(_("Choose which characteristic the draw should bring closer to the district. Nothing changed."),
              "error")
        return _go("advisory.staff_pool", pool=pool)
    try:
        held = draw.hold_draw(pool, characteristic, _actor())
    except draw.NotNeeded:
        db.session.rollback()
        flash(_("No draw is needed: there are no more people waiting for a seat than there are open seats. "
                "Nothing changed."), "info")
        return _go("advisory.staff_pool", pool=pool)
    flash(ngettext("The draw picked %(num)s person, who is now shortlisted. Offer them the seat.",
                   "The draw picked %(num)s people, who are now shortlisted. Offer them the seats.",
                   len(json.loads(held.result)["picked"])), "success")
    return _go("advisory.staff_draw_show", draw_id=held.id)


def _draw_or_404(draw_id: int) -> Draw:
    found = db.session.get(Draw, draw_id)
    if found is None:
        abort(404)
    return found


def _gap_text(gap: float) -> str:
    if gap <= 0:
        return _("at or above its share")
    return ngettext("%(gap)s seat short", "%(gap)s seats short", 1 if gap == 1 else 2,
                    gap=format_decimal(gap, format="#,##0.##"))


@bp.get(PREFIX + "/draws/<int:draw_id>")
@staff
@role_required("moderator")
def staff_draw_show(draw_id: int):
    """The draw in plain words: its inputs, its seed, and why each seat went as it did."""
    held = _draw_or_404(draw_id)
    inputs, result = json.loads(held.inputs), json.loads(held.result)
    reference = draw.REFERENCES.get(held.characteristic)
    picked_ids = [step["picked"] for step in result["steps"]]
    people = {a.id: a for a in db.session.scalars(select(Application).where(Application.id.in_(picked_ids)))} \
        if picked_ids else {}
    group = {key: int(count) for key, count in inputs["group"].items()}
    shares = inputs["shares"]
    keys = list(shares) + [key for key in group if key not in shares and key != draw.NOT_SAID] + [draw.NOT_SAID]
    counts = {key: group.get(key, 0) for key in keys}
    texts = _count_texts(counts)
    label = (lambda key: category_label(reference, key)) if reference else str
    steps = [{"seat": step["seat"], "key": step["furthest_below"], "label": label(step["furthest_below"]),
              "gap": _gap_text(step["gap"]), "size": step["from"], "person": people.get(step["picked"]),
              "id": step["picked"]} for step in result["steps"]]
    runner = db.session.get(StaffUser, held.created_by_id) if held.created_by_id else None
    return render(
        "advisory/staff/draw.html", draw=held, inputs=inputs, steps=steps, runner=runner,
        characteristic=_(reference.label) if reference else held.characteristic,
        pool_name=services.pool_name(held.seat_pool), candidates=len(inputs["candidates"]),
        picked_people=sorted(people.values(), key=lambda person: person.reference),
        group=[{"label": label(key), "count": texts[key],
                "share": _percent(shares[key]) if key in shares else _("no figure")} for key in keys],
        group_size=sum(counts.values()), small=SMALL,
    )


@bp.post(PREFIX + "/draws/<int:draw_id>/check")
@staff
@role_required("moderator")
def staff_draw_check(draw_id: int):
    """Run a stored draw again from its seed and inputs, and say whether it agrees."""
    held = _draw_or_404(draw_id)
    if draw.rerun(held):
        flash(_("Run again from its seed and inputs, the draw picked the same people in the same order."), "success")
    else:
        flash(_("Run again from its seed and inputs, the draw did NOT pick the same people in the same order. "
                "Its record may have been changed: tell an admin."), "error")
    return _go("advisory.staff_draw_show", draw_id=held.id)


# ---- members, terms and declarations -------------------------------------------------


@bp.get(PREFIX + "/members")
@staff
@role_required(*MEMBER_ROLES)
def staff_members():
    today = uk_today()
    members = services.members()
    pools = seats.pools()
    return render(
        "advisory/staff/members.html", today=today, total=len(members),
        by_pool=[(pool, [m for m in members if m.seat_pool == pool.key]) for pool in pools],
        ending=services.terms_ending(today), due=services.declarations_due(today),
        can_open=current_user.has_role("moderator"),
    )


@bp.post(PREFIX + "/members/declarations")
@staff
@role_required(*MEMBER_ROLES)
def staff_declaration_links():
    """Email each member whose declaration is a year old a link to refresh it."""
    due = services.declarations_due(uk_today())
    if not due:
        flash(_("No declarations of interest are due, so no emails were sent."), "info")
        return _go("advisory.staff_members")
    sent = services.send_declaration_links(due, _actor())
    no_email = sum(1 for person in due if not person.email)
    message = ngettext("%(num)s email was queued.", "%(num)s emails were queued.", sent)
    if sent < len(due) - no_email:
        message += " " + _("Members emailed a link today already were not emailed again.")
    if no_email:
        message += " " + ngettext("%(num)s member has no email address: ask them another way.",
                                  "%(num)s members have no email address: ask them another way.", no_email)
    flash(message, "success")
    return _go("advisory.staff_members")


@bp.get(PREFIX + "/members.csv")
@staff
@role_required(*MEMBER_ROLES)
def staff_members_csv():
    """The members for the programme team: never equality answers or access needs."""
    name = f"advisory-group-members-{uk_today().isoformat()}.csv"
    body = services.members_csv()
    audit.record("advisory.members_csv", after={"rows": max(0, body.count("\n") - 1)})
    db.session.commit()
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# ---- quarterly meetings --------------------------------------------------------------


@bp.route(PREFIX + "/meetings", methods=["GET", "POST"])
@staff
@role_required(*MEMBER_ROLES)
def staff_meetings():
    form = MeetingForm()
    if request.method == "POST":
        made = _made_before("meeting", form.once.data)
        if made is not None:
            flash(_("You have added this meeting already, so nothing changed."), "info")
            return _go("advisory.staff_meeting", meeting_id=made)
    if form.validate_on_submit():
        meeting = services.add_meeting(form.held_on, form.place.data, form.agenda.data or "", _actor())
        _remember("meeting", form.once.data, meeting.id)
        flash(_("Meeting on %(day)s added.", day=local_date(meeting.held_on)), "success")
        return _go("advisory.staff_meeting", meeting_id=meeting.id)
    if not form.once.data:
        form.once.data = secrets.token_urlsafe(16)
    meetings = services.meetings()
    attended = dict(db.session.execute(
        select(Attendance.meeting_id, func.count()).where(Attendance.attended.is_(True))
        .group_by(Attendance.meeting_id)).all())
    return render("advisory/staff/meetings.html", form=form, meetings=meetings, attended=attended,
                  today=uk_today())


@bp.route(PREFIX + "/meetings/<int:meeting_id>", methods=["GET", "POST"])
@staff
@role_required(*MEMBER_ROLES)
def staff_meeting(meeting_id: int):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    members = services.members()
    if request.method == "POST":
        member_ids = {m.id for m in members}
        present = {int(value) for value in request.form.getlist("present") if value.isdigit()} & member_ids
        services.record_attendance(meeting, present, _actor())
        flash(_("Attendance saved: %(present)s of %(all)s members were there.", present=len(present),
                all=len(members)), "success")
        return _go("advisory.staff_meeting", meeting_id=meeting.id)
    attendance = services.attendance_for(meeting)
    return render("advisory/staff/meeting.html", meeting=meeting, members=members,
                  present={key for key, attended in attendance.items() if attended}, recorded=bool(attendance))


# ---- focus groups --------------------------------------------------------------------


@bp.route(PREFIX + "/invitations", methods=["GET", "POST"])
@staff
@role_required(*MEMBER_ROLES)
def staff_invitations():
    pools, themes = seats.pools(), ordered_themes()
    form = InvitationForm(pools, themes)
    if request.method == "POST":
        made = _made_before("invitation", form.once.data)
        if made is not None:
            flash(_("You have sent this invitation already, so nothing changed."), "info")
            return _go("advisory.staff_invitation", invitation_id=made)
    if form.validate_on_submit():
        people = services.pick_members(form.area.data or None, form.interest.data or None)
        if not people:
            form.area.errors = [_("No members match: choose another area or topic")]
        else:
            invitation = services.invite(form.title.data, form.details.data or "", form.held_on, form.place.data,
                                         people, _actor())
            _remember("invitation", form.once.data, invitation.id)
            no_email = sum(1 for person in people if not person.email)
            message = ngettext("%(num)s member invited.", "%(num)s members invited.", len(people))
            if no_email:
                message += " " + ngettext(
                    "%(num)s has no email address: invite them another way and record their reply here.",
                    "%(num)s have no email address: invite them another way and record their replies here.",
                    no_email)
            flash(message, "success")
            return _go("advisory.staff_invitation", invitation_id=invitation.id)
    if not form.once.data:
        form.once.data = secrets.token_urlsafe(16)
    replies: dict[int, Counter] = {}
    for invitation_id, reply, count in db.session.execute(
            select(InvitationReply.invitation_id, InvitationReply.reply, func.count())
            .group_by(InvitationReply.invitation_id, InvitationReply.reply)).all():
        replies.setdefault(invitation_id, Counter())[reply] = count
    return render("advisory/staff/invitations.html", form=form, invitations=services.invitations(), replies=replies,
                  members=len(services.members()))


def _invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    return invitation


@bp.get(PREFIX + "/invitations/<int:invitation_id>")
@staff
@role_required(*MEMBER_ROLES)
def staff_invitation(invitation_id: int):
    invitation = _invitation_or_404(invitation_id)
    replies = sorted(services.replies_for(invitation), key=lambda reply: (reply.application.name.lower(), reply.id))
    sender = db.session.get(StaffUser, invitation.created_by_id) if invitation.created_by_id else None
    return render("advisory/staff/invitation.html", invitation=invitation, replies=replies, reply_labels=REPLIES,
                  sender=sender, counts=Counter(reply.reply for reply in replies),
                  can_open=current_user.has_role("moderator"))


@bp.post(PREFIX + "/invitations/<int:invitation_id>/replies/<int:reply_id>")
@staff
@role_required(*MEMBER_ROLES)
def staff_invitation_reply(invitation_id: int, reply_id: int):
    """Record a reply a member gave another way (by phone, say)."""
    invitation = _invitation_or_404(invitation_id)
    reply = db.session.get(InvitationReply, reply_id)
    if reply is None or reply.invitation_id != invitation.id:
        abort(404)
    answer = request.form.get("reply", "")
    if answer not in ("yes", "no"):
        flash(_("Choose whether they are coming. Nothing changed."), "error")
    else:
        services.record_reply(reply, answer, _actor())
        flash(_("Reply saved: %(name)s is %(reply)s.", name=reply.application.name,
                reply=_("coming") if answer == "yes" else _("not coming")), "success")
    return _go("advisory.staff_invitation", invitation_id=invitation.id)
