"""Languages: which one a page is in, the switcher's links, and formatting by language.

The language comes from `?lang=` (links on posters and QR codes carry it, and it is then
kept in a functional cookie), else that cookie, else the browser's Accept-Language, else
English. Adding a language is a catalogue in `translations/` and a line in LANGUAGES.
"""

import os
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, quote

from babel.dates import format_date as babel_format_date
from flask import Flask, after_this_request, current_app, g, has_request_context, request
from flask_babel import Babel, format_decimal, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from portal.security import vary_always
from portal.timeutil import UK, as_aware


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own language and script, for the switcher
    direction: str = "ltr"
    html_lang: str = ""  # the page's lang attribute ("en-GB")

    @property
    def lang(self) -> str:
        return self.html_lang or self.code


LANGUAGES = {
    "en": Language("en", "English", html_lang="en-GB"),
    "ur": Language("ur", "اردو", direction="rtl"),
    "pl": Language("pl", "Polski"),
    "ro": Language("ro", "Română"),
}
LANGUAGE_CODES = tuple(LANGUAGES)
DEFAULT = "en"
COOKIE = "yp_lang"
COOKIE_DAYS = 365

babel = Babel()


def N_(text: str) -> str:
    """Marks a string for translation without translating it (reference data, labels
    stored as data): it is translated where it is shown, with gettext."""
    return text


def _chosen_in_query() -> str | None:
    code = (request.args.get("lang") or "").strip().lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT  # a command or the outbox: callers use force_locale for a person's language
    code = _chosen_in_query()
    if code:
        if code != request.cookies.get(COOKIE) and not g.get("language_chosen"):
            # Only the response to a request that picks a new language sets the cookie.
            after_this_request(_keep_the_chosen_language)
        g.language_chosen = code
        return code
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return _best_language(request.headers.get("Accept-Language", ""))


def _keep_the_chosen_language(response):
    # A functional cookie (on the cookies page): only set when someone picks a language.
    response.set_cookie(COOKIE, g.language_chosen, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@lru_cache(maxsize=512)
def _best_language(accept_language: str) -> str:
    """The browser's choice among ours; browsers send a handful of distinct headers, so
    each is parsed once per process, not on every page."""
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(LANGUAGE_CODES, default=DEFAULT) or DEFAULT


def current_language() -> Language:
    return LANGUAGES.get(page_locale().partition("_")[0], LANGUAGES[DEFAULT])


class LanguageLink(NamedTuple):
    language: Language
    href: str
    current: bool


def language_links() -> tuple[LanguageLink, ...]:
    """The switcher: this page in each language, written in that language's own name.

    Each link is relative to the page (`?lang=ur`, with the page's other query values
    kept), so every page with the same query has the same switcher: the header can then
    be made once per language (portal/templating.py), not on every page view."""
    return _links_for(request.query_string, current_language().code)


@lru_cache(maxsize=2048)
def _links_for(query_string: bytes, here: str) -> tuple[LanguageLink, ...]:
    args: dict[str, str] = {}
    for key, value in parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True):
        if key != "lang":
            args.setdefault(key, value)  # the first of a repeated key, as request.args gives it
    links = []
    for language in LANGUAGES.values():
        query = "&".join(f"{quote(key)}={quote(value)}" for key, value in [*args.items(), ("lang", language.code)])
        links.append(LanguageLink(language, f"?{query}", language.code == here))
    return tuple(links)


def page_locale() -> str:
    """The page's locale, looked up once per request (templates ask hundreds of times)."""
    if not has_request_context():
        return str(get_locale() or DEFAULT)
    try:
        return g._yp_locale
    except AttributeError:
        g._yp_locale = str(get_locale() or DEFAULT)
        return g._yp_locale


