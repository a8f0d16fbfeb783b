"""Right to left and left to right from the same rules, measured in Chromium at phone size.

scss/app.scss mirrors GOV.UK Frontend with logical properties (margin-inline-start,
inset-inline-start, text-align: start…) that apply in both directions; only the turning
of drawn arrows looks at `dir`. So every check here runs twice, in English and in Urdu,
and is written in terms of the reading direction: "at the start" is the left edge in
English and the right edge in Urdu. Each test proves one thing in both directions: the
back link's chevron, the start button's arrow, radios, inset text, the header and the
service navigation, check-answers rows and table headers. With JavaScript on (`page`),
and the header, menu, radios and back link once more with it off (`page_nojs`).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.i18n.pages import seed_public_content

TOLERANCE = 1  # px: sub-pixel text metrics
DIRECTIONS = {"en": "ltr", "ur": "rtl"}
LANGUAGES = pytest.mark.parametrize("code", list(DIRECTIONS), ids=["English", "Urdu"])

Box = dict[str, float]

# The union of the boxes of an element's own text (its direct text nodes, so a
# visually-hidden span inside a "Change" link does not count).
_TEXT_BOX_JS = """
(el) => {
  const rects = [];
  for (const node of el.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE || !node.data.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
  }
  if (!rects.length) return null;
  const left = Math.min(...rects.map((r) => r.left)), right = Math.max(...rects.map((r) => r.right));
  const top = Math.min(...rects.map((r) => r.top)), bottom = Math.max(...rects.map((r) => r.bottom));
  return {x: left, y: top, width: right - left, height: bottom - top};
}
"""

# The layout box of an absolutely positioned ::before or ::after (GOV.UK draws radio
# circles and the back link's chevron with them): its used left/top inside the padding
# box of its containing block. Before any transform, which turns it about its centre.
_PSEUDO_BOX_JS = """
(el, which) => {
  const style = getComputedStyle(el, which);
  let block = el;
  while (block && getComputedStyle(block).position === 'static') block = block.parentElement;
  const outer = block.getBoundingClientRect(), blockStyle = getComputedStyle(block);
  const width = parseFloat(style.width) + (style.boxSizing === 'border-box' ? 0 :
    parseFloat(style.borderLeftWidth) + parseFloat(style.borderRightWidth));
  const height = parseFloat(style.height) + (style.boxSizing === 'border-box' ? 0 :
    parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth));
  return {x: outer.left + parseFloat(blockStyle.borderLeftWidth) + parseFloat(style.left),
          y: outer.top + parseFloat(blockStyle.borderTopWidth) + parseFloat(style.top),
          width, height, transform: style.transform};
}
"""

# Where a drawn shape points once its CSS transform is applied: the x of the vector
# `[x, y]` (the way the shape points untransformed) through the transform's matrix.
_POINTS_JS = """
(el, [which, x, y]) => {
  const transform = getComputedStyle(el, which).transform;
  const m = transform === 'none' ? new DOMMatrix() : new DOMMatrix(transform);
  return m.a * x + m.c * y;
}
"""


@pytest.fixture
def content(app):
    return seed_public_content(app)


def choose(page: Page, code: str) -> str:
    """Switch the language (the cookie keeps it) and return its direction."""
    page.goto(f"/?lang={code}")
    direction = DIRECTIONS[code]
    expect(page.locator("html")).to_have_attribute("dir", direction)
    return direction


# ---- measuring, in the reading direction ---------------------------------------------


def box(locator: Locator) -> Box:
    found = locator.bounding_box()
    assert found, f"{locator} is not rendered"
    return found


def own_text_box(locator: Locator) -> Box | None:
    return locator.evaluate(_TEXT_BOX_JS)


def text_box(locator: Locator) -> Box:
    found = own_text_box(locator)
    assert found, f"{locator} has no text of its own"
    return found


def pseudo_box(locator: Locator, which: str = "::before") -> dict[str, Any]:
    return locator.evaluate(_PSEUDO_BOX_JS, which)


def points(locator: Locator, which: str | None, x: float, y: float) -> float:
    """Where a shape drawn pointing along (x, y) points on screen: > 0 right, < 0 left."""
    return locator.evaluate(_POINTS_JS, [which, x, y])


def right(b: Box) -> float:
    return b["x"] + b["width"]


def start_gap(inner: Box, outer: Box, direction: str) -> float:
    """How far inner starts from outer's start edge (left in English, right in Urdu)."""
    return inner["x"] - outer["x"] if direction == "ltr" else right(outer) - right(inner)


