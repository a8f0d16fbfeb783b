"""What each capability adds to pages and parts it does not own: cards and sections on
the home page (or another capability's page), links in the navigation, reference data,
settings and demo data.

Core imports no capability. Each capability's `init_app` calls `contribute(app, ...)`,
and core reads what was contributed, in the order the capabilities were set up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "your_place_contributions"


@dataclass(frozen=True)
class HomeCard:
    """A card under "What you can do now": a heading link and one sentence, marked with
    N_ where they are written and translated where they are shown."""

    title: str
    endpoint: str
    text: str


@dataclass(frozen=True)
class PageSection:
    """A section of someone else's page ("home", "young_people"): a partial template and
    the function that reads its data (a fixed, small number of queries, whatever the size
    of the portal). The partial reads it as `section`."""

    page: str
    template: str
    data: Callable[[], dict]


@dataclass(frozen=True)
class StaffLink:
    """A link on the staff home page, for the roles that may use it (admins see all)."""

    label: str
    endpoint: str
    hint: str
    roles: tuple[str, ...]
    position: int = 50


@dataclass
class Contributions:
    home_cards: list[HomeCard] = field(default_factory=list)
    page_sections: list[PageSection] = field(default_factory=list)
    # (position, label, endpoint): sorted by position, so the menu reads in a fixed order.
    public_nav: list[tuple[int, str, str]] = field(default_factory=list)
    staff_nav: list[tuple[int, str, str]] = field(default_factory=list)
    staff_links: list[StaffLink] = field(default_factory=list)
    reference_seeders: list[Callable[[], None]] = field(default_factory=list)
    demo_seeders: list[tuple[str, Callable[[int], int]]] = field(default_factory=list)  # (what, seed) -> how many
    settings: list = field(default_factory=list)  # portal.core.settings.SettingSpec
    # Given how many areas there would be, why that would break something, or None.
    area_count_checks: list[Callable[[int], str | None]] = field(default_factory=list)


def contributions(app: Flask | None = None) -> Contributions:
    app = app or current_app
    return app.extensions.setdefault(EXTENSION, Contributions())


def sections_for(page: str) -> list[tuple[str, dict]]:
    """(template, data) for each section contributed to `page`, data read now."""
    return [(section.template, section.data()) for section in contributions().page_sections if section.page == page]


def contribute(
    app: Flask,
    *,
    home_cards: list[HomeCard] = (),
    page_sections: list[PageSection] = (),
    public_nav: list[tuple[int, str, str]] = (),
    staff_nav: list[tuple[int, str, str]] = (),
    staff_links: list[StaffLink] = (),
    reference_seeder: Callable[[], None] | None = None,
    demo_seeder: tuple[str, Callable[[int], int]] | None = None,
    settings: list = (),
    area_count_checks: list[Callable[[int], str | None]] = (),
) -> None:
    found = contributions(app)
    found.home_cards.extend(home_cards)
    found.page_sections.extend(page_sections)
    found.public_nav = sorted([*found.public_nav, *public_nav])
    found.staff_nav = sorted([*found.staff_nav, *staff_nav])
    found.staff_links = sorted([*found.staff_links, *staff_links], key=lambda link: link.position)
    if reference_seeder:
        found.reference_seeders.append(reference_seeder)
    if demo_seeder:
        found.demo_seeders.append(demo_seeder)
    found.settings.extend(settings)
    found.area_count_checks.extend(area_count_checks)
