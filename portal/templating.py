"""Template helpers: filters and the navigation the capabilities contributed (dates and
numbers are formatted by language in portal.i18n)."""

from functools import lru_cache
from typing import NamedTuple

from flask import Flask, render_template, url_for
from flask_babel import get_locale, get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from portal.core.contributions import contributions
from portal.i18n import page_locale, translate
from portal.security import vary_always
from portal.sessions import CSRF_KEY
from portal.shared.links import url_if_served
from portal.shared.pages import STAFF, current_page_is

# The character count's words, as the server writes them (macros/forms.html): the same
# messages give GOV.UK Frontend's JavaScript its words, so the live count is translated too.
_COUNT_MESSAGES = {
    "characters-under-limit": ("You have %(num)s character remaining", "You have %(num)s characters remaining"),
    "characters-over-limit": ("You have %(num)s character too many", "You have %(num)s characters too many"),
    "textarea-description": ("You can enter up to %(num)s character", "You can enter up to %(num)s characters"),
}


class NavItem(NamedTuple):
    label: str
    href: str
    active: bool


class PageNavigation(NamedTuple):
    nav_items: tuple[NavItem, ...]
    is_staff_page: bool


def _plural_samples() -> dict[str, int]:
    """A whole number for each of the language's CLDR plural categories (one, few, many,
    other), for asking gettext which form it uses. Polish "other" is only fractions, so it
    takes the form gettext gives for 5."""
    rule = get_locale().plural_form
    samples = {}
    for number in range(0, 200):
        samples.setdefault(rule(number), number)
    samples.setdefault("other", 5)
    return samples


def character_count_i18n() -> Markup:
    """data-i18n.* attributes for the GOV.UK character count, in the page's language."""
    translations = get_translations()
    attributes = []
    for key, (singular, plural) in _COUNT_MESSAGES.items():
        for category, number in _plural_samples().items():
            text = translations.ngettext(singular, plural, number).replace("%(num)s", "%{count}")
            attributes.append(f'data-i18n.{key}.{category}="{escape(text)}"')
    at_limit = translations.ngettext(*_COUNT_MESSAGES["characters-under-limit"], 0).replace("%(num)s", "0")
    attributes.append(f'data-i18n.characters-at-limit="{escape(at_limit)}"')
    return Markup(" ".join(attributes))


def csrf_input() -> Markup:
    """Every form's CSRF token, as a hidden input. WTForms' own field renders the same input
    through its widget machinery, a tenth of a question page's time, and gives each form on
    a page the same id."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (CSRF_KEY, generate_csrf())


def described_by(field, hint=None, *others: str | None) -> str:
    """What a field's aria-describedby names, in GOV.UK Frontend's order: its hint, its
    error message, then any others (a character count's message). Empty for none."""
    field_id = field.id
    ids = [f"{field_id}-hint"] if hint else []
    if field.errors:
        ids.append(f"{field_id}-error")
    ids.extend(other for other in others if other)
    return " ".join(ids)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["described_by"] = described_by
    app.jinja_env.globals["character_count_i18n"] = character_count_i18n
    app.jinja_env.globals["csrf_input"] = csrf_input
    app.jinja_env.globals["url_if_served"] = url_if_served
    app.jinja_env.filters["radio_item"] = lambda pair: {"value": pair[0], "text": pair[1]}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Each navigation's (label, href) pairs, worked out at its first use: what the
    # capabilities contributed never changes while the app runs. Each translated, with its
    # current item marked, is then made once per language.
    nav_links: dict[bool, list[tuple[str, str]]] = {}
    navigations: dict[tuple, PageNavigation] = {}

    def navigation() -> PageNavigation:
        """The service navigation, for the page layout (templates/base.html) to call: a
        fragment swapped in by htmx has no layout, so it does not pay for this."""
        from flask import request

        staff_screen = current_page_is(STAFF) and current_user.is_authenticated
        links = nav_links.get(staff_screen)
        if links is None:
            found = contributions(app)
            links = nav_links[staff_screen] = [
                (label, url_for(endpoint)) for _position, label, endpoint in
                (found.staff_nav if staff_screen else found.public_nav)]
        path = request.path
        current = tuple(path == href or (href != "/" and path.startswith(href + "/")) for _label, href in links)
        key = (page_locale(), staff_screen, current)
        made = navigations.get(key)
        if made is None:
            made = navigations[key] = PageNavigation(
                tuple(NavItem(translate(label), href, active) for (label, href), active in zip(links, current)),
                staff_screen)
        return made

    app.jinja_env.globals["navigation"] = navigation

    def site_header(page_navigation: PageNavigation) -> Markup:
        """The header reads the page's language, its navigation and its query string (the
        language links keep it), so it is made once for each of those (not while templates
        are being edited)."""
        from flask import request

        if app.debug or app.config.get("TEMPLATES_AUTO_RELOAD"):
            return Markup(render_template("_partials/header.html", nav_items=page_navigation.nav_items))
        return _made_header(page_locale(), page_navigation, request.query_string)

    @lru_cache(maxsize=1024)
    def _made_header(_language: str, page_navigation: PageNavigation, _query_string: bytes) -> Markup:
        return Markup(render_template("_partials/header.html", nav_items=page_navigation.nav_items))

    app.jinja_env.globals["site_header"] = site_header

    footers: dict[str, Markup] = {}

    def site_footer() -> Markup:
        """The footer reads nothing but the page's language, so it is rendered once per
        language per process (not while templates are being edited: debug or auto-reload)."""
        language = page_locale()
        footer = footers.get(language)
        if footer is None:
            footer = Markup(render_template("_partials/footer.html"))
            if not (app.debug or app.config.get("TEMPLATES_AUTO_RELOAD")):
                footers[language] = footer
        return footer

    app.jinja_env.globals["site_footer"] = site_footer

    # The signed-in staff member for templates, looked up only when a template reads it
    # (Flask-Login's own context processor looks them up for every page, public ones too).
    app.template_context_processors[None] = [
        processor for processor in app.template_context_processors[None]
        if getattr(processor, "__module__", "") != "flask_login.utils"]
    app.jinja_env.globals["current_user"] = current_user

    # The same URL answers with a whole page or a fragment, so caches must tell them apart.
    vary_always(app, "HX-Request")
