"""Choosing a language: ?lang= (for posters and QR codes), kept in a functional cookie,
Accept-Language on a first visit; lang and dir on every page; a switcher written in each
language's own name; dates and numbers by language; links that follow the served address."""

import re
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from portal.i18n import COOKIE, LANGUAGES

PUBLIC_PAGES = ["/", "/accessibility", "/privacy", "/cookies", "/childrens-code", "/tell-us", "/young-people",
                "/young-people/privacy", "/track", "/you-said-we-did"]


def html_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("code, lang, direction", [("en", "en-GB", "ltr"), ("ur", "ur", "rtl"), ("pl", "pl", "ltr"),
                                                   ("ro", "ro", "ltr")])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_says_its_language_and_direction(client, path, code, lang, direction):
    page = html_of(client.get(f"{path}?lang={code}"))
    assert page.html["lang"] == lang and page.html["dir"] == direction


def test_the_chosen_language_is_kept_in_a_cookie_and_can_be_changed(client):
    first = client.get("/?lang=ur")
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=ur;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert html_of(client.get("/cookies")).html["lang"] == "ur"  # no ?lang=: the cookie
    client.get("/?lang=pl")
    assert html_of(client.get("/privacy")).html["lang"] == "pl"
    # Nothing is set for someone who never chose.
    assert "Set-Cookie" not in client.application.test_client().get("/").headers


def test_a_first_visit_follows_accept_language_and_an_unknown_language_is_english(app):
    polish = app.test_client().get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert html_of(polish).html["lang"] == "pl"
    assert "Accept-Language" in polish.headers["Vary"]
    welsh = app.test_client().get("/", headers={"Accept-Language": "cy"})
    assert html_of(welsh).html["lang"] == "en-GB"
    odd = app.test_client().get("/?lang=xx")
    assert html_of(odd).html["lang"] == "en-GB" and "Set-Cookie" not in odd.headers


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_switcher_lists_each_language_in_its_own_name_with_lang_and_hreflang(client, path):
    page = html_of(client.get(f"{path}?lang=pl"))
    links = page.select("nav.yp-languages a")
    assert [link.get_text(strip=True) for link in links] == [language.name for language in LANGUAGES.values()]
    for link, language in zip(links, LANGUAGES.values(), strict=True):
        assert link["lang"] == language.lang and link["hreflang"] == language.lang
        # Relative to the page, as a browser follows it: this page, in that language.
        assert urljoin(f"http://localhost{path}", link["href"]) == f"http://localhost{path}?lang={language.code}"
    assert [link.get_text(strip=True) for link in links if link.get("aria-current")] == ["Polski"]
    assert links[1]["dir"] == "rtl"  # اردو reads right to left even on a Polish page


def test_the_switcher_keeps_the_rest_of_the_address(client):
    page = html_of(client.get("/you-said-we-did?status=done&lang=ro"))
    hrefs = [link["href"] for link in page.select("nav.yp-languages a")]
    assert "?status=done&lang=ur" in hrefs  # relative: /you-said-we-did?status=done&lang=ur


def test_dates_follow_the_language(app, client):
    from datetime import UTC, datetime

    from tests.support.factories import make_published_response, make_submission

    with app.app_context():
        from portal.extensions import db

        submission = make_submission("Benches in Lister Park")
        response = make_published_response([submission], published_at=datetime(2026, 11, 20, 12, tzinfo=UTC))
        db.session.commit()
        response_id = response.id
    english = client.get(f"/you-said-we-did/{response_id}?lang=en").get_data(as_text=True)
    polish = client.get(f"/you-said-we-did/{response_id}?lang=pl").get_data(as_text=True)
    assert "20 November 2026" in english
    assert "20 listopada 2026" in polish and "November" not in polish


def test_links_in_the_feed_follow_the_address_served_in_development(make_app):
    app = make_app(PUBLIC_BASE_URL=None)
    feed = app.test_client().get("/you-said-we-did/feed.atom", base_url="http://localhost:5077").get_data(as_text=True)
    assert "http://localhost:5077/you-said-we-did" in feed
    assert ":5000" not in feed


