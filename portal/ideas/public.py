"""The idea board in public: the seven themes, a theme's board, one idea, supporting
(one per device, htmx or a plain form post), proposing an idea in question pages, and
confirming supports by emailed code.

Proposing works as "tell us" does: each question page is GET and POST, answers are kept
in a draft in the server-side session, "Send" stores the idea exactly once (its draft
token is unique) and commits before the reference is shown. Nothing appears on the board
until a moderator approves it.
"""

import secrets

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_limiter.util import get_remote_address

from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import ADDRESS_CEILING, csrf, limiter
from portal.i18n import current_language, ngettext
from portal.i18n import gettext as _
from portal.ideas import bp, services
from portal.ideas.feed import build_feed
from portal.ideas.forms import IdeaForm, SupportForm, VerifyCodeForm, VerifyEmailForm
from portal.ideas.models import BODY_MAX, TITLE_MAX, Event
from portal.ideas.tablet import EVENT, is_tablet, start_afresh
from portal.moderation.safeguarding import help_for, tel_href
from portal.shared.cache import get_or_set
from portal.shared.devices import client_hash, device_hash, device_or_address, device_token, has_device
from portal.shared.forms import CheckForm, ChoiceForm, ReplyForm
from portal.shared.fragments import render, wants_fragment
from portal.shared.links import public_base_url, url_if_served
from portal.shared.origin import cross_site_post
from portal.shared.pagecache import cached_page
from portal.shared.pages import private
from portal.shared.redirects import safe_next
from portal.shared.references import format_reference

DRAFT = "idea_draft"
DONE = "idea_done"
STEPS = ("who", "idea", "where", "updates")
AGES = {
    "adult": ("adult", None),
    "16_17": ("young_person", "16_17"),
    "13_15": ("young_person", "13_15"),
    "under_13": ("young_person", "under_13"),
    "18_25_care": ("young_person", "18_25_care"),
}


def support_limit() -> str:
    # Per device: someone may support many ideas in a minute; a script supporting
    # hundreds is slowed, and its bursts are listed for staff.
    return current_app.config.get("IDEA_SUPPORT_RATE_LIMIT", "60 per minute")


def propose_limit() -> str:
    return current_app.config.get("IDEA_PROPOSE_RATE_LIMIT", "20 per hour")


def _age_labels() -> dict[str, str]:
    return {
        "adult": _("18 or over"),
        "16_17": _("16 or 17"),
        "13_15": _("13 to 15"),
        "under_13": _("Under 13"),
        "18_25_care": _("18 to 25 and I have been in care"),
    }


def _theme_or_404(slug: str):
    for theme in ordered_themes():
        if theme.slug == slug:
            return theme
    abort(404)


def current_event() -> Event | None:
    """The open event this device is part of, if a facilitator set it up as an event tablet."""
    event_id = session.get(EVENT)
    return services.open_event(event_id) if event_id else None


def _audience_hint() -> str | None:
    # Known only when the person told us, by proposing through the young people's route.
    return session.get("idea_audience")


# ---- the board ----------------------------------------------------------------------


@bp.get("/ideas")
@cached_page(30)
def index():
    """The seven themes, each with its pillar and its numbers of ideas and supports."""
    # Every visitor sees the same totals: worked out once a minute per process, not per visit.
    totals = get_or_set(services.THEME_TOTALS, services.theme_totals, seconds=30)
    return render("ideas/index.html", themes=ordered_themes(), totals=totals)


def _board_context(theme, filters, page, areas):
    device = device_hash(device_token(create=False)) if has_device() else None
    return {
        "theme": theme, "filters": filters, "page": page, "areas": areas, "orders": services.ORDERS,
        "supported": services.supported_by(device, [idea.id for idea in page.items]),
        "here": request.full_path.rstrip("?"),
    }


@bp.get("/ideas/<slug>")
@cached_page(10, device_independent=False)  # shows what this device supports
def board(slug: str):
    """One theme's published ideas, most supported or newest first, by area, a page at a time."""
    theme = _theme_or_404(slug)
    areas = ordered_areas()
    filters = services.BoardFilters.read(request.args, area_slugs=[area.slug for area in areas])
    page = services.board_page(theme, filters, {area.slug: area.id for area in areas})
    return render("ideas/board.html", block="results", **_board_context(theme, filters, page, areas))


