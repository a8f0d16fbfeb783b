"""The People's Advisory Group in public: what it is and its seats, live; applying in
question pages; the optional questions about you; and the pages behind the links we
email (accept or decline an offer, refresh a declaration, reply to an invitation).

Applying works as "tell us" does: each question page is GET and POST, answers are kept
in a draft in the server-side session, "Send" stores the application exactly once (its
draft token is unique) and commits before the reference is shown. A link page never
changes anything on GET (mail scanners open links): only its buttons do.
"""

import secrets

from flask import abort, redirect, request, session, url_for
from flask_limiter.util import get_remote_address

from portal.advisory import bp, seats, services
from portal.advisory.forms import (
    AccessForm,
    AnswerForm,
    ConsentForm,
    ContactForm,
    DeclarationForm,
    ManyForm,
    NameForm,
    RefreshDeclarationForm,
    WhyForm,
)
from portal.advisory.models import AGE_BANDS, AVAILABILITY, EQUALITIES_FORUM, NAME_MAX, TEXT_MAX
from portal.core.models import ordered_themes
from portal.extensions import ADDRESS_CEILING, limiter
from portal.i18n import current_language
from portal.i18n import gettext as _
from portal.moderation.safeguarding import help_for, tel_href
from portal.shared import equality
from portal.shared.devices import device_or_address
from portal.shared.forms import CheckForm, ChoiceForm
from portal.shared.fragments import render
from portal.shared.links import url_if_served
from portal.shared.pagecache import cached_page
from portal.shared.pages import private
from portal.timeutil import as_aware, uk_today, utcnow

DRAFT = "advisory_draft"
DONE = "advisory_done"
EQUALITY = "advisory_equality"
STEPS = ("age", "name", "contact", "route", "why", "interests", "availability", "access", "declaration", "consent")
ANSWERED = {"age": "age_band", "name": "name", "contact": "contact_answered", "route": "route", "why": "why",
            "interests": "interests", "availability": "availability", "access": "access",
            "declaration": "has_interests", "consent": "consent"}
# The questions about you, in order (the GSS questions "tell us" asks, fewer of them).
EQUALITY_STEPS = ("sex", "ethnic-group", "ethnic-background", "religion", "disability")


def apply_limit() -> str:
    return "10 per hour"


@bp.get("/advisory-group")
@cached_page(10)  # the seats open: a few seconds old at most
def index():
    today = uk_today()
    return render("advisory/index.html", pools=seats.pools(), size=seats.group_size(),
                  per_area=seats.seats_per_area(), meeting=services.next_meeting(today),
                  young_url=url_if_served("feedback.young_people"))


# ---- applying ------------------------------------------------------------------------


def _draft() -> dict:
    return dict(session.get(DRAFT) or {})


def _first_missing(draft: dict) -> str | None:
    return next((step for step in STEPS if ANSWERED[step] not in draft), None)


def _next_url(draft: dict, change: bool) -> str:
    missing = _first_missing(draft)
    if missing is None:
        return url_for("advisory.apply_check")
    return url_for("advisory.apply_step", step=missing, **({"change": 1} if change else {}))


def _pool_items() -> list[dict]:
    """The routes, each with its seats: a full one says its applicants join the waiting list."""
    items = []
    for pool in seats.pools():
        if pool.key == EQUALITIES_FORUM:
            text = _("Through the Equalities Forum")
        else:
            text = _("I live in %(area)s", area=pool.name)
        if pool.full:
            hint = _("All %(cap)s seats are filled. You can still apply and join the waiting list.", cap=pool.cap)
        else:
            hint = _("%(open)s of %(cap)s seats open", open=pool.open, cap=pool.cap)
        items.append({"value": pool.key, "text": text, "hint": hint})
    return items


def _theme_choices() -> list[tuple[str, str]]:
    return [(theme.slug, theme.local_name) for theme in ordered_themes()]


def _availability_choices() -> list[tuple[str, str]]:
    return [(key, _(label)) for key, label in AVAILABILITY.items()]


@bp.get("/advisory-group/apply")
@private
def apply_start():
    return render("advisory/apply_start.html", young_url=url_if_served("feedback.young_people"))


@bp.get("/advisory-group/apply/too-young")
def too_young():
    return render("advisory/too_young.html", young_url=url_if_served("feedback.young_people"),
                  ideas_url=url_if_served("ideas.index"), tell_url=url_if_served("feedback.yp_start"))


@bp.route("/advisory-group/apply/<any(age,name,contact,route,why,interests,availability,access,declaration,consent):step>",
          methods=["GET", "POST"])