def test_production_refuses_to_start_without_a_public_address(make_app):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        make_app(ENV_NAME="production", SECRET_KEY="x" * 64, PUBLIC_BASE_URL=None)


def test_the_language_cookie_is_listed_on_the_cookies_page(client):
    text = html_of(client.get("/cookies")).get_text(" ", strip=True)
    assert COOKIE in text and re.search(r"language", text, re.I)


def test_every_naughty_string_as_a_language_is_ignored_and_sets_no_cookie(client):
    """?lang= comes from posters and links anyone can edit: a value that is not one of our
    languages leaves the page in English, sets no cookie and never errors."""
    from tests.support import naughty_strings

    for value in naughty_strings():
        client.delete_cookie("yp_lang")
        response = client.get("/", query_string={"lang": value}, headers={"Accept-Language": "en-GB"})
        assert response.status_code == 200, repr(value)
        html = response.get_data(as_text=True)
        if value not in ("en", "ur", "pl", "ro"):
            assert '<html lang="en-GB"' in html, repr(value)
            assert "yp_lang=" not in response.headers.get("Set-Cookie", ""), repr(value)


@pytest.mark.parametrize(("code", "written"), [("en", "12,345"), ("pl", "12\u00a0345"), ("ro", "12.345")])
def test_numbers_are_written_the_languages_way(app, client, code, written):
    """Counts go through Babel for the page's language, as dates do: "12,345 supports" in
    English, "12 345" in Polish, "12.345" in Romanian."""
    from tests.support.ideas import make_idea

    with app.app_context():
        idea = make_idea(supports=12345, verified=345)
        path = f"/ideas/{idea.theme.slug}/{idea.id}"
    page = client.get(path, query_string={"lang": code}).get_data(as_text=True)
    tally = BeautifulSoup(page, "html.parser").select_one(f"#tally-{idea.id}").get_text(" ", strip=True)
    assert written in tally


def test_python_gettext_is_the_pages_language_and_force_locale_still_wins(app):
    """portal.i18n's gettext finds the page's catalogue once per request; an email built
    inside force_locale (in its reader's language) must still get that language."""
    from flask_babel import force_locale

    from portal.i18n import gettext, lazy_gettext, ngettext

    with app.test_request_context("/?lang=pl"):
        later = lazy_gettext("Received")
        assert gettext("Received") == "Otrzymano"
        with force_locale("en"):
            assert gettext("Received") == "Received"
            assert str(later) == "Received"
        with force_locale("ur"):
            assert gettext("Received") not in ("Received", "Otrzymano")
        assert str(later) == "Otrzymano"
        assert ngettext("%(num)s idea", "%(num)s ideas", 1) != ngettext("%(num)s idea", "%(num)s ideas", 5)


def test_template_strings_are_each_languages_own_escaped_once_and_kept_bounded(app):
    """Templates' _() keeps each variable-less string's safe text per catalogue: every
    language still gets its own words, '%%' still means '%', and a flood of strings that
    are data (labels passed in) is not all kept."""
    from flask import render_template_string

    from portal import i18n

    template = "{{ _('Received') }}|{{ _('50%% of them') }}|{{ _(note) }}"
    with app.test_request_context("/?lang=pl"):
        polish = render_template_string(template, note="Not a message")
        translations = i18n._page_translations()
    with app.test_request_context("/"):
        english = render_template_string(template, note="Not a message")
    assert polish.split("|")[0] == "Otrzymano" and english.split("|")[0] == "Received"
    assert english.split("|")[1] == "50% of them"
    assert english.split("|")[2] == "Not a message"
    with app.test_request_context("/?lang=pl"):
        for n in range(i18n.SAFE_STRINGS_KEPT + 100):
            render_template_string("{{ _(note) }}", note=f"note {n}")
    assert len(translations.__dict__["_yp_safe_strings"]) == i18n.SAFE_STRINGS_KEPT
