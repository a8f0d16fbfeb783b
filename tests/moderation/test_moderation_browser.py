"""A moderator's whole loop in a real browser, with JavaScript on and off: filter the
queue, bulk-hide spam, redact, answer three items with one response, publish; then the
submitters' track pages say "answered", and each submitter with an email has exactly
one message in the outbox, sent once however often the send command runs.

Every staff and public screen on the way is checked with axe-core, the Nu Html Checker
and for sideways scrolling at 320 px.
"""

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.responses.models import Response
from portal.shared.outbox import OutboxMessage
from tests.support.factories import make_submission
from tests.support.layout import check_screen as check
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_caches():
    from portal.shared.cache import clear

    clear()
    yield
    clear()


def make_queue(app) -> dict:
    now = datetime.now(UTC)
    with app.app_context():
        spam = [make_submission(f"WIN A FREE PHONE!!! Visit cheap-deals number {i} now", theme="employment-opportunities",
                                created_at=now - timedelta(days=3, minutes=i)) for i in range(3)]
        real_job = make_submission("Please run a jobs fair in Keighley with employers who are hiring.",
                                   theme="employment-opportunities", created_at=now - timedelta(days=2))
        redact_me = make_submission(
            "I'm Priya from Manningham. The park path is pitch black, call me on 07700 900123 or priya@example.com, BD8 7AA.",
            email="priya@example.com", created_at=now - timedelta(days=6))
        other = make_submission("No lights in the park on the way home from school, it's scary.", audience="young_person",
                                email="yp@example.com", created_at=now - timedelta(days=5))
        third = make_submission("Dark park, please add lamps.", created_at=now - timedelta(days=4))
        return {
            "spam": [s.display_reference for s in spam],
            "spam_ids": [s.id for s in spam],
            "real_job": real_job.display_reference,
            "answer": [redact_me.display_reference, other.display_reference, third.display_reference],
            "answer_ids": [redact_me.id, other.id, third.id],
            "redact_id": redact_me.id,
        }


def test_a_moderator_works_through_the_queue_and_closes_the_loop(app, any_page, html_checker, make_staff):
    page = any_page
    outbox = os.path.join(app.instance_path, "outbox")
    shutil.rmtree(outbox, ignore_errors=True)
    data = make_queue(app)
    moderator = make_staff("moderator")
    browser_sign_in(app, page, moderator)

    # Filter the queue to one theme.
    page.goto("/moderate/queue")
    check(page, html_checker, "queue")
    page.get_by_label("Theme").select_option("employment-opportunities")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**theme=employment-opportunities**")
    expect(page.locator("#queue-results label")).to_have_count(4)

    # Bulk-hide the spam, with a reason.
    for reference in data["spam"]:
        page.get_by_label(f"Select {reference}").check()
    page.get_by_text("Hide selected items").click()
    page.get_by_label("Why are they being hidden?").select_option("spam")
    page.get_by_role("button", name="Hide selected").click()
    expect(page.get_by_text("3 items hidden.")).to_be_visible()
    expect(page.locator("#queue-results label")).to_have_count(1)
    expect(page.get_by_label(f"Select {data['real_job']}")).to_be_visible()
    assert "theme=employment-opportunities" in page.url  # the filters are kept
    check(page, html_checker, "queue after hiding")
    with app.app_context():
        assert {db.session.get(Submission, i).status for i in data["spam_ids"]} == {"hidden"}

    # Redact one submission: the details go automatically, the name by hand.
    page.goto("/moderate/queue?theme=sharing-spaces-and-places")
    page.get_by_role("link", name=f"Open {data['answer'][0]}").click()
    page.wait_for_url(f"**/moderate/items/{data['redact_id']}")
    wording = page.get_by_label("Public wording")
    expect(wording).to_have_value(
        "I'm Priya from Manningham. The park path is pitch black, call me on [removed] or [removed], [removed].")
    check(page, html_checker, "redaction")
    page.get_by_label("Also remove these names or words").fill("Priya")
    page.get_by_role("button", name="Save public wording").click()
    expect(page.get_by_text("Public wording saved.")).to_be_visible()
    with app.app_context():
        public = db.session.get(Submission, data["redact_id"]).public_text
    assert public == "I'm [removed] from Manningham. The park path is pitch black, call me on [removed] or [removed], [removed]."

    # One response for three submissions.
    page.goto("/moderate/queue?theme=sharing-spaces-and-places")
    for reference in data["answer"]:
        page.get_by_label(f"Select {reference}").check()
    page.get_by_role("button", name="Answer selected").click()
    page.wait_for_url("**/moderate/responses/*")
    expect(page.get_by_role("heading", name="Draft answer")).to_be_visible()
    page.get_by_role("textbox", name="You said").fill("The path through the park is too dark to walk home safely.")
    page.get_by_role("textbox", name="We did").fill("We will put solar lights along the main path before the clocks go back.")
    page.get_by_role("radio", name="Not taken forward").check()
    page.get_by_label("Service or role responsible").fill("Parks and Green Spaces")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason it was not taken forward")
    check(page, html_checker, "response form with an error")
    page.get_by_role("radio", name="Planned").check()
    page.get_by_label("Summary for young people (optional)").fill("Lights are coming to the park path before winter.")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("2 people will be emailed")).to_be_visible()
    with app.app_context():
        response_id = db.session.scalar(select(Response.id).where(Response.state == "published"))
    assert response_id

    # The public answer, and each submitter's track page.
    page.goto(f"/you-said-we-did/{response_id}")
    expect(page.locator("main")).to_contain_text("This answers 3 pieces of feedback. 1 of them came from a young person.")
    check(page, html_checker, "public answer")
    for reference in data["answer"]:
        page.goto(f"/track/{reference}")
        expect(page.locator("main")).to_contain_text("Answered")
        expect(page.locator(f'main a[href="/you-said-we-did/{response_id}"]')).to_be_visible()

    # Exactly one email per submitter who left an address; sent once.
    with app.app_context():
        messages = db.session.execute(select(OutboxMessage.to_address, func.count()).group_by(OutboxMessage.to_address)).all()
    assert sorted(messages) == [("priya@example.com", 1), ("yp@example.com", 1)]
    runner = app.test_cli_runner()
    assert "Sent 2 messages." in runner.invoke(args=["outbox", "send"]).output
    assert "Sent 0 messages." in runner.invoke(args=["outbox", "send"]).output
    assert len([name for name in os.listdir(outbox) if name.endswith(".eml")]) == 2
    shutil.rmtree(outbox, ignore_errors=True)


