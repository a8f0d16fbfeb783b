"""You said, we did: the public pages, the termly reports, the feed, and the staff screens
for drafting, publishing and updating answers (under /moderate/responses)."""

from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.core.models import ordered_areas, ordered_themes
from portal.core.numbers import parse_id
from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.redaction import KIND_LABELS
from portal.moderation.views import safe_next
from portal.responses import bp, cache
from portal.responses.feed import build_feed
from portal.responses.figures import term_figures
from portal.responses.forms import STATUS_HINTS, ResponseForm
from portal.responses.models import RESPONSE_STATUSES, Response, ResponseUpdate
from portal.responses.services import (
    AUDIENCE_FILTERS,
    FIRST_PUBLISHED,
    PublicFilters,
    ResponseError,
    count_linked,
    create_draft,
    delete_draft,
    linked_submissions,
    post_update,
    public_page,
    publish,
    save_draft,
    staff_list,
    unlink,
    updates_for,
    what_people_said,
)
from portal.responses.terms import REPORT_MONTHS, Term, recent_terms, term_for, uk_today
from portal.staff.auth import role_required
from portal.templating import render
from portal.timeutil import as_aware

PUBLIC_CACHE = "public, max-age=60"


def _public(response):
    """Public pages may be cached briefly by browsers and proxies: the same for everyone,
    with no personal data. Not when the request carries a cookie: a signed-in person's
    page may hold a message meant only for them (and the session may set a cookie)."""
    response = make_response(response)
    if not request.cookies:
        response.headers.setdefault("Cache-Control", PUBLIC_CACHE)
    response.vary.add("Cookie")
    return response


# ---- public pages ---------------------------------------------------------------------


@bp.get("/you-said-we-did")
def index():
    """Published answers, newest first, with filters and the figures for this term."""
    themes, areas = ordered_themes(), ordered_areas()
    theme_ids = {t.slug: t.id for t in themes}
    area_ids = {a.slug: a.id for a in areas}
    filters = PublicFilters.from_args(request.args, theme_ids, area_ids)
    responses, older, newer = public_page(filters, theme_ids, area_ids)
    term = term_for(uk_today())
    figures, total = term_figures(term)
    return _public(render(
        "responses/index.html",
        block="results",
        responses=responses,
        older=older,
        newer=newer,
        filters=filters,
        themes=themes,
        areas=areas,
        statuses=RESPONSE_STATUSES,
        audiences=AUDIENCE_FILTERS,
        term=term,
        figures=figures,
        total=total,
        theme_names={t.id: t.name for t in themes},
        reports=recent_terms(4)[1:],
    ))


@bp.get("/you-said-we-did/<int:response_id>")
def show(response_id: int):
    """One answer: what people said, what was done, its status and every dated update."""
    response = db.session.get(Response, response_id)
    if response is None or response.state != "published":
        abort(404)
    answered, young, quotes = what_people_said(response.id)
    return _public(render(
        "responses/show.html",
        response=response,
        updates=updates_for([response.id]).get(response.id, []),
        answered=answered,
        young=young,
        quotes=quotes,
        statuses=RESPONSE_STATUSES,
    ))


@bp.get("/you-said-we-did/<int(fixed_digits=4):year>-<int(fixed_digits=2):month>")
def report(year: int, month: int):
    """A termly report (March, July, December): all published or updated that term."""
    if month not in REPORT_MONTHS or not 2000 <= year <= 2100:
        abort(404)
    term = Term(year, month)
    today = uk_today()
    if term.first_day > today:
        abort(404)
    if request.cookies:  # a signed-in person's page may carry a message for them alone
        return _public(_render_report(term, today))
    # Every visitor without a cookie sees the same report: render it once a minute.
    page = cache.get_or_set(("report", str(db.engine.url), term, today), lambda: _render_report(term, today))
    return _public(page)


def _render_report(term: Term, today) -> str:
    rows = db.session.execute(
        select(ResponseUpdate, Response)
        .join(Response, Response.id == ResponseUpdate.response_id)
        .where(Response.state == "published", ResponseUpdate.published_at >= term.start, ResponseUpdate.published_at < term.end)
        .order_by(ResponseUpdate.published_at, ResponseUpdate.id)
    ).unique().all()
    # Each answer once, as it stood at its last update in the term.
    latest: dict[int, tuple] = {}
    for update, response in rows:
        latest[response.id] = (update, response)
    themes = ordered_themes()
    groups = []
    for theme in [*themes, None]:
        items = [(u, r) for u, r in latest.values() if (r.theme_id == (theme.id if theme else None))]
        if items:
            groups.append((theme, sorted(items, key=lambda pair: (pair[1].published_at, pair[1].id))))
    figures, total = term_figures(term)
    return render(
        "responses/report.html",
        term=term,
        groups=groups,
        count=len(latest),
        new_count=sum(1 for _, r in latest.values() if term.start <= as_aware(r.published_at) < term.end),
        first_note=FIRST_PUBLISHED,
        figures=figures,
        total=total,
        theme_names={t.id: t.name for t in themes},
        statuses=RESPONSE_STATUSES,
        in_progress=term.last_day >= today,
        today=today,
        previous=term.previous,
        following=term.following if term.following.first_day <= today else None,
    )


