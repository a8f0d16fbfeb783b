"""You said, we did: the public pages, the termly reports and the feed."""

from datetime import date

from flask import abort, make_response, request
from sqlalchemy import func, select

from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import db
from portal.i18n import current_language
from portal.responses import bp
from portal.responses.feed import build_feed
from portal.responses.figures import term_figures
from portal.responses.models import RESPONSE_STATUSES, Response, ResponseUpdate
from portal.responses.services import (
    AUDIENCE_FILTERS,
    FIRST_PUBLISHED,
    PublicFilters,
    public_page,
    updates_for,
    what_people_said,
)
from portal.responses.terms import REPORT_MONTHS, Term, first_report_term, term_for, terms_since
from portal.shared import cache
from portal.shared.fragments import render
from portal.shared.links import public_base_url
from portal.timeutil import UK, as_aware, uk_today

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


def _first_report_term(today: date) -> Term:
    """The first term with a report: the term of the first published answer (one query).
    Reports before it would all be empty, so they do not exist and nothing links to them."""
    first = db.session.scalar(select(func.min(Response.published_at)).where(Response.state == "published"))
    return first_report_term(as_aware(first).astimezone(UK).date() if first else None, today)


# ---- public pages ---------------------------------------------------------------------


@bp.get("/you-said-we-did")
def index():
    """Published answers, newest first, with filters and the figures for this term."""
    themes, areas = ordered_themes(), ordered_areas()
    theme_ids = {t.slug: t.id for t in themes}
    area_ids = {a.slug: a.id for a in areas}
    filters = PublicFilters.read(request.args, theme_ids, area_ids)
    page = public_page(filters, theme_ids, area_ids)
    today = uk_today()
    term = term_for(today)
    figures, total = term_figures(term)
    return _public(render(
        "responses/index.html",
        block="results",
        responses=page.items,
        older=page.next_cursor,
        newer=page.previous_cursor,
        filters=filters,
        themes=themes,
        areas=areas,
        statuses=RESPONSE_STATUSES,
        audiences=AUDIENCE_FILTERS,
        term=term,
        figures=figures,
        total=total,
        theme_names={t.id: t.local_name for t in themes},
        reports=terms_since(_first_report_term(today), today)[1:],
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
        first_note=FIRST_PUBLISHED,
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
    first = _first_report_term(today)
    if term < first:  # before anything was published: no report, and no link to one
        abort(404)
    if request.cookies:  # a signed-in person's page may carry a message for them alone
        return _public(_render_report(term, today, first))
    # Every visitor without a cookie sees the same report in their language: render it
    # once a minute for each language.
    key = ("report", str(db.engine.url), term, today, first, current_language().code)
    page = cache.get_or_set(key, lambda: _render_report(term, today, first))
    return _public(page)


def _render_report(term: Term, today, first: Term) -> str:
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
        theme_names={t.id: t.local_name for t in themes},
        statuses=RESPONSE_STATUSES,
        in_progress=term.last_day >= today,
        today=today,
        previous=term.previous if term.previous >= first else None,
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
    body = build_feed(responses, public_base_url(), updated)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return _public(response)
