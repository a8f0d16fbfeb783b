"""Time in one place, always timezone-aware UTC, shown in UK time."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def uk_date(moment: datetime | date | None) -> str:
    """'23 November 2026', the GOV.UK date style."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = as_aware(moment).astimezone(UK).date()
    return f"{moment.day} {moment:%B %Y}"


def add_working_days(start: date, days: int) -> date:
    """Count forward over weekdays (bank holidays are not modelled)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def uk_today() -> date:
    """Today's date in the UK, the one every due date, overdue count and term is judged by."""
    return utcnow().astimezone(UK).date()
