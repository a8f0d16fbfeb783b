"""Making ideas and supports directly through the models (inside an app context)."""

import itertools
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport
from portal.timeutil import add_working_days
from tests.support.factories import area_id, reference_for, theme_id

_counter = itertools.count(1)


def make_idea(
    title: str = "A youth club in Keighley open on Friday nights",
    body: str = "Somewhere warm to go after school where young people from different schools can meet.",
    *,
    theme: str = "sharing-spaces-and-places",
    area: str | None = "keighley",
    audience: str = "adult",
    published: bool = True,
    email: str | None = None,
    supports: int = 0,
    verified: int = 0,
    created_at: datetime | None = None,
    status: str | None = None,
    commit: bool = True,
) -> Idea:
    """An idea as proposing and approving would have left it; `published` means approved.

    `supports` and `verified` set the tallies only (no support rows): for page tests.
    Use `add_support` for real rows.
    """
    n = next(_counter)
    created_at = created_at or datetime.now(UTC) - timedelta(minutes=n)
    idea = Idea(
        reference=reference_for(n + 500_000), draft_token=f"idea-test-{n}-{created_at.timestamp()}",
        audience=audience, theme_id=theme_id(theme), area_id=area_id(area) if area else None,
        title=title, body=body, email=email, age_band="13_15" if audience == "young_person" else None,
        status=status or ("in_review" if published else "received"), safeguarding_state="none",
        created_at=created_at, due_on=add_working_days(created_at.date(), 20),
        public_text=body if published else None, public_title=title if published else None,
        reviewed_at=created_at + timedelta(hours=1) if published else None,
        support_count=supports, verified_count=verified,
    )
    db.session.add(idea)
    if commit:
        db.session.commit()
    return idea


def add_support(idea: Idea, device: str, *, client: str = "client-a", channel: str = "online", event_id=None,
                created_at: datetime | None = None, verified: bool = False, audience: str | None = None,
                commit: bool = True) -> IdeaSupport:
    """A support row and the tally moved with it, as `services.support` does."""
    row = IdeaSupport(idea_id=idea.id, device=device, client=client, channel=channel, event_id=event_id,
                      created_at=created_at or datetime.now(UTC), audience=audience,
                      verified_at=datetime.now(UTC) if verified else None)
    db.session.add(row)
    idea.support_count += 1
    if verified:
        idea.verified_count += 1
    if commit:
        db.session.commit()
    return row
