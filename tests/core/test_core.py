"""Home, statements, health check, error pages and the security headers on all of them."""

import pytest
from bs4 import BeautifulSoup

from portal.core.reference import THEMES

PUBLIC_PAGES = ["/", "/accessibility", "/privacy", "/cookies", "/childrens-code", "/young-people/privacy", "/staff/login"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_a_title_and_valid_html(client_request, path):
    client_request.get(path)


def test_home_lists_the_seven_themes_with_descriptions_and_pillars(client):
    page = BeautifulSoup(client.get("/").data, "html.parser")
    cards = {h.get_text(strip=True): h.find_parent("li") for h in page.select(".yp-card h3")}
    for _slug, name, description, _plain, _pillar in THEMES:
        assert name in cards, f"{name} missing from the home page"
        assert description in cards[name].get_text(" ", strip=True)
    pillars = {tag.get_text(strip=True) for tag in page.select(".yp-pillar-tag")}
    assert pillars == {"Getting On", "Getting Along", "Getting Involved", "Feeling Safe"}


def test_theme_to_pillar_link_is_data_an_admin_can_change(app_ctx, client):
    from sqlalchemy import select

    from portal.core.models import Pillar, Theme
    from portal.extensions import db

    hope = db.session.scalar(select(Theme).where(Theme.slug == "hope-for-the-future"))
    original = hope.pillar_id
    hope.pillar_id = db.session.scalar(select(Pillar.id).where(Pillar.slug == "feeling-safe"))
    db.session.commit()
    try:
        page = BeautifulSoup(client.get("/").data, "html.parser")
        card = next(h.find_parent("li") for h in page.select(".yp-card h3") if h.get_text(strip=True) == "Hope for the Future")
        assert card.select_one(".yp-pillar-tag").get_text(strip=True) == "Feeling Safe"
    finally:
        hope.pillar_id = original
        db.session.commit()


def main_text(client, path: str) -> str:
    page = BeautifulSoup(client.get(path).data, "html.parser")
    return " ".join(page.select_one("main").get_text(" ", strip=True).split())


def test_home_says_topics_in_plain_words_not_strategy_jargon(client):
    text = main_text(client, "/")
    assert "seven topics" in text.lower()
    for jargon in ("theme", "pillar", "Stronger Communities Strategy"):
        assert jargon.lower() not in text.lower(), jargon


def test_cookies_page_lists_the_language_cookie_without_a_table(client):
    from portal.i18n import COOKIE, COOKIE_DAYS

    page = BeautifulSoup(client.get("/cookies").data, "html.parser")
    main = page.select_one("main")
    # A table's narrow columns broke words letter by letter on a 360px phone.
    assert not main.select("table") and len(main.select(".govuk-summary-list")) == 4
    names = [dd.get_text(strip=True) for dt, dd in zip(main.select("dt"), main.select("dd"), strict=True)
             if dt.get_text(strip=True) == "Name"]
    assert names == ["yp_session", "device", COOKIE, "yp_staff_device"]
    language = main.select(".govuk-summary-list")[2].get_text(" ", strip=True)
    assert "remembers the language you chose" in language and "Only when you choose a language" in language
    assert COOKIE_DAYS == 365 and "1 year" in language
    assert "cookie banner" in main.get_text()


def test_privacy_notice_starts_plain_and_names_the_data_protection_officer(client):
    page = BeautifulSoup(client.get("/privacy").data, "html.parser")
    main = page.select_one("main")
    assert not main.select("table")
    text = " ".join(main.get_text(" ", strip=True).split())
    summary = text.index("The short version")
    for plain in ("What we keep:", "Why:", "How long:", "Who sees it:", "To see, change or delete it:"):
        assert summary < text.index(plain) < text.index("public task"), plain
    assert text.index("public task") > text.index("Our Data Protection Officer")  # the law comes last
    assert main.select_one("a[href='mailto:dataprotection@bradford.gov.uk']")
    assert "City Hall, Centenary Square, Bradford BD1 1HY" in text


def test_accessibility_statement_lists_the_problems_it_admits_to(client):
    page = BeautifulSoup(client.get("/accessibility").data, "html.parser")
    text = " ".join(page.select_one("main").get_text(" ", strip=True).split())
    assert "partially compliant" in text
    heading = next(h for h in page.select("main h3") if h.get_text(strip=True) == "Non-compliance with the accessibility regulations")
    failures = heading.find_next_sibling("ul").select("li")
    assert failures and all("WCAG 2.2 success criterion" in li.get_text() and "by " in li.get_text() for li in failures)
    assert "qualified translator" in text and "Urdu" in text


def test_healthz_is_plain_text(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.data == b"ok"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "script-src 'self'", "style-src 'self'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_no_inline_script_or_style_on_any_page(client):
    for path in PUBLIC_PAGES:
        page = BeautifulSoup(client.get(path).data, "html.parser")
        for script in page.find_all("script"):
            assert script.get("src"), f"inline script on {path}"
        assert not page.find_all("style"), f"inline <style> on {path}"
        assert not page.select("[style]"), f"style attribute on {path}"


def test_production_refuses_a_missing_or_development_secret(make_app):
    for secret in (None, "dev-only-not-secret", "short"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            make_app(ENV_NAME="production", SECRET_KEY=secret)


def test_production_sets_hsts_and_secure_host_cookie(make_app):
    production = make_app(ENV_NAME="production", SECRET_KEY="x" * 64)
    client = production.test_client()
    response = client.get("/", base_url="https://yourplace.test")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    page = client.get("/staff/login", base_url="https://yourplace.test")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-yp_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_and_samesite(client):
    cookie = client.get("/staff/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_without_forms_set_no_cookie(client):
    for path in ("/", "/accessibility", "/privacy", "/cookies"):
        assert "Set-Cookie" not in client.get(path).headers, path


@pytest.mark.parametrize(
    "code, make, happened, what_to_do",
    [
        (404, lambda c: c.get("/no-such-page"), "Page not found", "check it is right"),
        (405, lambda c: c.post("/healthz"), "Sorry, that did not work", "Go back and try again"),
        (400, lambda c: c.post("/staff/login", data={"email": "a@b.c", "password": "x"}),  # no CSRF token
         "Your form could not be sent", "Go back, reload the page and try again"),
        (413, lambda c: c.post("/staff/login", data={"email": "x" * 70000}), "What you sent is too big",
         "Make it shorter and try again"),
    ],
)
def test_error_pages_say_what_happened_and_what_to_do_with_the_right_status(client, code, make, happened, what_to_do):
    response = make(client)
    assert response.status_code == code  # the status stays; the page speaks in words, not codes
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("main h1").get_text(strip=True) == happened
    assert page.select_one("a.govuk-skip-link")
    text = page.select_one("main").get_text(" ", strip=True)
    assert what_to_do in text
    assert "Error code" not in text and str(code) not in text
    assert page.select_one("main a[href='/']")  # and somewhere to go next


def test_forbidden_and_server_error_pages(make_app):
    from flask import abort

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/__test-403")
    def forbidden():
        abort(403)

    @app.get("/__test-500")
    def boom():
        raise RuntimeError("deliberate")

    client = app.test_client()
    forbidden_page = client.get("/__test-403")
    assert forbidden_page.status_code == 403
    forbidden_text = BeautifulSoup(forbidden_page.data, "html.parser").select_one("main").get_text(" ", strip=True)
    assert "You cannot see this page" in forbidden_text and "ask your manager" in forbidden_text
    assert "Error code" not in forbidden_text and "403" not in forbidden_text
    response = client.get("/__test-500")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    assert "deliberate" not in response.get_data(as_text=True)


def test_rate_limited_page_is_friendly(app, client, rate_limits):
    from tests.support.staff import csrf_token_from

    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    wrong = {"email": "nobody@staff.test", "password": "not the password", "csrf_token": token}
    for _ in range(10):
        assert client.post("/staff/login", data=wrong).status_code == 200
    response = client.post("/staff/login", data=wrong)
    assert response.status_code == 429
    assert "You have tried too many times" in response.get_data(as_text=True)
    # When to come back: the sign-in limit's window (10 a minute), and nothing about how
    # many tries are left (no X-RateLimit-* headers: no page reads them).
    assert response.headers["Retry-After"] == "60"
    assert not [name for name, _value in response.headers if name.lower().startswith("x-ratelimit")]


def test_static_assets_are_fingerprinted_and_cached_for_a_year(client):
    page = BeautifulSoup(client.get("/").data, "html.parser")
    urls = [page.select_one("link[rel=stylesheet]")["href"], page.select_one("script[src]")["src"]]
    for url in urls:
        assert url.startswith("/static/dist/app.") and len(url.split(".")) == 3
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        response.close()


def test_the_header_made_once_still_marks_each_pages_place_and_language(client):
    """The header is made once per language, navigation and query (portal/templating.py):
    each page must still get its own current item, its language, and links that keep its query."""

    def header(path):
        page = BeautifulSoup(client.get(path).data, "html.parser")
        current = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__link[aria-current=page]")]
        languages = [a["href"] for a in page.select("nav.yp-languages a")]
        return current, languages, page.select_one("nav.yp-languages")["aria-label"]

    ideas, ideas_links, _ = header("/ideas")
    answers, answers_links, _ = header("/you-said-we-did?status=done")
    home, home_links, _ = header("/")
    assert (ideas, answers, home) == (["Ideas"], ["You said, we did"], [])
    assert ideas_links == home_links == ["?lang=en", "?lang=ur", "?lang=pl", "?lang=ro"]
    assert answers_links[2] == "?status=done&lang=pl"
    assert header("/you-said-we-did")[1][2] == "?lang=pl"  # the same navigation, another query
    assert header("/ideas?lang=pl")[0::2] == (["Pomysły"], "Język")
    assert header("/ideas?lang=en")[0::2] == (["Ideas"], "Language")
