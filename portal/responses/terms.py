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

from portal.timeutil import UK, uk_today

REPORT_MONTHS = (3, 7, 12)
_FIRST_MONTH = {3: 1, 7: 4, 12: 8}
_NAMES = {3: "January to March", 7: "April to July", 12: "August to December"}


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
        return f"{_NAMES[self.month]} {self.year}"

    @property
    def title(self) -> str:
        return f"{date(self.year, self.month, 1):%B} {self.year} report"

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
    for _ in range(count):
        terms.append(term)
        term = term.previous
    return terms
