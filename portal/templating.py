"""Template helpers: filters and the navigation the capabilities contributed (dates and
numbers are formatted by language in portal.i18n)."""

from flask import Flask, url_for
from flask_babel import gettext
from flask_login import current_user

from portal.core.contributions import contributions
from portal.shared.pages import STAFF, current_page_is


def init_app(app: Flask) -> None:
    app.jinja_env.filters["radio_item"] = lambda pair: {"value": pair[0], "text": pair[1]}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def navigation() -> dict:
        from flask import request

        found = contributions(app)
        staff_screen = current_page_is(STAFF) and current_user.is_authenticated
        items = []
        for _position, label, endpoint in found.staff_nav if staff_screen else found.public_nav:
            href = url_for(endpoint)
            active = request.path == href or (href != "/" and request.path.startswith(href + "/"))
            items.append({"label": gettext(label), "href": href, "active": active})
        return {"nav_items": items, "is_staff_page": staff_screen}

    @app.after_request
    def vary_on_htmx(response):
        # The same URL answers with a whole page or a fragment, so caches must tell them apart.
        response.vary.add("HX-Request")
        return response
