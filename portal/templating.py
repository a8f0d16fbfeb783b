"""Template helpers: filters, the navigation, and full-page-or-fragment rendering."""

from flask import Flask, render_template, request
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal.timeutil import uk_date

# (label, endpoint): an entry shows only once its capability is built and registered.
PUBLIC_NAV = [
    ("Tell us", "feedback.tell_us_start"),
    ("Young people", "feedback.young_people"),
    ("You said, we did", "responses.index"),
    ("Track your feedback", "feedback.track_form"),
]
STAFF_NAV = [("Staff home", "moderation.home")]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["radio_item"] = lambda pair: {"value": pair[0], "text": pair[1]}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def navigation() -> dict:
        from flask import url_for

        entries = STAFF_NAV if request.path.startswith(("/moderate", "/staff")) and current_user.is_authenticated else PUBLIC_NAV
        items = []
        for label, endpoint in entries:
            if endpoint not in app.view_functions:
                continue
            href = url_for(endpoint)
            active = request.path == href or (href != "/" and request.path.startswith(href + "/"))
            items.append({"label": label, "href": href, "active": active})
        return {"nav_items": items}

    @app.after_request
    def vary_on_htmx(response):
        # The same URL answers with a whole page or a fragment, so caches must tell them apart.
        response.vary.add("HX-Request")
        return response


def render(template: str, block: str | None = None, **context) -> str:
    """The whole page, or just `block` of it when htmx (not a boosted link) asked."""
    if block and request.htmx and not request.htmx.boosted:
        return render_block(template, block, **context)
    return render_template(template, **context)
