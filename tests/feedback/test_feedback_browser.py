"""Both journeys end to end in headless Chromium at phone size, with JavaScript on and off.

Every page, in every state it is seen in (empty, with errors, filled in), is checked
with axe-core, the Nu Html Checker and for sideways scrolling at 320px.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support import assert_focus_visible, assert_no_axe_violations, assert_no_horizontal_scroll, tab_to
from tests.support.journeys import REFERENCE_SHOWN, stored

pytestmark = pytest.mark.browser


class Journey:
    """Checks each state of each page as the person sees it."""

    def __init__(self, page: Page, html_checker, label: str):
        self.page = page
        self.html_checker = html_checker
        self.label = label
        self.checked: list[str] = []

    def check(self, state: str) -> None:
        where = f"{self.label}: {self.page.url} ({state})"
        assert_no_axe_violations(self.page, where)
        self.html_checker.assert_valid(self.page.content(), where)
        assert_no_horizontal_scroll(self.page, where)
        self.checked.append(where)

    def heading(self, text: str) -> None:
        expect(self.page.locator("main h1")).to_have_text(re.compile(re.escape(text)))

    def go_on(self, button: str = "Continue") -> None:
        self.page.get_by_role("button", name=button, exact=True).click()

    def arrive(self, url_end: str, heading: str) -> None:
        self.page.wait_for_url(re.compile(re.escape(url_end) + r"(\?.*)?$"))
        self.heading(heading)

    def error(self, message: str) -> None:
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(message)
        expect(self.page).to_have_title(re.compile("^Error: "))
        self.check("error")


def choose(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()


def track_by_typing(journey: Journey, reference: str) -> None:
    page = journey.page
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # JavaScript on, at phone size, the navigation folds away
        menu.click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Track your feedback").click()
    journey.arrive("/track", "What is your reference number?")
    journey.check("empty")
    journey.go_on("Find my feedback")
    journey.error("Enter your reference number")
    typed = reference.lower().replace("-", " ")  # "bd 7k3q 94md"
    page.get_by_label("What is your reference number?").fill(typed)
    journey.check("filled")
    journey.go_on("Find my feedback")
    page.wait_for_url(f"**/track/{reference}")
    journey.heading("Received")
    expect(page.locator("main")).to_contain_text(reference)
    journey.check("status")


def test_resident_journey_with_changes_equality_answered_and_tracking(app, any_page, html_checker):
    page = any_page
    journey = Journey(page, html_checker, "resident")

    page.goto("/tell-us")
    journey.heading("Tell us what you think")
    journey.check("start")
    page.get_by_role("button", name="Start now").click()

    journey.arrive("/tell-us/about", "What is your feedback about?")
    journey.check("empty")
    journey.go_on()
    journey.error("Select what your feedback is about")
    choose(page, "Hope for the Future")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/tell-us/where", "Which area is it about?")
    journey.check("empty")
    choose(page, "Keighley")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/tell-us/message", "What do you want to tell us?")
    journey.check("empty")
    journey.go_on()
    journey.error("Enter what you want to tell us")
    message = "The park in Keighley needs lights.\nIt is too dark to walk home after the youth club & the café closes."
    page.get_by_label("What do you want to tell us?").fill(message)
    journey.check("filled")
    journey.go_on()

    journey.arrive("/tell-us/reply", "Do you want us to email you when we answer?")
    journey.check("empty")
    page.get_by_label("Email address (optional)").fill("not an email")
    journey.go_on()
    journey.error("Enter an email address in the correct format")
    page.get_by_label("Email address (optional)").fill("resident@example.com")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/tell-us/check-your-answers", "Check your answers before sending")
    journey.check("filled")
    page.get_by_role("link", name="Change what it is about").click()
    journey.arrive("/tell-us/about", "What is your feedback about?")
    expect(page.get_by_label("Hope for the Future", exact=True)).to_be_checked()
    journey.check("change")
    choose(page, "Sharing Spaces and Places")
    journey.go_on()
    journey.arrive("/tell-us/check-your-answers", "Check your answers before sending")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Sharing Spaces and Places")
    expect(summary).to_contain_text("Keighley")
    expect(summary).to_contain_text("the café closes")
    expect(summary).to_contain_text("resident@example.com")
    journey.go_on("Send feedback")

    journey.arrive("/tell-us/equality", "Questions about you (optional)")
    reference = REFERENCE_SHOWN.search(page.locator(".govuk-notification-banner").inner_text()).group(0)
    journey.check("offer")
    journey.go_on("Answer the questions")

    answers = [
        ("age", "What is your age?", "35 to 44"),
        ("disability", "Do you have a health condition or illness", "No, or it does not limit what I can do"),
        ("sex", "What is your sex?", "Female"),
        ("gender-identity", "Is the gender you identify with", "Yes"),
        ("ethnic-group", "What is your ethnic group?", "Asian or Asian British"),
        ("ethnic-background", "Which of these best describes your Asian or Asian British background?", "Any other Asian background"),
        ("religion", "What is your religion", "Muslim"),
        ("pregnancy", "Are you pregnant", "Prefer not to say"),
        ("sexual-orientation", "Which of these best describes your sexual orientation?", "Prefer not to say"),
        ("marriage", "Are you married or in a civil partnership?", "Married"),
        ("low-income", "Is your household on a low income?", "No"),
    ]
    for number, (slug, question, answer) in enumerate(answers, start=1):
        journey.arrive(f"/tell-us/equality/{slug}", question)
        expect(page.locator(".govuk-caption-l")).to_have_text(f"Question {number} of {len(answers)} (optional)")
        journey.check("empty")
        if number == 1:
            journey.go_on()
            journey.error("Select an answer, or select ‘Prefer not to say’")
        choose(page, answer)
        if slug == "ethnic-background":
            other = page.get_by_label("Describe your background (optional)")
            expect(other).to_be_visible()
            other.fill("Kashmiri")
        journey.check("filled")
        journey.go_on()

    journey.arrive("/tell-us/confirmation", "Feedback sent")
    expect(page.locator(".govuk-panel .yp-reference")).to_have_text(reference)
    expect(page.locator("main")).to_contain_text("Thank you for answering the questions about you")
    journey.check("confirmation")

    track_by_typing(journey, reference)

    submission = stored(app, reference)
    # Stored as the browser sent it: a plain form post sends CRLF line breaks, htmx sends LF.
    assert submission.body in (message, message.replace("\n", "\r\n"))
    assert submission.theme.slug == "sharing-spaces-and-places" and submission.email == "resident@example.com"
    assert len(journey.checked) >= 40


def test_young_person_journey_with_skipping_and_tracking(app, any_page, html_checker):
    page = any_page
    journey = Journey(page, html_checker, "young person")

    page.goto("/young-people")
    journey.heading("Young people: have your say")
    journey.check("space")
    page.get_by_role("button", name="Tell us what you think").click()
    journey.arrive("/young-people/tell-us", "Tell us what you think")
    journey.check("start")
    page.get_by_role("button", name="Start").click()

    journey.arrive("/young-people/tell-us/age", "How old are you?")
    journey.check("empty")
    journey.go_on()
    journey.error("Choose how old you are")
    choose(page, "13 to 15")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/young-people/tell-us/care", "Are you in care, or have you been in care? (optional)")
    journey.check("empty")
    journey.go_on()  # skipped, as easily as answering

    journey.arrive("/young-people/tell-us/about", "What do you want to tell us about?")
    journey.check("empty")
    choose(page, "Linking Up Schools")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/young-people/tell-us/where", "Which part of Bradford District is it about?")
    choose(page, "Prefer not to say")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/young-people/tell-us/message", "What do you want to tell us?")
    page.get_by_label("What do you want to tell us?").fill("x" * 2001)
    journey.go_on()
    journey.error("Your message is too long")
    page.get_by_label("What do you want to tell us?").fill("We should do art with the school in Shipley again!")
    journey.check("filled")
    journey.go_on()

    journey.arrive("/young-people/tell-us/reply", "Do you want us to email you when we have an answer?")
    journey.check("empty")
    journey.go_on()

    journey.arrive("/young-people/tell-us/check-your-answers", "Check what you are sending")
    journey.check("filled")
    page.get_by_role("link", name="Change where").click()
    journey.arrive("/young-people/tell-us/where", "Which part of Bradford District is it about?")
    choose(page, "Shipley")
    journey.go_on()
    journey.arrive("/young-people/tell-us/check-your-answers", "Check what you are sending")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Shipley")
    expect(summary).to_contain_text("13 to 15")
    expect(summary).to_contain_text("art with the school")
    journey.go_on("Send")

    journey.arrive("/young-people/tell-us/equality", "A few questions about you (optional)")
    journey.check("offer")
    journey.go_on("Skip the questions")

    journey.arrive("/young-people/tell-us/confirmation", "Thank you. We got your message")
    reference = page.locator(".govuk-panel .yp-reference").inner_text().strip()
    journey.check("confirmation")

    track_by_typing(journey, reference)
    submission = stored(app, reference)
    assert (submission.audience, submission.age_band, submission.care_experienced) == ("young_person", "13_15", None)


def test_under_13_with_a_worry_gets_help_and_is_never_asked_for_contact(app, any_page, html_checker):
    page = any_page
    journey = Journey(page, html_checker, "under 13")
    page.goto("/young-people/tell-us/age")
    choose(page, "Under 13")
    journey.go_on()
    journey.arrive("/young-people/tell-us/care", "Are you in care")
    choose(page, "Yes")
    journey.go_on()
    journey.arrive("/young-people/tell-us/about", "What do you want to tell us about?")
    choose(page, "Something else")
    journey.go_on()
    journey.arrive("/young-people/tell-us/where", "Which part")
    choose(page, "Bradford South")
    journey.go_on()
    journey.arrive("/young-people/tell-us/message", "What do you want to tell us?")
    page.get_by_label("What do you want to tell us?").fill("My mum's boyfriend hits me when she is at work")
    journey.go_on()
    journey.arrive("/young-people/tell-us/check-your-answers", "Check what you are sending")
    expect(page.locator(".govuk-summary-list")).not_to_contain_text("Email")
    journey.go_on("Send")
    journey.arrive("/young-people/tell-us/confirmation", "Thank you. We got your message")
    help_box = page.locator("#help-now")
    expect(help_box).to_contain_text("Childline")
    expect(help_box.get_by_role("link", name="0800 1111")).to_have_attribute("href", "tel:08001111")
    journey.check("confirmation with help")
    submission = stored(app, page.locator(".govuk-panel .yp-reference").inner_text().strip())
    assert submission.safeguarding_state == "open" and submission.email is None


def test_a_mistyped_reference_gets_a_helpful_page(any_page, html_checker):
    page = any_page
    journey = Journey(page, html_checker, "track")
    page.goto("/track")
    page.get_by_label("What is your reference number?").fill("bd 2345 678a")
    journey.go_on("Find my feedback")
    journey.heading("We could not find that reference")
    page.console_errors.clear()  # the browser logs the expected 404
    journey.check("not found")
    expect(page.get_by_label("Reference number")).to_have_value("bd 2345 678a")


def test_the_resident_journey_by_keyboard_alone(app, page, html_checker):
    page.goto("/tell-us")

    def press(locator, key="Enter"):
        tab_to(page, locator)
        assert_focus_visible(page)
        page.keyboard.press(key)

    press(page.get_by_role("button", name="Start now"))
    page.wait_for_url("**/tell-us/about")
    press(page.get_by_label("Employment Opportunities", exact=True), "Space")
    press(page.get_by_role("button", name="Continue"))
    page.wait_for_url("**/tell-us/where")
    press(page.get_by_label("Bradford East", exact=True), "Space")
    press(page.get_by_role("button", name="Continue"))
    page.wait_for_url("**/tell-us/message")
    tab_to(page, page.get_by_label("What do you want to tell us?"))
    page.keyboard.type("Typed with the keyboard only.")
    press(page.get_by_role("button", name="Continue"))
    page.wait_for_url("**/tell-us/reply")
    press(page.get_by_role("button", name="Continue"))
    page.wait_for_url("**/tell-us/check-your-answers")
    press(page.get_by_role("button", name="Send feedback"))
    page.wait_for_url("**/tell-us/equality")
    press(page.get_by_role("button", name="Skip the questions"))
    page.wait_for_url("**/tell-us/confirmation")
    reference = page.locator(".govuk-panel .yp-reference").inner_text().strip()
    assert stored(app, reference).body == "Typed with the keyboard only."


def test_skip_the_rest_part_way_through_the_equality_questions(app, any_page, html_checker):
    from tests.support.journeys import equality_rows

    page = any_page
    journey = Journey(page, html_checker, "skip the rest")
    page.goto("/tell-us/about")
    choose(page, "Linking Up Schools")
    journey.go_on()
    journey.arrive("/tell-us/where", "Which area is it about?")
    choose(page, "Somewhere else")
    journey.go_on()
    journey.arrive("/tell-us/message", "What do you want to tell us?")
    page.get_by_label("What do you want to tell us?").fill("Twin our school with one in Keighley")
    journey.go_on()
    journey.arrive("/tell-us/reply", "Do you want us to email you")
    journey.go_on()
    journey.arrive("/tell-us/check-your-answers", "Check your answers")
    journey.go_on("Send feedback")
    journey.arrive("/tell-us/equality", "Questions about you (optional)")
    journey.go_on("Answer the questions")
    journey.arrive("/tell-us/equality/age", "What is your age?")
    choose(page, "75 or over")
    journey.go_on()
    journey.arrive("/tell-us/equality/disability", "Do you have a health condition or illness")
    journey.go_on("Skip the rest of the questions")
    journey.arrive("/tell-us/confirmation", "Feedback sent")
    journey.check("confirmation")
    [row] = equality_rows(app)
    assert (row.age, row.disability, row.sex) == ("75_plus", None, None)
