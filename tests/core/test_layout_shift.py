"""No layout shift on load: at phone size with JavaScript on, the menu is collapsed from
the first paint instead of showing expanded and jumping shut when the script runs."""

import time

import pytest

SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("path", ["/", "/you-said-we-did", "/young-people", "/tell-us"])
def test_pages_do_not_shift_as_they_load(page, path):
    page.add_init_script(SHIFTS)
    # A phone on slow data: the page is painted before the script arrives.
    page.route("**/static/dist/app.*.js", lambda route: (time.sleep(0.6), route.continue_()))
    page.goto(f"{path}?lang=en")
    page.wait_for_load_state("load")
    page.wait_for_timeout(400)  # the module script and GOV.UK's components have run
    shifts = page.evaluate("window.__shifts")
    assert sum(shifts) < 0.02, f"cumulative layout shift {sum(shifts):.3f} on {path}: {shifts}"
    # …and the menu works: collapsed, then opened by its button.
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.is_visible()
    assert not page.locator("#navigation").is_visible()
    toggle.click()
    assert page.locator("#navigation").is_visible()