def end_gap(inner: Box, outer: Box, direction: str) -> float:
    """How far inner ends from outer's end edge (right in English, left in Urdu)."""
    return right(outer) - right(inner) if direction == "ltr" else inner["x"] - outer["x"]


def comes_before(first: Box, then: Box, direction: str) -> bool:
    """first lies wholly on the start side of then (to its left in English, right in Urdu)."""
    if direction == "ltr":
        return right(first) <= then["x"] + TOLERANCE
    return first["x"] >= right(then) - TOLERANCE


def side(direction: str, where: str) -> str:
    """The physical side ('left'/'right') of the start or end edge."""
    ltr = {"start": "left", "end": "right"}[where]
    return ltr if direction == "ltr" else {"left": "right", "right": "left"}[ltr]


def style(locator: Locator, prop: str, which: str | None = None) -> str:
    return locator.evaluate("(el, [prop, which]) => getComputedStyle(el, which).getPropertyValue(prop)",
                            [prop, which])


def px(value: str) -> float:
    return float(value.removesuffix("px"))


def near(value: float, expected: float, tolerance: float = TOLERANCE) -> bool:
    return abs(value - expected) <= tolerance


# ---- the shared checks (each written once, for both directions) ---------------------


def check_header(page: Page, direction: str, where: str) -> None:
    """The wordmark starts at the start edge of the header's width container: the crest
    first, then "Your Place"; the language switcher comes after it."""
    container = box(page.locator(".govuk-generic-header__container"))
    link = page.locator(".govuk-generic-header__homepage-link")
    mark = box(link.locator(".yp-wordmark__mark"))
    words = text_box(link)
    assert near(start_gap(box(link), container, direction), 0), (
        f"{where}: the wordmark should start at the {side(direction, 'start')} edge of the header, "
        f"not {start_gap(box(link), container, direction):.1f}px in")
    assert near(start_gap(mark, container, direction), 0), f"{where}: the crest should come first"
    assert comes_before(mark, words, direction), (
        f"{where}: the crest should be on the {side(direction, 'start')} of “Your Place”")
    gap = (words["x"] - right(mark)) if direction == "ltr" else (mark["x"] - right(words))
    assert 5 <= gap <= 15, f"{where}: the gap after the crest should be on the side of the words, not {gap:.1f}px"
    switcher = box(page.locator(".yp-languages"))
    same_line = switcher["y"] < mark["y"] + mark["height"]
    if same_line:
        assert comes_before(box(link), switcher, direction), f"{where}: the language switcher should come after the wordmark"
    else:
        assert near(start_gap(switcher, container, direction), 0, 3), f"{where}: the switcher should start at the start edge"