def test_staff_and_public_screens_pass_the_checks(app, page, html_checker, make_staff):
    """The other screens, filled: safeguarding queue, audit log, responses list, public pages."""
    from portal.responses.terms import term_for
    from tests.support.factories import make_published_response

    with app.app_context():
        flagged = make_submission("He hits me when I get home", audience="young_person", safeguarding_state="open")
        answered = [make_submission("Lights please", public_text="Lights please [removed]"),
                    make_submission("Lamps", audience="young_person")]
        response = make_published_response(answered, young_people_summary="Lights soon.", status="not_taken_forward",
                                           reason="It would cost too much.")
        response_id, flagged_id = response.id, flagged.id
    admin = make_staff("admin")
    browser_sign_in(app, page, admin)
    term = term_for(datetime.now(UTC).date())
    for path in ("/moderate", "/moderate/safeguarding", f"/moderate/safeguarding/{flagged_id}", "/moderate/audit",
                 "/moderate/responses", f"/moderate/responses/{response_id}", "/moderate/queue?status=all",
                 "/you-said-we-did", f"/you-said-we-did/{response_id}", f"/you-said-we-did/{term.slug}"):
        page.goto(path)
        check(page, html_checker, path)
    # Nothing was published before this term, so there is no earlier report to visit.
    assert page.request.get(f"/you-said-we-did/{term.previous.slug}").status == 404
    # The termly report prints on A4 with the portal's name, and nothing to click.
    page.goto(f"/you-said-we-did/{term.slug}")
    page.emulate_media(media="print")
    assert page.locator(".govuk-service-navigation__wrapper, .govuk-pagination").evaluate_all(
        "els => els.every(el => getComputedStyle(el).display === 'none')")
    expect(page.get_by_text("Your Place — Bradford District").first).to_be_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")

    page.goto(f"/moderate/safeguarding/{flagged_id}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what was done")
    check(page, html_checker, "safeguarding outcome with an error")
    page.get_by_label("Escalated to the Front Door / MASH").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded for")).to_be_visible()