@bp.get("/ideas/<slug>/<int:idea_id>")
@cached_page(10, device_independent=False)
def show(slug: str, idea_id: int):
    theme = _theme_or_404(slug)
    idea = services.published_idea(idea_id)
    if idea is None or idea.theme_id != theme.id:
        abort(404)
    device = device_hash(device_token(create=False)) if has_device() else None
    return render("ideas/idea.html", theme=theme, idea=idea,
                  supported=idea.id in services.supported_by(device, [idea.id]),
                  here=url_for("ideas.show", slug=slug, idea_id=idea.id),
                  response_url=url_if_served("responses.show", response_id=idea.response_id)
                  if idea.status == "answered" and idea.response_id else None)


@bp.get("/ideas/feed.atom")
@cached_page(60)
def feed():
    """The 50 ideas most recently put on the board, with their tallies."""
    response = make_response(build_feed(services.latest_published(50), public_base_url()))
    response.mimetype = "application/atom+xml"
    return response


# ---- supporting ---------------------------------------------------------------------


@bp.post("/ideas/<slug>/<int:idea_id>/support")
@csrf.exempt
@private
@limiter.limit(ADDRESS_CEILING, key_func=get_remote_address)
@limiter.limit(support_limit, key_func=device_or_address)
def support(slug: str, idea_id: int):
    """Support or withdraw. The form says which, so a replay or a double click changes
    nothing; with htmx the control and the count are swapped in place and announced.

    No CSRF token: the boards and idea pages carry none, so a visitor needs no session
    and every visitor can be sent the same cached page. A post from another site is
    refused from the browser's own Sec-Fetch-Site and Origin headers instead."""
    if cross_site_post():
        abort(403)
    theme = _theme_or_404(slug)
    form = SupportForm()
    back = safe_next(form.next.data, url_for("ideas.show", slug=slug, idea_id=idea_id), within="/")
    if not form.validate() or form.action.data not in ("support", "withdraw"):
        flash(_("Something went wrong. Please try again."), "error")
        return redirect(back, code=303)
    device = device_hash(device_token())
    try:
        if form.action.data == "support":
            result = services.support(idea_id, device, client=client_hash(), event=current_event(),
                                      audience=_audience_hint())
        else:
            result = services.withdraw(idea_id, device)
    except services.NotOpen:
        flash(_("This idea cannot be supported at the moment."), "error")
        return redirect(back, code=303)
    message = _support_message(form.action.data, result)
    if wants_fragment():  # the control again, from the tallies the service returned: no further read
        return render("ideas/_support.html", theme=theme, idea=result.tallies, supported=form.action.data == "support",
                      here=back, announcement=message)
    flash(message, "success" if result.changed else "info")
    return redirect(back + f"#idea-{idea_id}", code=303)


def _support_message(action: str, result: services.SupportResult) -> str:
    count = ngettext("%(num)s support", "%(num)s supports", result.supports)
    if action == "support":
        if result.changed:
            return _("You support this idea. It now has %(count)s.", count=count)
        return _("You already support this idea, so nothing changed. It has %(count)s.", count=count)
    if result.changed:
        return _("You no longer support this idea. It now has %(count)s.", count=count)
    return _("You were not supporting this idea, so nothing changed. It has %(count)s.", count=count)


# ---- verifying supports by emailed code ---------------------------------------------


@bp.route("/ideas/confirm-your-supports", methods=["GET", "POST"])
@private
@limiter.limit("5 per hour", methods=["POST"], key_func=device_or_address)
def verify():
    """Optional: an emailed code makes this device's supports count as verified."""
    form = VerifyEmailForm()
    if form.validate_on_submit():
        services.start_verification(device_hash(device_token()), form.email.data, bool(form.notify.data),
                                    language=current_language().code)
        return redirect(url_for("ideas.verify_code"), code=303)
    return render("ideas/verify.html", form=form)


@bp.route("/ideas/confirm-your-supports/code", methods=["GET", "POST"])
@private
@limiter.limit("20 per hour", methods=["POST"], key_func=device_or_address)
def verify_code():
    if not has_device() or services.verification_waiting(device_hash(device_token(create=False))) is None:
        return redirect(url_for("ideas.verify"))
    form = VerifyCodeForm()
    if form.validate_on_submit():
        ok, reason = services.confirm_verification(device_hash(device_token()), form.code.data)
        if ok:
            flash(_("Thank you. Your supports are now verified."), "success")
            return redirect(url_for("ideas.index"), code=303)
        if reason == "wrong":
            form.code.errors.append(_("That code is not right. Check the email and try again"))
        else:
            flash(_("That code has run out. Ask for a new one."), "error")
            return redirect(url_for("ideas.verify"), code=303)
    return render("ideas/verify_code.html", form=form)