def check_service_navigation(page: Page, direction: str, where: str) -> None:
    """The menu starts at the start edge, and the current page's bar is on its start side,
    in the page's side gutter, so its words line up with everything else."""
    container = box(page.locator(".govuk-service-navigation .govuk-width-container"))
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        assert near(start_gap(box(toggle), container, direction), 0), f"{where}: “Menu” should start at the start edge"
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        arrow_gap = px(style(toggle, f"margin-{side(direction, 'start')}", "::after"))
        assert arrow_gap == 5, f"{where}: the menu arrow should follow the word “Menu”"
    items = page.locator(".govuk-service-navigation__item")
    assert items.count() >= 3
    for i in range(items.count()):
        link = items.nth(i).locator(".govuk-service-navigation__link")
        assert near(start_gap(box(link), container, direction), 0), (
            f"{where}: menu link {i + 1} should start at the {side(direction, 'start')} edge")
    active = page.locator(".govuk-service-navigation__item--active")
    assert px(style(active, f"border-{side(direction, 'start')}-width")) == 5, (
        f"{where}: the current page's bar should be on the {side(direction, 'start')}")
    assert px(style(active, f"border-{side(direction, 'end')}-width")) == 0
    bar_out = -start_gap(box(active), container, direction)
    assert near(bar_out, 15), f"{where}: the bar should sit in the {side(direction, 'start')} gutter, not {bar_out:.1f}px out"


def check_back_link(page: Page, direction: str, where: str) -> None:
    """The chevron is before the word "Back" (on its right in Urdu) and points back."""
    back = page.locator(".govuk-back-link").first
    link, words, chevron = box(back), text_box(back), pseudo_box(back)
    assert comes_before(chevron, words, direction), (
        f"{where}: the back link's chevron should be on the {side(direction, 'start')} of its text: "
        f"chevron x {chevron['x']:.1f}..{right(chevron):.1f}, text x {words['x']:.1f}..{right(words):.1f}")
    assert start_gap(chevron, link, direction) >= 0 and near(start_gap(chevron, link, direction), 3)
    # The chevron is a square with top and right borders: its tip points up-right, (1, -1),
    # before GOV.UK turns it. Back is left in English, right in Urdu.
    tip = points(back, "::before", 1, -1)
    assert (tip < 0) if direction == "ltr" else (tip > 0), (
        f"{where}: the back chevron should point {side(direction, 'start')} (transform {chevron['transform']})")


def check_radios(page: Page, direction: str, where: str) -> None:
    """Each radio's circle is drawn over its input, at the start of the item, before the words;
    the dot of the chosen one sits in the middle of its circle."""
    items = page.locator(".govuk-radios__item")
    assert items.count() >= 2
    items.first.locator("input").check()
    for i in range(items.count()):
        item = items.nth(i)
        label = item.locator("label")
        radio, words, circle = box(item.locator("input")), text_box(label), pseudo_box(label)
        assert comes_before(radio, words, direction), (
            f"{where}: radio {i + 1} should be on the {side(direction, 'start')} of its label")
        assert near(start_gap(circle, box(item), direction), 2), (
            f"{where}: radio {i + 1}'s circle should be drawn at the {side(direction, 'start')}")
        assert near(circle["x"] + circle["width"] / 2, radio["x"] + radio["width"] / 2), (
            f"{where}: radio {i + 1}'s circle should be drawn over the input")
        assert comes_before(circle, words, direction)
    first_label = items.first.locator("label")
    circle, dot = pseudo_box(first_label), pseudo_box(first_label, "::after")
    assert near(dot["x"] + dot["width"] / 2, circle["x"] + circle["width"] / 2), f"{where}: the dot should be centred"


# ---- the tests -----------------------------------------------------------------------


@LANGUAGES
def test_the_header_starts_at_the_start_edge(page, code):
    direction = choose(page, code)
    check_header(page, direction, f"/ in {code}")
    page.goto("/tell-us")
    check_service_navigation(page, direction, f"/tell-us in {code}")


@LANGUAGES
def test_the_back_links_chevron_is_before_its_text_and_points_back(page, code):
    direction = choose(page, code)
    page.goto("/tell-us")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/tell-us/about")
    check_back_link(page, direction, f"/tell-us/about in {code}")


