"""Reads for the home page, kept to a fixed, small number of queries."""

from portal.core.contributions import contributions, sections_for
from portal.core.models import ordered_themes


def home_page_data() -> dict:
    """The themes, the cards and the sections the capabilities contributed, with their data."""
    found = contributions()
    return {
        "themes": ordered_themes(),
        "cards": found.home_cards,
        "sections": sections_for("home"),
    }


def seed_demo(seed: int = 2026) -> dict:
    """Every capability's invented demo content, in the order they were set up.
    Running it twice adds nothing. Returns how many of each there are."""
    return {what: seeder(seed) for what, seeder in contributions().demo_seeders}