@private
def apply_step(step: str):
    draft = _draft()
    change = request.args.get("change") == "1"
    missing = _first_missing(draft)
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        return redirect(url_for("advisory.apply_step", step=missing))
    get = request.method == "GET"
    context: dict = {"step": step, "change": change}

    if step == "age":
        items = [{"value": key, "text": _(label)} for key, label in AGE_BANDS.items()]
        form = ChoiceForm([(item["value"], item["text"]) for item in items], _("Choose how old you are"),
                          answer=draft.get("age_band") if get else None)
        context["items"] = items
    elif step == "name":
        form = NameForm(data={"name": draft.get("name")} if get else None)
        context["name_max"] = NAME_MAX
    elif step == "contact":
        form = ContactForm(data={"email": draft.get("email"), "phone": draft.get("phone")} if get else None)
    elif step == "route":
        items = _pool_items()
        form = ChoiceForm([(item["value"], item["text"]) for item in items], _("Choose how you would join"),
                          answer=draft.get("route") if get else None)
        context["items"] = items
    elif step == "why":
        form = WhyForm(data={"why": draft.get("why"), "bring": draft.get("bring")} if get else None)
        context["text_max"] = TEXT_MAX
    elif step == "interests":
        form = ManyForm(_theme_choices(), None, answer=draft.get("interests") if get else None)
    elif step == "availability":
        form = ManyForm(_availability_choices(), _("Choose at least one time you could come to a meeting"),
                        answer=draft.get("availability") if get else None)
    elif step == "access":
        form = AccessForm(data={"access": draft.get("access")} if get else None)
        context["text_max"] = TEXT_MAX
    elif step == "declaration":
        form = DeclarationForm(data={"has_interests": draft.get("has_interests"),
                                     "declaration": draft.get("declaration")} if get else None)
        context["text_max"] = TEXT_MAX
    else:
        form = ConsentForm(data={"consent": draft.get("consent")} if get else None)

    if form.validate_on_submit():
        if step == "why" and form.website.data:
            session.pop(DRAFT, None)
            return render("advisory/not_sent.html"), 400
        draft.setdefault("token", secrets.token_urlsafe(24))
        if step == "age":
            if form.answer.data == "under_16":
                session.pop(DRAFT, None)  # nothing kept about someone who may not apply
                return redirect(url_for("advisory.too_young"), code=303)
            draft["age_band"] = form.answer.data
        elif step == "name":
            draft["name"] = form.name.data
        elif step == "contact":
            draft["email"], draft["phone"] = form.email.data or None, form.phone.data or None
            draft["contact_answered"] = True
        elif step == "route":
            draft["route"] = form.answer.data
        elif step == "why":
            draft["why"], draft["bring"] = form.why.data, form.bring.data
        elif step in ("interests", "availability"):
            draft[step] = form.answer.data
        elif step == "access":
            draft["access"] = form.access.data or ""
        elif step == "declaration":
            draft["has_interests"] = form.has_interests.data
            draft["declaration"] = form.declaration.data if form.has_interests.data == "yes" else ""
        else:
            draft["consent"] = True
        session[DRAFT] = draft
        if change and _first_missing(draft) is None:
            return redirect(url_for("advisory.apply_check"))
        following = STEPS.index(step) + 1
        if following < len(STEPS) and _first_missing(draft) is not None:
            return redirect(url_for("advisory.apply_step", step=STEPS[following]))
        return redirect(_next_url(draft, change))

    index_ = STEPS.index(step)
    context["back_url"] = (url_for("advisory.apply_check") if change else
                           url_for("advisory.apply_step", step=STEPS[index_ - 1]) if index_ else
                           url_for("advisory.apply_start"))
    return render(f"advisory/apply_{step}.html", form=form, **context)


def _check_rows(draft: dict) -> list[dict]:
    def change_url(step):
        return url_for("advisory.apply_step", step=step, change=1)

    themes = dict(_theme_choices())
    times = dict(_availability_choices())
    routes = {item["value"]: item["text"] for item in _pool_items()}
    contact = "\n".join(value for value in (draft.get("email"), draft.get("phone")) if value)
    none = _("None given")
    return [
        {"key": _("Your age"), "value": _(AGE_BANDS.get(draft.get("age_band"), "")), "href": change_url("age"),
         "hidden": _("your age")},
        {"key": _("Name"), "value": draft["name"], "href": change_url("name"), "hidden": _("your name")},
        {"key": _("How we contact you"), "value": contact, "href": change_url("contact"), "multiline": True,
         "hidden": _("how we contact you"), "isolate": True},
        {"key": _("How you would join"), "value": routes.get(draft["route"], ""), "href": change_url("route"),
         "hidden": _("how you would join")},
        {"key": _("Why you want to join"), "value": draft["why"], "href": change_url("why"), "multiline": True,
         "hidden": _("why you want to join")},
        {"key": _("What you would bring"), "value": draft["bring"], "href": change_url("why"), "multiline": True,
         "hidden": _("what you would bring")},
        {"key": _("Topics you care about"),
         "value": "\n".join(themes[s] for s in draft.get("interests") or [] if s in themes) or none,
         "href": change_url("interests"), "multiline": True, "hidden": _("the topics you care about")},
        {"key": _("When you could come"),
         "value": "\n".join(times[k] for k in draft.get("availability") or [] if k in times),
         "href": change_url("availability"), "multiline": True, "hidden": _("when you could come")},
        {"key": _("Help to take part"), "value": draft.get("access") or none, "href": change_url("access"),
         "multiline": True, "hidden": _("the help you need to take part")},
        {"key": _("Interests to declare"), "value": draft.get("declaration") or _("None"),
         "href": change_url("declaration"), "multiline": True, "hidden": _("your interests to declare")},
        {"key": _("We may contact you"), "value": _("Yes"), "href": change_url("consent"),
         "hidden": _("whether we may contact you")},
    ]