@LANGUAGES
def test_the_start_buttons_arrow_is_at_its_end_and_points_forward(page, code):
    direction = choose(page, code)
    page.goto("/tell-us")
    button = page.locator("main .govuk-button--start")
    icon = button.locator(".govuk-button__start-icon")
    words, arrow, whole = text_box(button), box(icon), box(button)
    assert comes_before(words, arrow, direction), (
        f"the start arrow should be on the {side(direction, 'end')} of “{button.inner_text().strip()}”: "
        f"arrow x {arrow['x']:.1f}..{right(arrow):.1f}, words x {words['x']:.1f}..{right(words):.1f}")
    assert end_gap(arrow, whole, direction) < start_gap(words, whole, direction) + TOLERANCE, (
        "the arrow should sit at the end of the button")
    gap = abs((arrow["x"] - right(words)) if direction == "ltr" else (words["x"] - right(arrow)))
    assert gap <= 10, f"the arrow should follow the words closely, not {gap:.1f}px away"
    # The icon's path points right, (1, 0). Forward is right in English, left in Urdu.
    heading = points(icon, None, 1, 0)
    assert (heading > 0) if direction == "ltr" else (heading < 0), (
        f"the start arrow should point {side(direction, 'end')}")


@LANGUAGES
def test_radios_are_drawn_at_the_start_of_their_labels(page, code):
    direction = choose(page, code)
    page.goto("/tell-us")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/tell-us/about")
    check_radios(page, direction, f"/tell-us/about in {code}")
    page.goto("/young-people/tell-us")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/young-people/tell-us/age")
    check_radios(page, direction, f"/young-people/tell-us/age in {code}")


@LANGUAGES
def test_inset_texts_border_is_on_the_start_side(page, code):
    direction = choose(page, code)
    page.goto("/tell-us")
    inset = page.locator("main .govuk-inset-text").first
    start, end = side(direction, "start"), side(direction, "end")
    assert px(style(inset, f"border-{start}-width")) == 10, f"the inset text's border should be on the {start}"
    assert px(style(inset, f"border-{end}-width")) == 0
    words, whole = text_box(inset), box(inset)
    assert near(start_gap(words, whole, direction), 10 + 15), (
        f"the inset text should start after its {start} border and padding, "
        f"not {start_gap(words, whole, direction):.1f}px in")
    assert end_gap(words, whole, direction) >= 15 - TOLERANCE


def tell_us_as_far_as_check_your_answers(page: Page) -> None:
    page.goto("/tell-us")
    page.locator("main .govuk-button").first.click()
    for answer, following in (("input[name=answer][value=sharing-spaces-and-places]", "where"),
                              ("input[name=answer][value=keighley]", "message")):
        page.locator(answer).check()
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(f"**/tell-us/{following}")
    page.locator("textarea[name=body]").fill("The bus is always late")
    for following in ("reply", "check-your-answers"):
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(f"**/tell-us/{following}")


@LANGUAGES
def test_check_answers_rows_read_key_value_then_change(page, code):
    direction = choose(page, code)
    tell_us_as_far_as_check_your_answers(page)
    rows = page.locator(".govuk-summary-list__row")
    assert rows.count() >= 3

    # At 360 px GOV.UK stacks key, value and "Change": each starts at the start edge.
    for i in range(rows.count()):
        row = rows.nth(i)
        whole = box(row)
        for part in (".govuk-summary-list__key", ".govuk-summary-list__actions a"):
            assert near(start_gap(text_box(row.locator(part)), whole, direction), 0), (
                f"row {i + 1}: {part} should start at the {side(direction, 'start')} on a phone")

    # From tablet width they are three columns: the key first (right in Urdu), then the
    # answer, then "Change" pushed to the end (left in Urdu).
    page.set_viewport_size({"width": 800, "height": 740})
    try:
        for i in range(rows.count()):
            row = rows.nth(i)
            whole = box(row)
            key, value = box(row.locator(".govuk-summary-list__key")), box(row.locator(".govuk-summary-list__value"))
            change = text_box(row.locator(".govuk-summary-list__actions a"))
            assert comes_before(key, value, direction), (
                f"row {i + 1}: the key should be on the {side(direction, 'start')} of the answer")
            assert comes_before(value, change, direction), (
                f"row {i + 1}: “Change” should be on the {side(direction, 'end')} of the answer")
            assert near(start_gap(text_box(row.locator(".govuk-summary-list__key")), whole, direction), 0)
            assert near(end_gap(change, whole, direction), 0), (
                f"row {i + 1}: “Change” should sit at the {side(direction, 'end')} edge")
            # The 20 px gutter follows each column (its end side); the last has none.
            end = side(direction, "end")
            assert px(style(row.locator(".govuk-summary-list__key"), f"padding-{end}")) == 20
            assert px(style(row.locator(".govuk-summary-list__key"), f"padding-{side(direction, 'start')}")) == 0
            assert px(style(row.locator(".govuk-summary-list__actions"), f"padding-{end}")) == 0
    finally:
        page.set_viewport_size({"width": 360, "height": 740})