@bp.get("/you-said-we-did/feed.atom")
def feed():
    """The 50 most recently published answers as an Atom feed."""
    responses = list(db.session.scalars(
        select(Response).where(Response.state == "published")
        .order_by(Response.published_at.desc(), Response.id.desc()).limit(50)
    ).unique())
    updated = max((r.updated_at or r.published_at for r in responses), default=None)
    body = build_feed(responses, current_app.config.get("PUBLIC_BASE_URL", request.host_url), updated)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return _public(response)


# ---- staff: drafting and publishing -----------------------------------------------------


@bp.get("/moderate/responses")
@role_required("moderator")
def manage():
    """Drafts and published answers, newest first."""
    drafts, next_drafts = staff_list("draft", request.args.get("drafts_before", "")[:60])
    published, next_published = staff_list("published", request.args.get("published_before", "")[:60])
    counts = count_linked([r.id for r in drafts + published])
    return render("responses/manage.html", drafts=drafts, published=published, counts=counts,
                  next_drafts=next_drafts, next_published=next_published, statuses=RESPONSE_STATUSES)


def _ids() -> list[int]:
    return [ident for ident in (parse_id(v) for v in request.form.getlist("ids")[:500]) if ident is not None]


@bp.post("/moderate/responses/new")
@role_required("moderator")
def create():
    """Start a draft answer from the items selected in the queue ("Answer selected")."""
    try:
        response, skipped = create_draft(_ids(), current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        return _back_to_queue(str(error))
    db.session.commit()
    message = "Draft answer started."
    if skipped:
        message += " Left out: " + "; ".join(f"{s.display_reference} ({why})" for s, why in skipped[:5]) + "."
    flash(message, "success")
    target = url_for("responses.edit", response_id=response.id)
    if request.htmx and not request.htmx.boosted:
        reply = make_response("", 204)
        reply.headers["HX-Redirect"] = target  # a whole new page, not a swap into the queue
        return reply
    return redirect(target, code=303)


def _back_to_queue(message: str):
    next_url = safe_next(request.form.get("next"))
    if request.htmx and not request.htmx.boosted:
        from portal.moderation.views import after_queue_action

        return after_queue_action(message, ok=False)
    flash(message, "info")
    return redirect(next_url, code=303)


def _response_or_404(response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None:
        abort(404)
    return response


def _edit_page(response: Response, form: ResponseForm, problem: str | None = None):
    # Errors come back with 200, like every form here: the page itself says what is wrong.
    submissions = linked_submissions(response.id)
    return render(
        "responses/edit.html",
        response=response,
        form=form,
        submissions=submissions,
        updates=updates_for([response.id]).get(response.id, []) if response.state == "published" else [],
        status_hints=STATUS_HINTS,
        problem=problem,
        has_errors=bool(problem),
    )


@bp.get("/moderate/responses/<int:response_id>")
@role_required("moderator")
def edit(response_id: int):
    """The answer's form: a draft to finish and publish, or a published one to update."""
    response = _response_or_404(response_id)
    return _edit_page(response, ResponseForm.for_response(response, ordered_themes()))


def _removed_message(kinds: list[str]) -> str:
    if not kinds:
        return ""
    return " Personal details from the original feedback were taken out: " + ", ".join(KIND_LABELS[k] for k in kinds) + "."


@bp.post("/moderate/responses/<int:response_id>")
@role_required("moderator")
def save(response_id: int):
    """Save a draft, or (for a published answer) publish an update that is kept with its date."""
    response = _response_or_404(response_id)
    form = ResponseForm(ordered_themes())
    publishing = response.state == "published"
    if not form.check(publishing=publishing):
        return _edit_page(response, form)
    actor = current_user._get_current_object()
    try:
        if publishing:
            removed = post_update(response, form.fields(), form.note.data or "", actor)
            message = "Update published."
        else:
            removed = save_draft(response, form.fields(), actor)
            message = "Draft saved."
    except ResponseError as error:
        db.session.rollback()
        return _edit_page(response, form, problem=str(error))
    db.session.commit()
    flash(message + _removed_message(removed), "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/publish")
@role_required("moderator")
def publish_response(response_id: int):
    """Publish a draft: linked feedback is marked answered and submitters are emailed once."""
    response = _response_or_404(response_id)
    form = ResponseForm(ordered_themes())
    if not form.check(publishing=True):
        return _edit_page(response, form)
    try:
        queued, removed = publish(response, form.fields(), current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        return _edit_page(response, form, problem=str(error))
    db.session.commit()
    flash(f"Published. {queued} {'person' if queued == 1 else 'people'} will be emailed that their feedback was answered."
          + _removed_message(removed), "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/unlink")
@role_required("moderator")
def unlink_submission(response_id: int):
    """Take one item out of a draft answer; it goes back to the queue."""
    response = _response_or_404(response_id)
    value = request.form.get("submission_id", "")
    ident = parse_id(value)
    submission = db.session.get(Submission, ident) if ident is not None else None
    if submission is None:
        abort(404)
    try:
        unlink(response, submission, current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(f"{submission.display_reference} taken out of this answer.", "success")
    return redirect(url_for("responses.edit", response_id=response.id), code=303)


@bp.post("/moderate/responses/<int:response_id>/delete")
@role_required("moderator")
def delete(response_id: int):
    """Throw away a draft; its items go back to the queue."""
    response = _response_or_404(response_id)
    try:
        delete_draft(response, current_user._get_current_object())
    except ResponseError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(url_for("responses.edit", response_id=response_id), code=303)
    db.session.commit()
    flash("Draft deleted. Its items are back in the queue.", "success")
    return redirect(url_for("responses.manage"), code=303)