# ---- proposing ----------------------------------------------------------------------


def _draft() -> dict:
    return dict(session.get(DRAFT) or {})


def _asked(draft: dict) -> list[str]:
    # Under-13s are never asked for contact details.
    return [step for step in STEPS if not (step == "updates" and draft.get("age_band") == "under_13")]


def _first_missing(draft: dict) -> str | None:
    answered = {"who": "age", "idea": "title", "where": "area", "updates": "updates_answered"}
    for step in _asked(draft):
        if answered[step] not in draft:
            return step
    return None


def _next_url(slug: str, draft: dict, change: bool) -> str:
    missing = _first_missing(draft)
    if missing is None:
        return url_for("ideas.propose_check", slug=slug)
    return url_for("ideas.propose_step", slug=slug, step=missing, **({"change": 1} if change else {}))


@bp.get("/ideas/<slug>/propose")
@private
def propose_start(slug: str):
    theme = _theme_or_404(slug)
    return render("ideas/propose_start.html", theme=theme)


@bp.route("/ideas/<slug>/propose/<any(who,idea,where,updates):step>", methods=["GET", "POST"])
@private
def propose_step(slug: str, step: str):
    theme = _theme_or_404(slug)
    draft = _draft()
    if draft.get("theme") != slug:
        draft = {"theme": slug}  # a new idea, or a change of theme: start again
    change = request.args.get("change") == "1"
    asked = _asked(draft)
    if step not in asked:
        return redirect(_next_url(slug, draft, change))
    missing = _first_missing(draft)
    if missing is not None and asked.index(missing) < asked.index(step):
        return redirect(url_for("ideas.propose_step", slug=slug, step=missing))
    get = request.method == "GET"
    context = {"theme": theme, "step": step, "change": change}

    if step == "who":
        items = [{"value": value, "text": text} for value, text in _age_labels().items()]
        form = ChoiceForm([(item["value"], item["text"]) for item in items], _("Choose how old you are"),
                          answer=draft.get("age") if get else None)
        context["items"] = items
    elif step == "where":
        items = [{"value": area.slug, "text": area.local_name} for area in ordered_areas()]
        items += [{"value": "somewhere-else", "text": _("Somewhere else in Bradford District")},
                  {"divider": _("or")}, {"value": "prefer-not-to-say", "text": _("I would rather not say")}]
        form = ChoiceForm([(item["value"], item["text"]) for item in items if "divider" not in item],
                          _("Choose the area your idea is for"), answer=draft.get("area") if get else None)
        context["items"] = items
    elif step == "idea":
        form = IdeaForm(data={"title": draft.get("title"), "body": draft.get("body")} if get else None)
        context.update(title_max=TITLE_MAX, body_max=BODY_MAX)
    else:
        form = ReplyForm(email=draft.get("email") if get else None)

    if form.validate_on_submit():
        if step == "idea" and form.website.data:
            session.pop(DRAFT, None)
            return render("ideas/not_sent.html", theme=theme), 400
        draft.setdefault("token", secrets.token_urlsafe(24))
        if step == "who":
            draft["age"] = form.answer.data
            draft["audience"], draft["age_band"] = AGES[form.answer.data]
            if draft["age_band"] == "under_13":
                draft.pop("email", None)
                draft.pop("updates_answered", None)
        elif step == "idea":
            draft["title"], draft["body"] = form.title.data, form.body.data
        elif step == "where":
            draft["area"] = form.answer.data
        else:
            draft["email"] = form.email.data or None
            draft["updates_answered"] = True
        session[DRAFT] = draft
        if change:
            return redirect(_next_url(slug, draft, True) if _first_missing(draft) else
                            url_for("ideas.propose_check", slug=slug))
        following = asked.index(step) + 1
        if following < len(asked) and _first_missing(draft) is not None:
            return redirect(url_for("ideas.propose_step", slug=slug, step=asked[following]))
        return redirect(_next_url(slug, draft, False))

    index = asked.index(step)
    context["back_url"] = (url_for("ideas.propose_check", slug=slug) if change else
                           url_for("ideas.propose_step", slug=slug, step=asked[index - 1]) if index else
                           url_for("ideas.propose_start", slug=slug))
    session[DRAFT] = draft
    return render(f"ideas/propose_{step}.html", form=form, young=draft.get("audience") == "young_person", **context)


