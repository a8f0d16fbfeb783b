"""Event mode (being built)."""

from portal.ideas import bp  # noqa: F401