@bp.route("/advisory-group/apply/check-your-answers", methods=["GET", "POST"])
@private
@limiter.limit(ADDRESS_CEILING, methods=["POST"], key_func=get_remote_address)
@limiter.limit(apply_limit, methods=["POST"], key_func=device_or_address)
def apply_check():
    draft = _draft()
    done = session.get(DONE) or {}
    form = CheckForm(draft_token=draft.get("token")) if request.method == "GET" else CheckForm()
    if request.method == "POST":
        if form.website.data:
            session.pop(DRAFT, None)
            return render("advisory/not_sent.html"), 400
        if form.draft_token.data and form.draft_token.data == done.get("token"):
            return redirect(url_for("advisory.apply_confirmation"), code=303)  # sent already
        if _first_missing(draft) is not None:
            return redirect(url_for("advisory.apply_step", step=_first_missing(draft)))
        if form.draft_token.data != draft.get("token"):
            return redirect(url_for("advisory.apply_check"))
        try:
            result = services.apply(draft, language=current_language().code)
        except services.DraftIncomplete:
            return redirect(url_for("advisory.apply_step", step="age"))
        application = result.application
        session.pop(DRAFT, None)
        session[DONE] = {"reference": application.reference, "token": draft["token"]}
        if application.is_held:
            return redirect(url_for("advisory.apply_confirmation"), code=303)  # no more questions now
        session[EQUALITY] = {"id": application.id, "answers": {}}
        return redirect(url_for("advisory.equality_intro"), code=303)
    if not draft:
        return redirect(url_for("advisory.apply_start"))
    missing = _first_missing(draft)
    if missing is not None:
        return redirect(url_for("advisory.apply_step", step=missing))
    pool = next((p for p in seats.pools() if p.key == draft["route"]), None)
    return render("advisory/apply_check.html", form=form, rows=_check_rows(draft), pool=pool,
                  back_url=url_for("advisory.apply_step", step=STEPS[-1]))


@bp.get("/advisory-group/apply/confirmation")
@private
def apply_confirmation():
    done = session.get(DONE)
    application = services.find_by_reference(done["reference"]) if done else None
    if application is None:
        return redirect(url_for("advisory.index"))
    categories = application.safeguarding_categories.split(",") if application.safeguarding_categories else []
    return render("advisory/apply_confirmation.html", application=application,
                  reference=application.display_reference, pool_name=services.pool_name(application.seat_pool),
                  help_items=help_for(categories, application.audience), tel_href=tel_href,
                  track_url=url_if_served("feedback.track", reference=application.display_reference))


# ---- the questions about you (optional) ---------------------------------------------


def _equality_state() -> dict | None:
    state = session.get(EQUALITY)
    return state if isinstance(state, dict) and "id" in state else None


def _asked(answers: dict) -> list[str]:
    # The background question is asked for the group chosen, if one was.
    return [slug for slug in EQUALITY_STEPS
            if slug != "ethnic-background" or answers.get("ethnic_group") not in (None, "prefer_not")]


def _finish_equality(state: dict | None):
    if state and any(value not in (None, "prefer_not") for value in state.get("answers", {}).values()):
        services.store_equality(state["id"], state["answers"])
    session.pop(EQUALITY, None)
    return redirect(url_for("advisory.apply_confirmation"), code=303)


@bp.route("/advisory-group/apply/questions-about-you", methods=["GET", "POST"])
@private
def equality_intro():
    state = _equality_state()
    if state is None:
        return redirect(url_for("advisory.apply_confirmation"))
    if request.method == "POST":
        form = AnswerForm()
        if form.validate_on_submit() and form.answer.data == "yes":
            return redirect(url_for("advisory.equality_question", slug=EQUALITY_STEPS[0]), code=303)
        return _finish_equality(None)
    done = session.get(DONE) or {}
    application = services.find_by_reference(done.get("reference", ""))
    return render("advisory/equality_intro.html", form=AnswerForm(),
                  reference=application.display_reference if application else "")


