"""Termly reports, bounded: what a term's page shows costs the same in a quiet term and in
a district-wide consultation.

- The summary: how many answers were published or updated in the term, how many of them
  new, per topic. One grouped query over the term's range of the `response_update`
  index (published_at, id): it reads the term's updates, never the whole table. Kept in
  this process for a minute while the term runs, ten minutes once it is over (a past
  term changes only when an answer's topic is edited), and dropped at once when this
  process publishes or updates an answer (`portal.shared.cache`).
- The list: every update published in the term (an answer's first publication, and each
  change after), oldest first, twenty a page, keyset on (published_at, id): page 40 costs
  what page 1 costs. It may be narrowed to one topic.
- The full report: every update of the term as a CSV file, streamed row by row from one
  query, so neither the page nor the server holds the whole term at once.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import translate
from portal.responses.models import RESPONSE_STATUSES, Response, ResponseUpdate
from portal.responses.services import FIRST_PUBLISHED
from portal.responses.terms import Term
from portal.shared import cache
from portal.shared.pagination import Page, QueryFilters, choice, cursor, keyset_page, parse_cursor
from portal.timeutil import UK, as_aware, uk_today

REPORT_PAGE_SIZE = 20
REPORT_KEY = (ResponseUpdate.published_at, ResponseUpdate.id)
CURRENT_TERM_SECONDS = 60
PAST_TERM_SECONDS = 600


@dataclass(frozen=True)
class ReportFilters(QueryFilters):
    theme: str = choice()
    after: str = cursor()  # the last update of the page before: the "next" link
    before: str = cursor()  # the first update of the page after: the "previous" link

    @classmethod
    def read(cls, args, theme_slugs=()) -> "ReportFilters":
        return cls.from_args(args, theme=set(theme_slugs))

    @property
    def is_paged(self) -> bool:
        return bool(self.after or self.before)


@dataclass
class TopicCount:
    theme_id: int | None
    answers: int = 0  # answers published or updated in the term
    new: int = 0  # of them, first published in the term
    updates: int = 0  # entries in the term's list

    @property
    def updated(self) -> int:
        return self.answers - self.new


@dataclass
class ReportSummary:
    topics: list[TopicCount]
    total: TopicCount


def _in_term(term: Term):
    return and_(ResponseUpdate.published_at >= term.start, ResponseUpdate.published_at < term.end,
                Response.state == "published")


def report_summary(term: Term) -> ReportSummary:
    seconds = CURRENT_TERM_SECONDS if term.last_day >= uk_today() else PAST_TERM_SECONDS
    return cache.get_or_set(("report-summary", str(db.engine.url), term), lambda: _summary(term), seconds)


def _summary(term: Term) -> ReportSummary:
    new = case((and_(Response.published_at >= term.start, Response.published_at < term.end), Response.id))
    rows = db.session.execute(
        select(Response.theme_id, func.count(ResponseUpdate.response_id.distinct()), func.count(new.distinct()),
               func.count())
        .select_from(ResponseUpdate).join(Response, Response.id == ResponseUpdate.response_id)
        .where(_in_term(term))
        .group_by(Response.theme_id)
    ).all()
    total = TopicCount(theme_id=None)
    topics = []
    for theme_id, answers, first, updates in rows:
        topics.append(TopicCount(theme_id, answers, first, updates))
        total.answers += answers
        total.new += first
        total.updates += updates
    topics.sort(key=lambda topic: (-topic.answers, topic.theme_id is None, topic.theme_id or 0))
    return ReportSummary(topics=topics, total=total)


def _updates_in(term: Term, theme_id: int | None = None):
    statement = (
        select(ResponseUpdate)
        .join(Response, Response.id == ResponseUpdate.response_id)
        .where(_in_term(term))
        .options(contains_eager(ResponseUpdate.response).raiseload(Response.theme))
    )
    if theme_id is not None:
        statement = statement.where(Response.theme_id == theme_id)
    return statement


def report_page(term: Term, filters: ReportFilters, theme_ids: dict,
                page_size: int = REPORT_PAGE_SIZE) -> tuple[Page, bool]:
    """(one page of the term's updates, oldest first; whether it was asked for by a cursor).
    A cursor that is not one (a link typed or cut short) is dropped: the first page."""
    after, before = (text if text and parse_cursor(text, REPORT_KEY) else "" for text in (filters.after, filters.before))
    page = keyset_page(db.session, _updates_in(term, theme_ids.get(filters.theme)), REPORT_KEY,
                       forward_from=after, back_from=before, ascending=True, page_size=page_size)
    return page, bool(after or before)


# ---- the full report as a CSV file ---------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """A cell a spreadsheet would run as a formula is written as text (as the advisory
    group's members CSV does)."""
    return f"'{value}" if isinstance(value, str) and value[:1] in FORMULA_STARTS else value


def _day(moment) -> str:
    if moment is None:
        return ""
    if hasattr(moment, "astimezone"):
        moment = as_aware(moment).astimezone(UK).date()
    return moment.isoformat()


def csv_columns() -> list[str]:
    return [_("Date"), _("What changed"), _("Topic"), _("You said"), _("We did"), _("Status"), _("Why not"),
            _("Who is responsible"), _("When"), _("Published"), _("For young people"), _("Web address")]


def report_csv(term: Term, theme_names: dict, answer_url: str, batch: int = 500) -> Iterator[str]:
    """Every update of the term, oldest first, as CSV text in pieces: the header, then a
    piece for every `batch` rows. One query, read as it goes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_columns())
    statuses = {key: str(label) for key, label in RESPONSE_STATUSES.items()}
    first_note = translate(FIRST_PUBLISHED)
    something_else = _("Something else")
    yield "\ufeff" + out.getvalue()  # the byte-order mark: spreadsheets then read UTF-8 (Urdu, Polish) right
    out.seek(0)
    out.truncate()
    statement = _updates_in(term).order_by(*REPORT_KEY).execution_options(yield_per=batch)
    for n, update in enumerate(db.session.scalars(statement), 1):
        response = update.response
        note = first_note if update.note == FIRST_PUBLISHED else update.note
        reason = update.reason if update.status == "not_taken_forward" else ""
        row = [_day(update.published_at), note, theme_names.get(response.theme_id, something_else),
               response.you_said, update.we_did, statuses.get(update.status, update.status), reason or "",
               response.responsible, _day(response.action_date), _day(response.published_at),
               response.young_people_summary or "", f"{answer_url}{response.id}"]
        writer.writerow([defuse(value) for value in row])
        if n % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
