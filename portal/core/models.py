"""Reference data: the four pillars, the seven themes, the five areas, and settings.

Kept as rows, not code, so an admin can reword a theme or move it to another pillar.
"""

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.i18n import translate as gettext


class Pillar(db.Model):
    __tablename__ = "pillar"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    definition: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def local_name(self) -> str:
        return gettext(self.name)

    @property
    def local_definition(self) -> str:
        return gettext(self.definition)


class Theme(db.Model):
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


class Area(db.Model):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def local_name(self) -> str:
        return gettext(self.name)


class Setting(db.Model):
    """A named value an admin may change, e.g. the target answer time."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")


def ordered_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def ordered_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.position)))