@bp.post("/advisory-group/apply/questions-about-you/skip")
@private
def equality_skip():
    return _finish_equality(_equality_state())


@bp.route("/advisory-group/apply/questions-about-you/<any('sex','ethnic-group','ethnic-background','religion','disability'):slug>",
          methods=["GET", "POST"])
@private
def equality_question(slug: str):
    state = _equality_state()
    if state is None:
        return redirect(url_for("advisory.apply_confirmation"))
    answers = state.setdefault("answers", {})
    asked = _asked(answers)
    if slug not in asked:
        return redirect(url_for("advisory.equality_question", slug="ethnic-group"))
    question = equality.BY_SLUG[slug]
    if slug == "ethnic-background":
        options = [*equality.background_options(answers.get("ethnic_group")), equality.PREFER_NOT]
        title = equality.background_title(answers.get("ethnic_group"))
    else:
        options = question.options(False)
        title = question.text(False)
    form = ChoiceForm(options, None, _("Choose one of the answers, or press Continue without choosing"),
                      answer=answers.get(question.column) if request.method == "GET" else None)
    if form.validate_on_submit():
        answers[question.column] = form.answer.data
        if slug == "ethnic-group":
            answers.pop("ethnic_background", None)  # the group changed: ask the background again
        session[EQUALITY] = state
        following = _asked(answers)
        position = following.index(slug) + 1
        if position >= len(following):
            return _finish_equality(state)
        return redirect(url_for("advisory.equality_question", slug=following[position]), code=303)
    index_ = asked.index(slug)
    back_url = (url_for("advisory.equality_question", slug=asked[index_ - 1]) if index_
                else url_for("advisory.equality_intro"))
    items = [{"value": value, "text": text} for value, text in options]
    return render("advisory/equality_question.html", form=form, title=title, hint=question.hint(False),
                  items=items, number=index_ + 1, total=len(asked), back_url=back_url)


# ---- the links we email -------------------------------------------------------------


LINK_PROBLEMS = ("forged", "expired", "used", "gone")


def _problem(reason: str, what: str):
    return render("advisory/link_problem.html", reason=reason, what=what), 410 if reason != "forged" else 404


@bp.route("/advisory-group/offer/<token>", methods=["GET", "POST"])
@private
def offer(token: str):
    form = AnswerForm()
    try:
        link = services.read_link(token, "offer")
        if link.application.stage != "offered" or link.application.is_held or link.application.status == "hidden":
            raise services.LinkProblem("gone")
        if as_aware(link.application.offer_expires_at) <= utcnow():
            raise services.LinkProblem("expired")
    except services.LinkProblem as problem:
        return _problem(problem.reason, "offer")
    application = link.application
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            application = services.answer_offer(token, accept=form.answer.data == "yes")
        except services.LinkProblem as problem:
            return _problem(problem.reason, "offer")
        except seats.NoSeat:
            return _problem("gone", "offer")
        return render("advisory/offer_answered.html", application=application,
                      pool_name=services.pool_name(application.seat_pool))
    return render("advisory/offer.html", form=form, application=application,
                  pool_name=services.pool_name(application.seat_pool), meeting=services.next_meeting(uk_today()))


@bp.route("/advisory-group/declaration/<token>", methods=["GET", "POST"])
@private
def declaration(token: str):
    try:
        link = services.read_link(token, "declaration")
        if link.application.stage != "member":
            raise services.LinkProblem("gone")
    except services.LinkProblem as problem:
        return _problem(problem.reason, "declaration")
    application = link.application
    form = RefreshDeclarationForm(data={"declaration": application.declaration} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.refresh_declaration(token, form.declaration.data or "")
        except services.LinkProblem as problem:
            return _problem(problem.reason, "declaration")
        return render("advisory/declaration_saved.html")
    return render("advisory/declaration.html", form=form, application=application, text_max=TEXT_MAX)


@bp.route("/advisory-group/invitation/<token>", methods=["GET", "POST"])
@private
def invitation(token: str):
    form = AnswerForm()
    try:
        link = services.read_link(token, "invitation")
    except services.LinkProblem as problem:
        return _problem(problem.reason, "invitation")
    from portal.advisory.models import Invitation
    from portal.extensions import db

    invite = db.session.get(Invitation, link.invitation_id)
    if invite is None:
        return _problem("gone", "invitation")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            reply = services.reply_to_invitation(token, coming=form.answer.data == "yes")
        except services.LinkProblem as problem:
            return _problem(problem.reason, "invitation")
        return render("advisory/invitation_answered.html", invitation=invite, reply=reply)
    return render("advisory/invitation.html", form=form, invitation=invite, application=link.application)