@LANGUAGES
def test_table_headers_and_cells_align_to_the_start(page, content, code):
    direction = choose(page, code)
    page.goto("/you-said-we-did")
    table = page.locator("main .govuk-table").first
    expect(table).to_be_visible()
    headers = table.locator("thead .govuk-table__header")
    assert headers.count() == 2
    first, second = box(headers.nth(0)), box(headers.nth(1))
    assert comes_before(first, second, direction), (
        f"the first column should be on the {side(direction, 'start')}")
    for cell in [headers.nth(0), headers.nth(1), *[table.locator("tbody tr").first.locator("th, td").nth(i)
                                                   for i in range(2)]]:
        assert style(cell, "text-align") == "start"
        words = own_text_box(cell)
        if words:
            assert near(start_gap(words, box(cell), direction), 0), (
                f"“{cell.inner_text()[:30]}” should be aligned to the {side(direction, 'start')} of its cell")
    # The 20 px gap between columns is at the end of the first column, none after the last.
    end = side(direction, "end")
    assert px(style(headers.nth(0), f"padding-{end}")) == 20
    assert px(style(headers.nth(0), f"padding-{side(direction, 'start')}")) == 0
    assert px(style(headers.nth(1), f"padding-{end}")) == 0
    caption = table.locator("caption")
    assert near(start_gap(text_box(caption), box(table), direction), 0), "the caption should start at the start edge"


@LANGUAGES
def test_without_javascript_the_same_rules_mirror_the_page(page_nojs, code):
    page = page_nojs
    direction = choose(page, code)
    check_header(page, direction, f"/ in {code} without JavaScript")
    page.goto("/tell-us")
    page.locator("main .govuk-button").first.click()
    page.wait_for_url("**/tell-us/about")
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    expect(page.locator(".govuk-service-navigation__toggle")).to_be_hidden()  # every link shows
    check_service_navigation(page, direction, f"/tell-us/about in {code} without JavaScript")
    check_back_link(page, direction, f"/tell-us/about in {code} without JavaScript")
    check_radios(page, direction, f"/tell-us/about in {code} without JavaScript")


def test_only_drawn_arrows_look_at_the_direction():
    """The stylesheet mirrors with logical properties: `[dir=rtl]` may only turn arrows."""
    from pathlib import Path

    css = next((Path(__file__).resolve().parents[2] / "static" / "dist").glob("app.*.css")).read_text("ascii")
    rules = re.findall(r"([^{}]*\[dir=\"?rtl\"?\][^{}]*)\{([^{}]*)\}", css)
    assert rules, "no right-to-left rules at all?"
    for selector, body in rules:
        properties = {part.split(":", 1)[0].strip() for part in body.split(";") if part.strip()}
        assert properties == {"transform"}, f"{selector.strip()} sets {sorted(properties)}: use logical properties"
