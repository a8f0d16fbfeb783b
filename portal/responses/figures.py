"""The public figures: share of feedback answered and median days to answer, per theme
and per term. Computed from the submissions, never typed in.

- A submission counts in the term it was received in (UK dates), whenever it was answered.
- Hidden items (spam, abuse, duplicates) and items held by the safeguarding lead are left
  out: they can never have a public answer.
- "Days to answer" is the number of whole days from receipt to the publication of the
  answer; the median is over the answered items of that theme and term.

One grouped query per term: rows are counted per (theme, whole days to answer), so the
database returns at most a few hundred rows however many submissions there are, and the
median is read off that histogram. Results are kept in this process for a minute
(`portal.shared.cache`), and dropped at once when this process publishes or updates
an answer.
"""

from dataclasses import dataclass, field

from flask_babel import format_decimal, format_percent
from sqlalchemy import Integer, case, cast, func, select

from portal.extensions import db
from portal.i18n import ngettext
from portal.moderation.models import ModerationItem
from portal.responses.terms import Term
from portal.shared import cache


@dataclass
class Figure:
    theme_id: int | None
    received: int = 0
    answered: int = 0
    histogram: dict = field(default_factory=dict)  # whole days -> how many

    @property
    def share(self) -> float | None:
        return self.answered / self.received if self.received else None

    @property
    def share_text(self) -> str:
        """'30%', written the way the page's language writes a percentage."""
        return "–" if self.share is None else format_percent(self.share)

    @property
    def median_days(self) -> float | None:
        return median_from_histogram(self.histogram)

    @property
    def median_text(self) -> str:
        """'9 days': half of the answered items were answered within this."""
        value = self.median_days
        if value is None:
            return "–"
        # The plural is chosen by a whole number (2.5 days reads as "days", like 3).
        plural_by = int(value) if value == int(value) else 2
        return ngettext("%(days)s day", "%(days)s days", plural_by, days=format_decimal(value))


def median_from_histogram(histogram: dict) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    values = sorted(histogram.items())

    def nth(n: int) -> int:  # the n-th smallest, counting from 0
        seen = 0
        for value, count in values:
            seen += count
            if n < seen:
                return value
        return values[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _days_expression():
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = func.extract("epoch", ModerationItem.answered_at - ModerationItem.created_at)
        return cast(func.floor(seconds / 86400), Integer)
    return cast(func.julianday(ModerationItem.answered_at) - func.julianday(ModerationItem.created_at), Integer)


def clear_cache() -> None:
    """Forget cached figures (and cached report pages) in this process."""
    cache.clear()


def term_figures(term: Term) -> tuple[list[Figure], Figure]:
    """(one Figure per theme that received anything, the total) for a term."""
    return cache.get_or_set(("figures", str(db.engine.url), term), lambda: _compute(term))


def _compute(term: Term) -> tuple[list[Figure], Figure]:
    answered = (ModerationItem.status == "answered") & ModerationItem.answered_at.is_not(None)
    days = case((answered, _days_expression()), else_=None).label("days")
    rows = db.session.execute(
        select(ModerationItem.theme_id, days, func.count().label("n"))
        .where(
            ModerationItem.created_at >= term.start,
            ModerationItem.created_at < term.end,
            ModerationItem.can_be_public,
        )
        .group_by(ModerationItem.theme_id, days)
    ).all()
    by_theme: dict = {}
    total = Figure(theme_id=None)
    for theme_id, whole_days, count in rows:
        figure = by_theme.setdefault(theme_id, Figure(theme_id=theme_id))
        for target in (figure, total):
            target.received += count
            if whole_days is not None:
                target.answered += count
                days_value = max(int(whole_days), 0)
                target.histogram[days_value] = target.histogram.get(days_value, 0) + count
    return list(by_theme.values()), total