def _page_translations():
    """The page's catalogue, looked up once per request (Flask-Babel's own gettext finds it
    again at every string: about a hundred calls each). Inside force_locale (an email in
    the recipient's language) Flask-Babel's lookup is used, so that language wins."""
    if not has_request_context():
        return get_translations()
    state = g._get_current_object().__dict__  # once through the proxy: pages ask hundreds of times
    babel_state = state.get("_flask_babel")
    if babel_state is not None and getattr(babel_state, "forced_babel_locale", None) is not None:
        return get_translations()
    translations = state.get("_yp_translations")
    if translations is None:
        translations = state["_yp_translations"] = get_translations()
    return translations


def translate(text: str) -> str:
    """gettext for words stored as data (theme names, labels kept as keys), by the page's
    catalogue found once per request."""
    return _page_translations().ugettext(text)


# Flask-Babel's gettext, ngettext and lazy_gettext, the same in every way but the lookup.
def gettext(text: str, /, **variables) -> str:
    translated = _page_translations().ugettext(text)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _page_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(text: str, /, **variables) -> LazyString:
    return LazyString(gettext, text, **variables)


SAFE_STRINGS_KEPT = 4096  # per catalogue; the templates hold about 1,500 strings


# In templates, as Jinja's newstyle gettext does it: marked safe where the template escapes,
# and always %-formatted, so "%%" means the same with or without variables.
@pass_eval_context
def _template_gettext(eval_ctx, text: str, /, **variables) -> str:
    translations = _page_translations()
    if not variables and eval_ctx.autoescape:
        # Most of a page's strings have no variables: each one's safe text is made once
        # per catalogue, not looked up, wrapped and formatted again on every page.
        made = translations.__dict__.get("_yp_safe_strings")
        if made is None:
            made = translations.__dict__["_yp_safe_strings"] = {}
        found = made.get(text)
        if found is None:
            found = Markup(translations.ugettext(text)) % {}
            if len(made) < SAFE_STRINGS_KEPT:  # some strings are data (a note): keep it bounded
                made[text] = found
        return found
    translated = translations.ugettext(text)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = _page_translations().ungettext(singular, plural, num)
    return (Markup(translated) if eval_ctx.autoescape else translated) % variables


@lru_cache(maxsize=8192)
def _formatted_day(day: date, locale: str) -> str:
    return babel_format_date(day, format="d MMMM y", locale=locale)


def local_date(moment: datetime | date | None) -> str:
    """'23 November 2026' in the page's language (UK dates for UK moments)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = as_aware(moment).astimezone(UK).date()
    return _formatted_day(moment, page_locale())


def local_datetime(moment: datetime | None) -> str:
    """'23 November 2026, 14:05' (UK time) in the page's language."""
    if moment is None:
        return ""
    local = as_aware(moment).astimezone(UK)
    return f"{_formatted_day(local.date(), page_locale())}, {local:%H:%M}"


def as_written(text, language: str = DEFAULT) -> Markup:
    """Words shown as someone wrote them (a resident, or the council in English), marked with
    their own language and direction (WCAG 3.1.2), so screen readers and the bidi
    algorithm read them right inside a page in another language."""
    if text is None or text == "":
        return Markup("")
    lang = LANGUAGES[language].lang if language in LANGUAGES else language
    return Markup('<span lang="{}" dir="auto">{}</span>').format(lang, text)


def local_number(value) -> str:
    return format_decimal(value)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(os.path.dirname(app.root_path), "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    # Jinja's newstyle gettext (Flask-Babel installs it), made directly: the catalogue is
    # found once per request, not at every string, and `_()` is one call, not three
    # (Jinja's alias, its wrapper, then the function). A queue page has hundreds.
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext, ngettext=_template_ngettext)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["uk_date"] = local_date
    app.jinja_env.filters["uk_datetime"] = local_datetime
    app.jinja_env.filters["number"] = local_number
    app.jinja_env.filters["as_written"] = as_written

    @app.context_processor
    def language_context() -> dict:
        return {"page_language": current_language(), "language_links": language_links}

    vary_always(app, "Accept-Language", "Cookie")  # the page's language comes from these
