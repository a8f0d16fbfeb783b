"""What each capability adds to the parts of the portal that core owns: cards and
sections on the home page, links in the navigation, reference data and demo data.

Core imports no capability. Each capability's `init_app` calls `contribute(app, ...)`,
and core reads what was contributed, in the order the capabilities were set up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

EXTENSION = "your_place_contributions"


@dataclass(frozen=True)
class HomeCard:
    """A card under "What you can do now": a heading link and one sentence."""

    title: str
    endpoint: str
    text: str


@dataclass(frozen=True)
class HomeSection:
    """A section after the themes: a partial template and the function that reads its data
    (a fixed, small number of queries, whatever the size of the portal)."""

    template: str
    data: Callable[[], dict]


@dataclass
class Contributions:
    home_cards: list[HomeCard] = field(default_factory=list)
    home_sections: list[HomeSection] = field(default_factory=list)
    # (position, label, endpoint): sorted by position, so the menu reads in a fixed order.
    public_nav: list[tuple[int, str, str]] = field(default_factory=list)
    staff_nav: list[tuple[int, str, str]] = field(default_factory=list)
    reference_seeders: list[Callable[[], None]] = field(default_factory=list)
    demo_seeders: list[tuple[str, Callable[[int], int]]] = field(default_factory=list)  # (what, seed) -> how many


def contributions(app: Flask | None = None) -> Contributions:
    app = app or current_app
    return app.extensions.setdefault(EXTENSION, Contributions())


def contribute(
    app: Flask,
    *,
    home_cards: list[HomeCard] = (),
    home_sections: list[HomeSection] = (),
    public_nav: list[tuple[int, str, str]] = (),
    staff_nav: list[tuple[int, str, str]] = (),
    reference_seeder: Callable[[], None] | None = None,
    demo_seeder: tuple[str, Callable[[int], int]] | None = None,
) -> None:
    found = contributions(app)
    found.home_cards.extend(home_cards)
    found.home_sections.extend(home_sections)
    found.public_nav = sorted([*found.public_nav, *public_nav])
    found.staff_nav = sorted([*found.staff_nav, *staff_nav])
    if reference_seeder:
        found.reference_seeders.append(reference_seeder)
    if demo_seeder:
        found.demo_seeders.append(demo_seeder)
