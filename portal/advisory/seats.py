"""The seats of the People's Advisory Group, and the one place that enforces the caps.

Settings: ADVISORY_GROUP_SIZE (32) in all, ADVISORY_SEATS_PER_AREA (5) for each of the
five areas' residents, and the rest (7) for the Equalities Forum. A seat is held by a
member, or by an offer that has not expired: an outstanding offer counts against the seat
it would fill, so offers can never promise more seats than there are.

`claim_seat` is the only code that gives anyone a seat (an offer, or accepting one). It
first writes the single `advisory_seat_lock` row, which on PostgreSQL locks that row
until commit and on SQLite takes the database's write lock until commit (SQLite has no
`FOR UPDATE`; the first write of a transaction is what waits for the lock). Only then
does it count the seats and re-check the person's stage, so two moderators offering, or
two applicants accepting, at the same moment are put one after the other, and the second
sees the first's seat.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from portal.advisory.models import EQUALITIES_FORUM, Application, SeatLock
from portal.core.models import ordered_areas
from portal.core.settings import SettingSpec, setting_value
from portal.extensions import db
from portal.i18n import N_
from portal.timeutil import utcnow


class NoSeat(Exception):
    """The seat pool, or the whole group, is full: nothing was changed."""


@dataclass(frozen=True)
class Pool:
    key: str  # an area's slug, or EQUALITIES_FORUM
    name: str
    cap: int
    members: int
    offers: int
    group_full: bool = False  # every seat of the whole group is held

    @property
    def held(self) -> int:
        return self.members + self.offers

    @property
    def open(self) -> int:
        return 0 if self.group_full else max(0, self.cap - self.held)

    @property
    def full(self) -> bool:
        return self.open == 0


def group_size() -> int:
    return setting_value("advisory_group_size")


def seats_per_area() -> int:
    return setting_value("advisory_seats_per_area")


def term_years() -> int:
    return setting_value("advisory_term_years")


def _group_size_problem(value: int) -> str | None:
    """Refused if the group would be smaller than the seats already held, or than the
    areas' own seats."""
    held = sum(pool.held for pool in pools())
    if value < held:
        return f"{held} seats are held by members or outstanding offers, so the group cannot be smaller than {held}"
    area_seats = seats_per_area() * len(ordered_areas())
    if value < area_seats:
        return (f"The areas' seats add up to {area_seats}, so the group cannot be smaller than that. "
                "Lower the seats for each area first")
    return None


def _seats_per_area_problem(value: int) -> str | None:
    area_pools = [pool for pool in pools() if pool.key != EQUALITIES_FORUM]
    busiest = max(area_pools, key=lambda pool: pool.held, default=None)
    if busiest and value < busiest.held:
        return (f"{busiest.held} seats in {busiest.name} are held by members or outstanding offers, "
                f"so each area needs at least {busiest.held}")
    if value * len(area_pools) > group_size():
        return f"{len(area_pools)} areas with {value} seats each would be more than the group's {group_size()} seats"
    return None


def area_count_problem(areas: int) -> str | None:
    """A new area takes its seats from the Equalities Forum's: refused if the forum would
    have fewer seats than it holds."""
    forum = next(pool for pool in pools() if pool.key == EQUALITIES_FORUM)
    left = group_size() - seats_per_area() * areas
    if left < forum.held:
        return (f"With {areas} areas of {seats_per_area()} seats, the Equalities Forum would have {max(left, 0)} seats "
                f"but {forum.held} are held. Make the group bigger or the areas' seats fewer first")
    return None


SETTINGS = [
    SettingSpec("advisory_group_size", 32, N_("People's Advisory Group: seats in all"),
                N_("Every area's seats plus the Equalities Forum's, which has what the areas do not use."), 5, 100,
                N_("seats"), config_key="ADVISORY_GROUP_SIZE", check=_group_size_problem),
    SettingSpec("advisory_seats_per_area", 5, N_("People's Advisory Group: seats for each area"),
                N_("Seats kept for residents of each area."), 1, 20, N_("seats"),
                config_key="ADVISORY_SEATS_PER_AREA", check=_seats_per_area_problem),
    SettingSpec("advisory_term_years", 2, N_("People's Advisory Group: length of a member's term"),
                N_("For members who join from now on; members already in the group keep their end dates."), 1, 5,
                N_("years"), config_key="ADVISORY_TERM_YEARS"),
]


def caps() -> dict[str, int]:
    """Seats per pool: each area's, then what is left of the group for the Equalities Forum."""
    areas = {area.slug: seats_per_area() for area in ordered_areas()}
    return areas | {EQUALITIES_FORUM: max(0, group_size() - sum(areas.values()))}


def _holding(now: datetime):
    return or_(Application.stage == "member",
               (Application.stage == "offered") & (Application.offer_expires_at > now))


def pools(now: datetime | None = None) -> list[Pool]:
    """Every pool with its members and outstanding offers: one grouped query."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Application.seat_pool, Application.stage, func.count())
        .where(_holding(now)).group_by(Application.seat_pool, Application.stage)
    ).all()
    counts: dict[tuple[str, str], int] = {(pool, stage): count for pool, stage, count in rows}
    names = {area.slug: area.local_name for area in ordered_areas()}
    from portal.i18n import gettext as _

    names[EQUALITIES_FORUM] = _("Equalities Forum")
    group_full = sum(counts.values()) >= group_size()
    return [Pool(key, names[key], cap, counts.get((key, "member"), 0), counts.get((key, "offered"), 0), group_full)
            for key, cap in caps().items()]


def take_lock() -> None:
    """Write the lock row first in this transaction (see the module's docstring)."""
    locked = db.session.execute(update(SeatLock).where(SeatLock.id == 1).values(version=SeatLock.version + 1))
    if locked.rowcount == 1:
        return
    try:  # a database made before the row existed: make it, then lock it
        with db.session.begin_nested():
            db.session.add(SeatLock(id=1, version=0))
    except IntegrityError:
        pass  # someone else made it at the same moment
    db.session.execute(update(SeatLock).where(SeatLock.id == 1).values(version=SeatLock.version + 1))


def claim_seat(application: Application, now: datetime | None = None) -> None:
    """Check, under the lock, that `application` may hold a seat in its pool and in the
    group; raise NoSeat if not. Its own offer, if it has one, is already counted."""
    now = now or utcnow()
    take_lock()
    db.session.refresh(application)  # read again now we hold the lock: what others committed
    held_by_others = (select(func.count()).select_from(Application)
                      .where(_holding(now), Application.id != application.id))
    in_pool = db.session.scalar(held_by_others.where(Application.seat_pool == application.seat_pool))
    in_group = db.session.scalar(held_by_others)
    cap = caps().get(application.seat_pool, 0)
    if in_pool >= cap or in_group >= group_size():
        raise NoSeat(application.seat_pool)


def is_full(seat_pool: str) -> bool:
    """Whether a new applicant to this pool would go on the waiting list (no lock: advice)."""
    return next((pool.full for pool in pools() if pool.key == seat_pool), True)