@bp.route("/ideas/<slug>/propose/check-your-answers", methods=["GET", "POST"])
@private
@limiter.limit(ADDRESS_CEILING, methods=["POST"], key_func=get_remote_address)
@limiter.limit(propose_limit, methods=["POST"], key_func=device_or_address)
def propose_check(slug: str):
    theme = _theme_or_404(slug)
    draft = _draft()
    done = session.get(DONE) or {}
    form = CheckForm(draft_token=draft.get("token")) if request.method == "GET" else CheckForm()
    if request.method == "POST":
        if form.website.data:
            session.pop(DRAFT, None)
            return render("ideas/not_sent.html", theme=theme), 400
        if form.draft_token.data and form.draft_token.data == done.get("token"):
            return redirect(url_for("ideas.propose_confirmation"), code=303)  # sent already
        if draft.get("theme") != slug or _first_missing(draft) is not None:
            return redirect(url_for("ideas.propose_step", slug=slug, step=_first_missing(draft) or "who"))
        if form.draft_token.data != draft.get("token"):
            return redirect(url_for("ideas.propose_check", slug=slug))
        try:
            result = services.propose_idea(draft, draft["audience"], language=current_language().code,
                                           event=current_event())
        except services.DraftIncomplete:
            return redirect(url_for("ideas.propose_step", slug=slug, step="who"))
        session.pop(DRAFT, None)
        session[DONE] = {"reference": result.idea.reference, "token": draft["token"]}
        if draft["audience"] == "young_person":
            session["idea_audience"] = "young_person"
        return redirect(url_for("ideas.propose_confirmation"), code=303)
    if draft.get("theme") != slug or not draft:
        return redirect(url_for("ideas.propose_start", slug=slug))
    missing = _first_missing(draft)
    if missing is not None:
        return redirect(url_for("ideas.propose_step", slug=slug, step=missing))
    areas = {area.slug: area.local_name for area in ordered_areas()}
    area_text = areas.get(draft["area"]) or {
        "somewhere-else": _("Somewhere else in Bradford District"),
        "prefer-not-to-say": _("I would rather not say")}.get(draft["area"], "")

    def change_url(step):
        return url_for("ideas.propose_step", slug=slug, step=step, change=1)

    rows = [
        {"key": _("Your age"), "value": _age_labels().get(draft.get("age"), ""), "href": change_url("who"),
         "hidden": _("your age")},
        {"key": _("Name of your idea"), "value": draft["title"], "href": change_url("idea"),
         "hidden": _("the name of your idea")},
        {"key": _("Your idea"), "value": draft["body"], "href": change_url("idea"), "multiline": True,
         "hidden": _("your idea")},
        {"key": _("Area"), "value": area_text, "href": change_url("where"), "hidden": _("the area")},
    ]
    if "updates" in _asked(draft):
        rows.append({"key": _("Email for updates"), "value": draft.get("email") or _("Not given"),
                     "href": change_url("updates"), "hidden": _("the email for updates")})
    return render("ideas/propose_check.html", theme=theme, form=form, rows=rows,
                  back_url=url_for("ideas.propose_step", slug=slug, step=_asked(draft)[-1]))


@bp.get("/ideas/propose/confirmation")
@private
def propose_confirmation():
    done = session.get(DONE)
    idea = services.find_by_reference(done["reference"]) if done else None
    if idea is None:
        return redirect(url_for("ideas.index"))
    reference = format_reference(idea.reference)
    categories = idea.safeguarding_categories.split(",") if idea.safeguarding_categories else []
    return render("ideas/propose_confirmation.html", idea=idea, reference=reference,
                  help_items=help_for(categories, idea.audience), tel_href=tel_href,
                  track_url=url_if_served("feedback.track", reference=reference))


@bp.post("/ideas/propose/finish")
@private
def propose_finish():
    """"I have finished": forget the draft and the confirmation on this device. On an
    event tablet, the same as "Next person": a fresh session and device for whoever is next."""
    if is_tablet():
        event = current_event()
        start_afresh(event.id if event else None)
        return redirect(url_for("ideas.event_page", code=event.code) if event else url_for("ideas.index"), code=303)
    session.pop(DRAFT, None)
    session.pop(DONE, None)
    flash(_("Your answers have been cleared from this device."), "success")
    return redirect(url_for("ideas.index"), code=303)
