"""Staff: results by idea and audience, and the list of unusual bursts (being built)."""

from portal.ideas import bp  # noqa: F401
