"""Links that leave the site: in emails, the receipt and the Atom feed, absolute.

In production the public address is a setting (PUBLIC_BASE_URL, required). In
development it follows the address the portal is served on, so links work whatever
port `make run` uses.
"""

from flask import current_app, has_request_context, request, url_for

DEVELOPMENT_FALLBACK = "http://127.0.0.1:5000"  # a command run outside any request


def public_base_url() -> str:
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_FALLBACK


def public_url(path: str) -> str:
    return public_base_url() + path


def url_if_served(endpoint: str, **values) -> str | None:
    """The address of another capability's page if it is registered, else None: a page
    links across capabilities without importing them, and hides the link when one is off."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None
