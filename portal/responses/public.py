"""You said, we did: the public pages, the termly reports and the feed."""

from datetime import date

from flask import Response as HttpResponse
from flask import abort, make_response, request, stream_with_context, url_for
from sqlalchemy import func, select

from portal.core.models import ordered_areas, ordered_themes
from portal.extensions import db
from portal.i18n import current_language
from portal.responses import bp
from portal.responses.feed import build_feed
from portal.responses.figures import term_figures
from portal.responses.models import RESPONSE_STATUSES, Response
from portal.responses.reports import ReportFilters, report_page, report_summary
from portal.responses.reports import report_csv as report_csv_rows
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
from portal.shared.pagecache import cached_page
from portal.timeutil import UK, as_aware, uk_today

PUBLIC_CACHE = "public, max-age=60"
# The GOV.UK tag colour of each status (planned: the default blue).
STATUS_TAGS = {"done": " govuk-tag--green", "not_taken_forward": " govuk-tag--grey", "in_progress": " govuk-tag--turquoise"}


def _statuses() -> dict[str, str]:
    """The statuses in the page's language, translated once for the page, not per item."""
    return {key: str(label) for key, label in RESPONSE_STATUSES.items()}


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
@cached_page(30)
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
        statuses=_statuses(),
        status_tags=STATUS_TAGS,
        audiences=AUDIENCE_FILTERS,
        term=term,
        figures=figures,
        total=total,
        theme_names={t.id: t.local_name for t in themes},
        reports=terms_since(_first_report_term(today), today)[1:],
    ))


@bp.get("/you-said-we-did/<int:response_id>")
@cached_page(60)
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


def _report_term(year: int, month: int, today: date) -> tuple[Term, Term]:
    """(the term, the first term with a report), or a 404 for a term with no report:
    not a report month, in the future, or before anything was published."""
    if month not in REPORT_MONTHS or not 2000 <= year <= 2100:
        abort(404)
    term = Term(year, month)
    if term.first_day > today:
        abort(404)
    first = _first_report_term(today)
    if term < first:  # before anything was published: no report, and no link to one
        abort(404)
    return term, first


@bp.get("/you-said-we-did/<int(fixed_digits=4):year>-<int(fixed_digits=2):month>")
@cached_page(60)
def report(year: int, month: int):
    """A termly report (March, July, December): the term's figures and answers by topic,
    then its updates twenty at a time (keyset pages, optionally one topic), and the whole
    report as a CSV file. Its time and weight do not grow with the term."""
    today = uk_today()
    term, first = _report_term(year, month, today)
    if request.cookies:  # a signed-in person's page may carry a message for them alone
        return _public(_render_report(term, today, first))
    # Every visitor without a cookie sees the same page in their language: render each
    # page once a minute for each language (this process; at most 500 pages are kept).
    args = tuple(sorted(request.args.items()))
    key = ("report", str(db.engine.url), term, today, first, current_language().code, args)
    return _public(cache.get_or_set(key, lambda: _render_report(term, today, first)))


def _render_report(term: Term, today: date, first: Term) -> str:
    themes = ordered_themes()
    filters = ReportFilters.read(request.args, [t.slug for t in themes])
    page, paged = report_page(term, filters, {t.slug: t.id for t in themes})
    if paged and not page.items:
        abort(404)  # a cursor past the end of the term, or made up: no such page
    summary = report_summary(term)
    figures, total = term_figures(term)
    theme_names = {t.id: t.local_name for t in themes}
    return render(
        "responses/report.html",
        term=term,
        themes=themes,
        filters=filters,
        updates=page.items,
        later=page.next_cursor,
        earlier=page.previous_cursor,
        summary=summary,
        theme_slugs={t.id: t.slug for t in themes},
        first_note=FIRST_PUBLISHED,
        figures=figures,
        total=total,
        theme_names=theme_names,
        statuses=_statuses(),
        status_tags=STATUS_TAGS,
        in_progress=term.last_day >= today,
        today=today,
        answer_href=url_for("responses.show", response_id=0)[:-1],
        previous=term.previous if term.previous >= first else None,
        following=term.following if term.following.first_day <= today else None,
    )


@bp.get("/you-said-we-did/<int(fixed_digits=4):year>-<int(fixed_digits=2):month>.csv")
def report_csv(year: int, month: int):
    """The whole termly report, every update, as a CSV file, streamed as it is read."""
    term, _first = _report_term(year, month, uk_today())
    theme_names = {t.id: t.local_name for t in ordered_themes()}
    answer_url = public_base_url() + url_for("responses.show", response_id=0)[:-1]
    body = stream_with_context(report_csv_rows(term, theme_names, answer_url))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="you-said-we-did-{term.slug}.csv"'})
    return _public(response)


@bp.get("/you-said-we-did/feed.atom")
@cached_page(60)
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
