"""Changing the reference data an admin owns: themes, areas and settings. Each change is
audited with before and after; a change that would break something is refused with the
reason (an AdminError), and nothing is changed."""

import re

from sqlalchemy import func, select

from portal.core.contributions import contributions
from portal.core.models import Area, Pillar, Setting, Theme
from portal.core.settings import SettingSpec, problem_with
from portal.extensions import db
from portal.staff import audit


class AdminError(ValueError):
    pass


def _theme_state(theme: Theme) -> dict:
    return {"slug": theme.slug, "name": theme.name, "description": theme.description,
            "plain_description": theme.plain_description, "pillar": theme.pillar.slug if theme.pillar else None,
            "position": theme.position}


def _area_state(area: Area) -> dict:
    return {"slug": area.slug, "name": area.name, "position": area.position}


def references_to(table: str, row_id: int) -> list[tuple[str, int]]:
    """(table, rows) for every table with a foreign key to `table`.id that points at this
    row: read from the schema, so a capability's new table is counted without telling."""
    found = []
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table.name == table and key.column.name == "id":
                count = db.session.scalar(select(func.count()).select_from(other).where(key.parent == row_id))
                if count:
                    found.append((other.name, count))
    return found


def _slug_for(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _place(model, row, position: int) -> None:
    """Put `row` at `position` (1 for first) and number the rest around it, so lists
    keep a clear order with no ties."""
    others = [other for other in db.session.scalars(select(model).order_by(model.position, model.id)) if other is not row]
    others.insert(max(0, min(position - 1, len(others))), row)
    for index, other in enumerate(others):
        other.position = index


def _check_name(model, name: str, row_id: int | None, what: str) -> None:
    same = db.session.scalar(select(model.id).where(func.lower(model.name) == name.lower(), model.id != (row_id or 0)))
    if same:
        raise AdminError(f"There is already {what} called {name}")


def save_theme(theme: Theme | None, *, name: str, description: str, plain_description: str, pillar_slug: str,
               position: int, actor) -> Theme:
    """Add a theme (theme None) or change one. The address (slug) never changes, so links
    to a theme's board keep working after it is reworded."""
    pillar = db.session.scalar(select(Pillar).where(Pillar.slug == pillar_slug))
    if pillar is None:
        raise AdminError("Choose a pillar")
    _check_name(Theme, name, theme.id if theme else None, "a theme")
    before = _theme_state(theme) if theme else None
    if theme is None:
        theme = Theme(slug=_slug_for(name, set(db.session.scalars(select(Theme.slug)))))
        db.session.add(theme)
    theme.name, theme.description, theme.plain_description = name, description, plain_description or ""
    theme.pillar_id, theme.pillar = pillar.id, pillar
    db.session.flush()
    _place(Theme, theme, position)
    if before != _theme_state(theme):
        audit.record("theme.changed" if before else "theme.added", "theme", theme.id, before=before,
                     after=_theme_state(theme), actor=actor)
    return theme


def remove(row: Theme | Area, actor) -> None:
    """Only a theme or area nothing uses: items, ideas, answers and applications keep theirs."""
    table = row.__tablename__
    held = references_to(table, row.id)
    if held:
        advice = "Reword it instead" if table == "theme" else "Rename it instead"
        raise AdminError(f"{row.name} cannot be removed: {_describe(held)} use it. {advice}")
    state = _theme_state(row) if table == "theme" else _area_state(row)
    audit.record(f"{table}.removed", table, row.id, before=state, actor=actor)
    db.session.delete(row)


def save_area(area: Area | None, *, name: str, position: int, actor) -> Area:
    _check_name(Area, name, area.id if area else None, "an area")
    before = _area_state(area) if area else None
    if area is None:
        areas_after = db.session.scalar(select(func.count()).select_from(Area)) + 1
        for check in contributions().area_count_checks:  # the advisory group's seats, say
            problem = check(areas_after)
            if problem:
                raise AdminError(problem)
        area = Area(slug=_slug_for(name, set(db.session.scalars(select(Area.slug)))))
        db.session.add(area)
    area.name = name
    db.session.flush()
    _place(Area, area, position)
    if before != _area_state(area):
        audit.record("area.changed" if before else "area.added", "area", area.id, before=before,
                     after=_area_state(area), actor=actor)
    return area


def save_setting(spec: SettingSpec, typed: str, actor) -> bool:
    """Returns False if the value is unchanged. The spec's own check may refuse it."""
    problem = problem_with(spec, typed)
    if problem:
        raise AdminError(problem)
    row = db.session.get(Setting, spec.key) or Setting(key=spec.key, value=str(spec.default), description=spec.hint)
    db.session.add(row)
    value = str(int(typed.strip()))
    if row.value == value:
        return False
    before = {"value": row.value}
    row.value = value
    audit.record("setting.changed", "setting", spec.key, before=before, after={"value": value}, actor=actor)
    return True


def _describe(held: list[tuple[str, int]]) -> str:
    total = sum(count for _table, count in held)
    where = ", ".join(f"{count} in {table.replace('_', ' ')}" for table, count in held)
    return f"{total} {'record' if total == 1 else 'records'} ({where})"
