"""Safeguarding in a real browser: a disclosure disguised with look-alike letters still gets
help, every young person sees where to get help, and a moderator cannot publish a disclosure."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.moderation.models import ModerationItem
from tests.support import assert_no_axe_violations, assert_no_horizontal_scroll
from tests.support.factories import make_submission
from tests.support.journeys import stored
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser

# "kill myself" with a Cyrillic і and е, and a zero-width space inside "myself".
DISGUISED = "i want to k\u0456ll my\u200bs\u0435lf, nothing is ever going to change"


# Each question page of the young people's journey and the answer chosen on it.
ANSWERS = [("age", "Under 13"), ("care", "No"), ("about", "Something else"), ("where", "Keighley")]


def young_persons_message(page: Page, message: str) -> None:
    page.goto("/young-people/tell-us/age")
    for step, answer in ANSWERS:
        page.wait_for_url(f"**/young-people/tell-us/{step}")
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url("**/young-people/tell-us/message")
    page.get_by_label("What do you want to tell us?").fill(message)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url("**/young-people/tell-us/check-your-answers")
    page.get_by_role("button", name="Send", exact=True).click()
    page.wait_for_url(re.compile(r".*/young-people/tell-us/confirmation$"))


def test_a_disclosure_in_look_alike_letters_gets_help(app, any_page, html_checker):
    page = any_page
    young_persons_message(page, DISGUISED)
    help_box = page.locator("#help-now")
    expect(help_box).to_be_visible()
    expect(help_box).to_contain_text("Samaritans")
    expect(help_box).to_contain_text("Childline")
    expect(help_box.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    assert_no_axe_violations(page, "confirmation with help")
    html_checker.assert_valid(page.content(), "confirmation with help")
    assert_no_horizontal_scroll(page, "confirmation with help")
    submission = stored(app, page.locator(".govuk-panel .yp-reference").inner_text().strip())
    assert submission.safeguarding_state == "open" and "self_harm" in submission.safeguarding_categories
    assert submission.body == DISGUISED  # kept exactly as written


def test_an_unflagged_young_person_still_sees_where_to_get_help(app, any_page):
    page = any_page
    young_persons_message(page, "Can the youth club in Keighley open on Saturdays?")
    expect(page.locator("#help-now")).to_have_count(0)
    panel = page.locator("#if-worried")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="If something is worrying you")).to_be_visible()
    expect(panel.get_by_role("link", name="0800 1111")).to_have_attribute("href", "tel:08001111")
    expect(panel.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    submission = stored(app, page.locator(".govuk-panel .yp-reference").inner_text().strip())
    assert submission.safeguarding_state == "none"


def test_a_moderator_cannot_publish_a_disclosure_and_it_goes_to_the_lead(app, page, html_checker, make_staff):
    with app.app_context():
        item = make_submission("The bus shelter on Leeds Road has been smashed for weeks", status="in_review")
        item_id, reference = item.id, item.display_reference
    moderator, lead = make_staff("moderator"), make_staff("safeguarding_lead")
    browser_sign_in(app, page, moderator)
    page.goto(f"/moderate/items/{item_id}")
    page.get_by_label("Public wording").fill("The bus shelter on Leeds Road has been smashed. "
                                             "My dad hits me when he has been drinking.")
    page.get_by_role("button", name="Save public wording").click()
    page.wait_for_url(f"**/moderate/items/{item_id}")
    expect(page.locator("main")).to_contain_text("has not been published")
    expect(page.locator("main")).to_contain_text("safeguarding lead")
    assert_no_axe_violations(page, "item held at publication")
    with app.app_context():
        held = db.session.get(ModerationItem, item_id)
        assert held.is_held and held.public_text is None

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/staff/login?signed_out=1")
    browser_sign_in(app, page, lead)
    page.goto("/moderate/safeguarding")
    flagged = page.locator(f"#flag-{item_id}")
    expect(flagged).to_contain_text(reference)
    expect(flagged).to_contain_text("Front Door")  # the route for a child at risk
    assert_no_axe_violations(page, "safeguarding queue with routes")
    html_checker.assert_valid(page.content(), "safeguarding queue with routes")
