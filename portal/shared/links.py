"""Links that leave the site: in emails and the Atom feed, absolute, on the public address."""

from flask import current_app


def public_url(path: str) -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + path
