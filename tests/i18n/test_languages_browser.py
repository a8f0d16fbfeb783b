"""Every public page in every language, in Chromium at phone size with JavaScript on and
off: axe-core, the Nu Html Checker, no sideways scroll at 320 px and the page-weight
budget; right-to-left layout in Urdu; and the journeys in Urdu and Polish."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.i18n import LANGUAGES
from tests.i18n.pages import public_paths, seed_public_content
from tests.support.a11y import assert_no_axe_violations
from tests.support.layout import assert_no_horizontal_scroll
from tests.support.weight import assert_page_weight

REFERENCE = re.compile(r"BD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


@pytest.fixture
def content(app):
    return seed_public_content(app)


def choose_language(page: Page, code: str) -> None:
    page.goto(f"/?lang={code}")  # as a poster's link would: the cookie keeps it


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_public_page_in_every_language(any_page, html_checker, content, code):
    choose_language(any_page, code)
    for path in public_paths(content):
        response = any_page.goto(path)
        assert response.status in (200, 404), path
        any_page.console_errors.clear()  # the browser logs a 404 itself
        where = f"{path} in {LANGUAGES[code].name}"
        expect(any_page.locator("html")).to_have_attribute("lang", LANGUAGES[code].lang)
        expect(any_page.locator("html")).to_have_attribute("dir", LANGUAGES[code].direction)
        assert_no_axe_violations(any_page, where)
        html_checker.assert_valid(any_page.content(), where)
        assert_no_horizontal_scroll(any_page, where)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_public_page_keeps_the_weight_budget_in_every_language(client, content, code):
    client.get("/", query_string={"lang": code})
    for path in public_paths(content):
        if path != "/no-such-page":
            assert_page_weight(client, path, total_kb=60, js_kb=25)


def fill_a_journey(page: Page, body: str, check=None) -> str:
    """Tell us, by the form's own fields (whatever the language): returns the reference.
    `check(state)` is called on each page in each state: empty, with its error, filled."""
    check = check or (lambda state: None)

    def submit() -> None:
        page.locator("main form button[type=submit]").first.click()

    def next_page(step: str) -> None:
        submit()
        page.wait_for_url(f"**/tell-us/{step}")
        page.wait_for_load_state("load")
        check(f"{step} (empty)")

    def refuse_empty(step: str) -> None:
        submit()
        page.wait_for_url(f"**/tell-us/{step}")
        page.locator(".govuk-error-summary").wait_for()
        check(f"{step} (error)")

    page.goto("/tell-us")
    check("start")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/tell-us/about")
    check("about (empty)")
    refuse_empty("about")
    page.locator("input[name=answer][value=sharing-spaces-and-places]").check()
    next_page("where")
    refuse_empty("where")
    page.locator("input[name=answer][value=keighley]").check()
    next_page("message")
    refuse_empty("message")
    page.locator("textarea[name=body]").fill(body)
    next_page("reply")
    next_page("check-your-answers")  # no email address
    next_page("equality")  # the optional questions about you come first: skip them
    check("equality")
    page.locator("button[name=choice][value=skip]").click()
    page.wait_for_url("**/tell-us/confirmation")
    found = REFERENCE.search(page.locator("main").inner_text())
    assert found, page.content()[:2000]
    return found.group(0)


WRITTEN = {"ur": "بس دیر سے آتی ہے", "pl": "Autobus do Keighley się spóźnia", "ro": "Autobuzul întârzie mereu"}


@pytest.mark.parametrize("code", ["ur", "pl", "ro"])
def test_tell_us_track_and_read_an_answer_in_each_language(any_page, html_checker, content, code):
    """Every page of the journey in every state (empty, with its error, filled) in the
    language, checked as in English: axe-core, the Nu Html Checker, 320 px."""
    page = any_page
    choose_language(page, code)

    def check(state: str) -> None:
        where = f"{state} in {LANGUAGES[code].name}"
        expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code].lang)
        assert_no_axe_violations(page, where)
        html_checker.assert_valid(page.content(), where)
        assert_no_horizontal_scroll(page, where)

    reference = fill_a_journey(page, WRITTEN[code], check)
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code].lang)
    assert_no_axe_violations(page, f"confirmation in {code}")
    html_checker.assert_valid(page.content(), f"confirmation in {code}")
    # The reference reads left to right inside an isolated run, even on an Urdu page.
    isolated = page.locator("main bdi", has_text=reference).first
    expect(isolated).to_be_visible()
    # Track it by typing it, and read the answer to someone else's feedback.
    page.goto("/track")
    page.locator("input[name=reference]").fill(reference.lower().replace("-", " "))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/track/{reference}")
    expect(page.locator("main")).to_contain_text(reference)
    page.goto(f"/you-said-we-did/{content['response_id']}")
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code].lang)
    expect(page.locator("main")).to_contain_text("We asked the bus company")  # the council's words, as written
    assert_no_axe_violations(page, f"an answer in {code}")


def test_urdu_pages_are_laid_out_right_to_left(page):
    page.goto("/?lang=ur")
    page.goto("/tell-us")
    page.locator("main .govuk-button").first.click()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    item = page.locator(".govuk-radios__item").first
    radio, label = item.locator("input").bounding_box(), item.locator("label").bounding_box()
    assert radio["x"] > label["x"], "the radio button should be on the right, before the words, in Urdu"
    # Its drawn circle follows it to the right.
    sides = page.evaluate("(l) => { const s = getComputedStyle(l, '::before'); return [s.left, s.right]; }",
                          item.locator("label").element_handle())
    left, right = (float(side.removesuffix("px")) for side in sides)
    assert right < left, f"the circle should be drawn at the right: left {left}, right {right}"
    # The back link's chevron points right (back, in a right-to-left page) and sits on the right.
    back = page.locator(".govuk-back-link").first
    chevron = page.evaluate("(a) => { const s = getComputedStyle(a, '::before'); return [s.left, s.right]; }",
                            back.element_handle())
    left, right = (float(side.removesuffix("px")) for side in chevron)
    assert right < left, f"the back link's chevron should be at the right: left {left}, right {right}"


@pytest.mark.parametrize("young", [False, True], ids=["adult", "young"])
@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_page_of_both_journeys_is_valid_html_in_every_language(app, html_checker, code, young):
    from tests.i18n.pages import journey_pages

    for path, html in journey_pages(app, code, young):
        if not path.endswith(".txt"):
            html_checker.assert_valid(html, f"{path} in {LANGUAGES[code].name}")


@pytest.mark.parametrize("code", ["ur", "pl", "ro"])
def test_the_young_peoples_journey_in_each_language(any_page, html_checker, code):
    page = any_page
    choose_language(page, code)

    def check(state: str) -> None:
        where = f"young people: {state} in {LANGUAGES[code].name}"
        expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code].lang)
        assert_no_axe_violations(page, where)
        assert_no_horizontal_scroll(page, where)

    def submit_to(step: str) -> None:
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(f"**/young-people/tell-us/{step}")
        page.wait_for_load_state("load")
        check(step)

    page.goto("/young-people")
    check("space")
    page.goto("/young-people/tell-us")
    check("start")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/young-people/tell-us/age")
    check("age")
    page.locator("input[name=answer][value='13_15']").check()
    submit_to("care")
    page.locator("input[name=answer][value=no]").check()
    submit_to("about")
    page.locator("input[name=answer][value=linking-up-schools]").check()
    submit_to("where")
    page.locator("input[name=answer][value=shipley]").check()
    submit_to("message")
    page.locator("textarea[name=body]").fill(WRITTEN[code])
    submit_to("reply")
    submit_to("check-your-answers")
    submit_to("equality")
    page.locator("button[name=choice][value=skip]").click()
    page.wait_for_url("**/young-people/tell-us/confirmation")
    check("confirmation")
    expect(page.locator("#if-worried")).to_be_visible()  # help is always there, in their language
    assert REFERENCE.search(page.locator("main").inner_text())


@pytest.mark.parametrize("code", ["ur", "pl", "ro"])
def test_a_reference_we_do_not_have_in_each_language(any_page, html_checker, code):
    choose_language(any_page, code)
    response = any_page.goto("/track/BD-2345-678A")
    assert response.status == 404
    any_page.console_errors.clear()  # the browser logs the 404 itself
    assert_no_axe_violations(any_page, f"track not found in {code}")
    html_checker.assert_valid(any_page.content(), f"track not found in {code}")


@pytest.mark.parametrize(("code", "typed", "expected"), [
    ("pl", "abc", "Możesz jeszcze wpisać 1997 znaków"),  # CLDR "many" in Polish
    ("pl", "a" * 1998, "Możesz jeszcze wpisać 2 znaki"),  # "few"
    ("ur", "abc", "آپ 1,997 حروف اور لکھ سکتے ہیں"),
    ("ro", "a" * 2001, "1 caracter"),
])
def test_the_live_character_count_speaks_the_pages_language(page, code, typed, expected):
    """With JavaScript, GOV.UK Frontend writes the count as you type: in the page's language,
    from the same catalogue as the count the server writes."""
    page.goto(f"/tell-us/about?lang={code}")
    for following in ("where", "message"):
        page.locator("main input[name=answer]").first.check()
        page.locator("main form button.govuk-button").click()
        page.wait_for_url(re.compile(f"/tell-us/{following}"))
    page.locator("textarea[name=body]").fill(typed)
    message = page.locator(".govuk-character-count__status")
    expect(message).to_contain_text(expected)  # the number as the browser writes it for the language
