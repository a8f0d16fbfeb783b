"""The three reporting terms a year, for the termly "you said, we did" reports.

The improvement plan asks for a report "every term", published in March, July and
December. The terms follow the school year the reports are timed to, and between them
cover every day of the calendar year exactly once:

    YYYY-03  1 January  to 31 March     (spring term)
    YYYY-07  1 April    to 31 July      (summer term)
    YYYY-12  1 August   to 31 December  (the summer holiday and the autumn term)

Boundaries are at midnight UK time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from portal.i18n import gettext as _
from portal.timeutil import UK, uk_today

REPORT_MONTHS = (3, 7, 12)
_FIRST_MONTH = {3: 1, 7: 4, 12: 8}


# Whole phrases, so each language words them its own way. The year is passed as text:
# a number formatted by language would read "2,026".
def _label(month: int, year: str) -> str:
    if month == 3:
        return _("January to March %(year)s", year=year)
    if month == 7:
        return _("April to July %(year)s", year=year)
    return _("August to December %(year)s", year=year)


def _title(month: int, year: str) -> str:
    if month == 3:
        return _("March %(year)s report", year=year)
    if month == 7:
        return _("July %(year)s report", year=year)
    return _("December %(year)s report", year=year)


@dataclass(frozen=True, order=True)
class Term:
    year: int
    month: int  # the report month: 3, 7 or 12

    @property
    def first_day(self) -> date:
        return date(self.year, _FIRST_MONTH[self.month], 1)

    @property
    def last_day(self) -> date:
        return _last_day(self.year, self.month)

    @property
    def start(self) -> datetime:
        """First moment of the term, in UTC."""
        return datetime.combine(self.first_day, time(), UK).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """First moment after the term, in UTC (exclusive)."""
        return self.following.start

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        """'August to December 2026', in the page's language."""
        return _label(self.month, str(self.year))

    @property
    def title(self) -> str:
        """'December 2026 report', in the page's language."""
        return _title(self.month, str(self.year))

    @property
    def following(self) -> "Term":
        index = REPORT_MONTHS.index(self.month)
        if index == len(REPORT_MONTHS) - 1:
            return Term(self.year + 1, REPORT_MONTHS[0])
        return Term(self.year, REPORT_MONTHS[index + 1])

    @property
    def previous(self) -> "Term":
        index = REPORT_MONTHS.index(self.month)
        if index == 0:
            return Term(self.year - 1, REPORT_MONTHS[-1])
        return Term(self.year, REPORT_MONTHS[index - 1])


def _last_day(year: int, month: int) -> date:
    return {3: date(year, 3, 31), 7: date(year, 7, 31), 12: date(year, 12, 31)}[month]


def term_for(day: date) -> Term:
    """The term a (UK) calendar day falls in."""
    for month in REPORT_MONTHS:
        if day <= _last_day(day.year, month):
            return Term(day.year, month)
    raise AssertionError("unreachable: December ends the year")


def recent_terms(count: int, today: date | None = None) -> list[Term]:
    """The current term and the ones before it, newest first."""
    term = term_for(today or uk_today())
    terms = []
    for _step in range(count):
        terms.append(term)
        term = term.previous
    return terms


def first_report_term(first_published: date | None, today: date | None = None) -> Term:
    """The first term with a report: the one the first answer was published in (UK date).
    With nothing published yet, the current term (its report says so)."""
    current = term_for(today or uk_today())
    if first_published is None:
        return current
    return min(term_for(first_published), current)


def terms_since(first: Term, today: date | None = None) -> list[Term]:
    """Every term from `first` to the current one, newest first: the reports that exist."""
    term = term_for(today or uk_today())
    terms = []
    while term >= first:
        terms.append(term)
        term = term.previous
    return terms
