"""An admin, in a real phone-sized browser, finds everything held about an email address,
downloads it as JSON, opens the readable page and erases it; each screen is checked with
axe-core, the Nu Html Checker and for sideways scrolling at 320 px."""

import json

import pytest
from playwright.sync_api import expect

from portal.core import retention
from portal.extensions import db
from portal.feedback.models import Submission
from tests.support.advisory_factories import make_application
from tests.support.factories import make_submission
from tests.support.ideas import make_idea
from tests.support.layout import check_screen as check
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser


def test_an_admin_finds_exports_and_erases(app, page, make_staff, html_checker):
    with app.app_context():
        feedback = make_submission("I'm Amir from Girlington, the bins are never collected", email="amir@example.com")
        make_idea("Amir's idea", "Recycling bins at the mosque", email="amir@example.com")
        make_application(name="Amir Khan", email="amir@example.com")
        feedback_id = feedback.id
    admin = make_staff("admin")
    browser_sign_in(app, page, admin)

    page.get_by_role("link", name="People's data").or_(page.get_by_role("link", name="People’s data")).first.click()
    expect(page.get_by_role("heading", name="People’s data", level=1)).to_be_visible()
    page.get_by_role("button", name="Find").click()  # nothing typed: a clear message
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a reference number or an email address")
    check(page, html_checker, "rights search with an error")

    page.get_by_label("Reference number or email address").fill("Amir@Example.com")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="What we hold about amir@example.com")).to_be_visible()
    expect(page.get_by_text("the bins are never collected")).to_be_visible()
    expect(page.get_by_role("heading", name="Application to join the People’s Advisory Group (1)")).to_be_visible()
    check(page, html_checker, "rights results")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    with open(download.value.path(), encoding="utf-8") as saved:
        exported = json.load(saved)
    assert {group["what"] for group in exported["held"]} >= {"Feedback", "Idea",
                                                            "Application to join the People’s Advisory Group"}

    page.get_by_role("link", name="Readable page to print").click()
    expect(page.get_by_role("heading", name="What we hold about amir@example.com", level=1)).to_be_visible()
    check(page, html_checker, "rights printable export")
    page.go_back()

    page.get_by_role("link", name="Erase").click()
    expect(page.get_by_role("heading", name="Erase what we hold about amir@example.com")).to_be_visible()
    page.get_by_role("button", name="Erase for good").click()  # no reason yet
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why this is being erased")
    check(page, html_checker, "rights erase with an error")
    page.get_by_label("Why is this being erased?").fill("Asked by letter, identity checked")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Erased:")
    expect(page.get_by_text("the bins are never collected")).to_have_count(0)
    check(page, html_checker, "rights after erasure")
    with app.app_context():
        assert db.session.get(Submission, feedback_id).body == retention.ERASED
