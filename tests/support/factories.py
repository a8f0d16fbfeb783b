"""Making rows directly through the models, for tests of moderation and "we did"."""

import itertools
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import insert, inspect, select

from portal.core.models import Area, Theme
from portal.extensions import db
from portal.feedback.models import Submission
from portal.responses.models import Response, ResponseUpdate
from portal.timeutil import add_working_days

_counter = itertools.count(1)
# The reference alphabet (no 0/O, 1/I/L), so display_reference reads like a real one.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def reference_for(n: int) -> str:
    """A valid reference (right check character), unique per n: 7 characters encode n."""
    from portal.shared.references import check_character

    digits = []
    for _ in range(7):
        n, rest = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[rest])
    body = "".join(reversed(digits))
    return body + check_character(body)


def theme_id(slug: str) -> int:
    return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


def area_id(slug: str) -> int:
    return db.session.scalar(select(Area.id).where(Area.slug == slug))


def make_submission(
    body: str = "The bus to Keighley is always late.",
    *,
    audience: str = "adult",
    theme: str | None = "sharing-spaces-and-places",
    area: str | None = "keighley",
    email: str | None = None,
    status: str = "received",
    safeguarding_state: str = "none",
    created_at: datetime | None = None,
    due_on: date | None = None,
    public_text: str | None = None,
    commit: bool = True,
) -> Submission:
    """A submission as the feedback form would have saved it (inside an app context)."""
    n = next(_counter)
    created_at = created_at or datetime.now(UTC) - timedelta(minutes=n)
    submission = Submission(
        reference=reference_for(n + 10_000),
        draft_token=f"test-{n}-{created_at.timestamp()}",
        audience=audience,
        channel="online",
        theme_id=theme_id(theme) if theme else None,
        area_id=area_id(area) if area else None,
        area_choice="area" if area else "prefer_not",
        body=body,
        email=email,
        age_band="13_15" if audience == "young_person" else None,
        status=status,
        safeguarding_state=safeguarding_state,
        created_at=created_at,
        due_on=due_on or add_working_days(created_at.date(), 20),
        public_text=public_text,
        reviewed_at=created_at + timedelta(hours=1) if status in ("in_review", "answered") else None,
    )
    db.session.add(submission)
    if commit:
        db.session.commit()
    return submission


def bulk_submissions(count: int, *, start: datetime | None = None, theme_ids=None, area_ids=None, batch: int = 5000,
                     status_cycle=("received", "in_review")) -> None:
    """Insert many waiting submissions quickly (Core insert, executemany in batches)."""
    start = start or datetime.now(UTC) - timedelta(days=400)
    theme_ids = theme_ids or [None]
    area_ids = area_ids or [None]
    rows = []
    base = next(_counter) * 1_000_000
    for i in range(count):
        created = start + timedelta(minutes=3 * i)
        rows.append({
            "reference": reference_for(base + i),
            "draft_token": f"bulk-{base + i}",
            "audience": "young_person" if i % 3 == 0 else "adult",
            "channel": "online",
            "theme_id": theme_ids[i % len(theme_ids)],
            "area_id": area_ids[i % len(area_ids)],
            "area_choice": "area",
            "body": f"Message number {i}: more buses to the park please",
            "status": status_cycle[i % len(status_cycle)],
            "safeguarding_state": "none",
            "created_at": created,
            "due_on": add_working_days(created.date(), 20),
        })
        if len(rows) == batch:
            db.session.execute(insert(Submission), rows)
            rows = []
    if rows:
        db.session.execute(insert(Submission), rows)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # What autovacuum does after a big change: without statistics PostgreSQL's planner
        # guesses badly. (SQLite's queries are written not to depend on statistics.)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE moderation_item")
            connection.exec_driver_sql("ANALYZE submission")


def make_published_response(
    submissions: list[Submission],
    *,
    you_said: str = "More buses to the park.",
    we_did: str = "We asked the bus company to add a Sunday service.",
    status: str = "planned",
    reason: str | None = None,
    theme: str | None = "sharing-spaces-and-places",
    published_at: datetime | None = None,
    young_people_summary: str | None = None,
) -> Response:
    """A response already published, with its first update, answering the submissions."""
    published_at = published_at or datetime.now(UTC) - timedelta(hours=1)
    response = Response(
        theme_id=theme_id(theme) if theme else None,
        you_said=you_said, we_did=we_did, status=status, reason=reason,
        responsible="Transport team", action_date=published_at.date(),
        young_people_summary=young_people_summary,
        answers_young_people=any(s.audience == "young_person" for s in submissions),
        answers_adults=any(s.audience != "young_person" for s in submissions),
        state="published", created_at=published_at, published_at=published_at, updated_at=published_at,
    )
    db.session.add(response)
    db.session.flush()
    db.session.add(ResponseUpdate(response_id=response.id, published_at=published_at, status=status,
                                  we_did=we_did, reason=reason, note="First published"))
    for submission in submissions:
        submission.response_id = response.id
        submission.status = "answered"
        submission.answered_at = published_at
    db.session.commit()
    return response


def plain(row) -> SimpleNamespace:
    """The row's column values, readable after its session is gone."""
    # Every mapped column, the moderation item's included for a kind of item.
    values = {attribute.key: getattr(row, attribute.key) for attribute in inspect(row).mapper.column_attrs}
    if isinstance(row, Submission):
        values["display_reference"] = row.display_reference
    return SimpleNamespace(**values)
