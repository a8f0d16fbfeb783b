"""Reads for the home page, kept to a fixed, small number of queries."""

from portal.core.models import ordered_themes


def home_page_data() -> dict:
    from portal.responses.services import latest_published

    return {"themes": ordered_themes(), "latest_responses": latest_published(limit=3)}
