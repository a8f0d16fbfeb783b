"""The moderator's core actions by keyboard alone (WCAG 2.1.1), with JavaScript on and off:
select an item, open "Hide selected items", choose a reason, hide it."""

import pytest

from portal.feedback.models import Submission
from tests.support.keyboard import assert_focus_visible, tab_to
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser


def shift_tab_to(page, locator, max_tabs: int = 80) -> None:
    """Press Shift+Tab until the locator has focus, as a person going back up the page."""
    for _ in range(max_tabs):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab")
    raise AssertionError(f"Shift+Tab never reached {locator}")


def test_bulk_hide_by_keyboard_alone(app, any_page, make_staff, mk, fetch):
    page = any_page
    spam = mk("Cheap watches, visit my site")
    keep = mk("More buses to Keighley in the evening, please")
    browser_sign_in(app, page, make_staff("moderator"))
    page.goto("/moderate/queue")

    checkbox = page.locator(f"#select-{spam.id}")
    tab_to(page, checkbox)
    assert_focus_visible(page, "row checkbox")
    page.keyboard.press("Space")
    assert checkbox.is_checked()

    summary = page.locator("summary", has_text="Hide selected items")
    shift_tab_to(page, summary)
    page.keyboard.press("Enter")
    reason = page.get_by_label("Why are they being hidden?")
    tab_to(page, reason)
    page.keyboard.press("ArrowDown")  # the first reason in the list
    assert reason.input_value() != ""
    hide = page.get_by_role("button", name="Hide selected")
    tab_to(page, hide)
    assert_focus_visible(page, "hide button")
    page.keyboard.press("Enter")
    # With JavaScript the status region speaks; without, the page reloads with a banner.
    page.locator("#queue-status p, .govuk-notification-banner").first.wait_for()

    assert fetch(Submission, spam.id).status == "hidden"
    assert fetch(Submission, keep.id).status == "received"
