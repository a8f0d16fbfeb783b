"""Reference data: the four pillars, the seven themes, the five areas, and settings.

Kept as rows, not code, so an admin can reword a theme or move it to another pillar.
"""

from dataclasses import dataclass

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.i18n import translate as gettext
from portal.shared import cache
from portal.shared.pagecache import pages_changed


class PillarWords:
    """In the page's language, for the ORM row and its cached copy alike."""

    @property
    def local_name(self) -> str:
        return gettext(self.name)

    @property
    def local_definition(self) -> str:
        return gettext(self.definition)


class ThemeWords:
    # In the page's language: the seeded wording is in the catalogues; an admin's own
    # rewording is shown as written until a translator adds it.
    @property
    def local_name(self) -> str:
        return gettext(self.name)

    @property
    def local_description(self) -> str:
        return gettext(self.description)

    @property
    def local_plain_description(self) -> str:
        return gettext(self.plain_description) if self.plain_description else ""


class AreaWords:
    @property
    def local_name(self) -> str:
        return gettext(self.name)


class Pillar(PillarWords, db.Model):
    __tablename__ = "pillar"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    definition: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Theme(ThemeWords, db.Model):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    # The same idea in words a 10-year-old understands, for the young people's pages.
    plain_description: Mapped[str] = mapped_column(Text, default="")
    pillar_id: Mapped[int | None] = mapped_column(ForeignKey("pillar.id"))
    position: Mapped[int] = mapped_column(default=0)

    pillar: Mapped[Pillar | None] = relationship(lazy="joined")


class Area(AreaWords, db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class Setting(db.Model):
    """A named value an admin may change, e.g. the target answer time."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")


# ---- read on nearly every page, so kept in each process --------------------------------
# Frozen copies, not ORM rows: a row shared between requests would be tied to one
# request's session. An admin's change shows at once in the process that made it
# (reference_changed) and within REFERENCE_SECONDS in the others.

REFERENCE_SECONDS = 30


@dataclass(frozen=True)
class PillarView(PillarWords):
    id: int
    slug: str
    name: str
    definition: str
    position: int


@dataclass(frozen=True)
class ThemeView(ThemeWords):
    id: int
    slug: str
    name: str
    description: str
    plain_description: str
    pillar_id: int | None
    position: int
    pillar: PillarView | None


@dataclass(frozen=True)
class AreaView(AreaWords):
    id: int
    slug: str
    name: str
    position: int


def _pillar_view(pillar: Pillar | None) -> PillarView | None:
    return PillarView(pillar.id, pillar.slug, pillar.name, pillar.definition, pillar.position) if pillar else None


def _read_themes() -> tuple[ThemeView, ...]:
    return tuple(ThemeView(t.id, t.slug, t.name, t.description, t.plain_description or "", t.pillar_id, t.position,
                           _pillar_view(t.pillar))
                 for t in db.session.scalars(select(Theme).order_by(Theme.position, Theme.id)))


def _read_areas() -> tuple[AreaView, ...]:
    return tuple(AreaView(a.id, a.slug, a.name, a.position)
                 for a in db.session.scalars(select(Area).order_by(Area.position, Area.id)))


def ordered_themes() -> list[ThemeView]:
    return list(cache.get_or_set("reference:themes", _read_themes, REFERENCE_SECONDS))


def ordered_areas() -> list[AreaView]:
    return list(cache.get_or_set("reference:areas", _read_areas, REFERENCE_SECONDS))


def reference_changed() -> None:
    """After a committed change to themes, pillars, areas or settings: this process reads them again."""
    for key in ("reference:themes", "reference:areas", "reference:settings"):
        cache.forget(key)
    pages_changed()  # the pages that name them
