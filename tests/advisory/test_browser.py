"""The People's Advisory Group in headless Chromium at phone size, with JavaScript on and
off: applying through every question, a moderator shortlisting and offering a seat, the
applicant accepting through the emailed link and the public seat count going up; a full
area saying "waiting list" before and after sending; a member leaving and the seat going
to the first on the waiting list; accepting an offer by keyboard alone.

Every public page in each state a person sees it in, and every staff page, is checked at
320 CSS px with axe-core, the Nu Html Checker and for sideways scrolling. The checks of
one test are all run and reported together, so one run lists every defect.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal.advisory.models import EQUALITIES_FORUM
from portal.timeutil import uk_today
from tests.support.advisory_browser import (
    Checks,
    another_device,
    application_by_reference,
    apply_through_the_pages,
    arrive,
    emails_to,
    fill_pool,
    go_on,
    heading,
    invite,
    link_in,
    make_application,
    make_link,
    make_meeting,
    offer_link,
    seats_cell,
    stage_of,
    visit_link_problem,
)
from tests.support.keyboard import assert_focus_visible, tab_to
from tests.support.staff import browser_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def checks(html_checker):
    made: list[Checks] = []

    def make(label: str) -> Checks:
        made.append(Checks(html_checker, label))
        return made[-1]

    yield make
    # A journey that broke part way still reports the page checks that failed before it.
    left = [failure for c in made for failure in c.failures]
    assert not left, f"{len(left)} page check(s) failed:\n\n" + "\n\n".join(left)


def javascript_on(request) -> bool:
    return request.node.callspec.params["any_page"]


# ---- 1. apply → shortlisted → offered → accepted through the emailed link ------------


def test_apply_then_a_moderator_offers_a_seat_and_the_emailed_link_accepts_it(
        app, any_page, checks, chromium, live_server, make_staff, request):
    page = any_page
    check = checks("apply to accept")
    main = page.locator("main")
    fill_pool(app, "shipley", count=2)

    page.goto("/advisory-group")
    expect(seats_cell(page, "Shipley")).to_have_text("2 of 5 filled")
    expect(main).not_to_contain_text("The next meeting is on")
    check(page, "every area open, no meeting booked")

    reference = apply_through_the_pages(page, check, name="Amira Khan", email="amira@example.org", errors=True)
    expect(main).to_contain_text("A person at the council will read your application.")
    expect(page.locator("#help-now")).to_have_count(0)
    check(page, "confirmation")
    page.get_by_role("link", name=f"track {reference}").click()
    arrive(page, f"/track/{reference}", "Received")
    check(page, "track page, received")
    applied = application_by_reference(app, reference)
    assert (applied.stage, applied.seat_pool, applied.email) == ("submitted", "shipley", "amira@example.org")

    # A moderator, on their own device, shortlists the application and offers a seat.
    with another_device(chromium, live_server, javascript_on(request)) as staff_page:
        browser_sign_in(app, staff_page, make_staff("moderator"))
        staff_page.goto("/moderate/advisory-group")
        heading(staff_page, "People’s Advisory Group")
        check(staff_page, "staff index")
        staff_page.goto(f"/moderate/advisory-group/applications/{applied.id}")
        stage = staff_page.locator("#application-stage")
        expect(stage).to_have_text("Received")
        expect(staff_page.locator("#application-answers")).to_contain_text("I volunteer at the library in Saltaire.")
        check(staff_page, "staff application, received")
        go_on(staff_page, "Shortlist")
        expect(stage).to_have_text("Being considered")
        expect(staff_page.locator(".govuk-notification-banner")).to_contain_text(
            f"{reference} is now “Being considered”.")
        check(staff_page, "staff application, shortlisted")
        go_on(staff_page, "Offer a seat")
        expect(stage).to_contain_text("Offered a place")
        expect(staff_page.locator("#offer-expires")).to_be_visible()
        check(staff_page, "staff application, offered")

    page.goto("/advisory-group")
    expect(seats_cell(page, "Shipley")).to_contain_text("2 of 5 filled")  # an offer is not a member
    expect(seats_cell(page, "Shipley")).to_contain_text("1 more seat offered")
    page.goto(f"/track/{reference}")
    heading(page, "Offered a place")
    check(page, "track page, offered")

    # The applicant, signed out, opens the link in the email and accepts.
    assert [m.subject for m in emails_to(app, "amira@example.org")] == [
        f"We have your application {reference}", "Your application to the People’s Advisory Group",
        "You are offered a place on the People’s Advisory Group"]
    page.goto(offer_link(app, "amira@example.org"))
    heading(page, "Your offer of a seat")
    expect(main).to_contain_text("Hello Amira Khan. We would like to offer you a seat on the People’s Advisory "
                                 "Group for Shipley.")
    check(page, "offer")
    go_on(page, "Accept the seat")
    heading(page, "Welcome to the group")
    expect(main).to_contain_text("You are a member of the People’s Advisory Group for Shipley")
    check(page, "offer accepted")

    page.goto(f"/track/{reference}")
    heading(page, "Member")
    expect(main).to_contain_text("You are a member of the group.")
    check(page, "track page, member")
    page.goto("/advisory-group")
    expect(seats_cell(page, "Shipley")).to_have_text("3 of 5 filled")
    assert stage_of(app, applied.id) == "member"
    assert emails_to(app, "amira@example.org")[-1].subject == "Welcome to the People’s Advisory Group"
    assert len(check.checked) >= 30
    check.assert_clean()


# ---- 2. a full area: the waiting list, said before sending and after ------------------


def test_a_full_area_says_waiting_list_before_sending_and_after(app, any_page, checks):
    page = any_page
    check = checks("full area")
    fill_pool(app, "shipley")

    page.goto("/advisory-group")
    expect(seats_cell(page, "Shipley")).to_have_text("5 of 5 filled")
    shipley = page.locator("table tbody tr").filter(has=page.get_by_role("rowheader", name="Shipley", exact=True))
    expect(shipley).to_contain_text("Waiting list")
    expect(seats_cell(page, "Keighley")).to_have_text("0 of 5 filled")
    check(page, "Shipley full, the others open, no meeting booked")

    reference = apply_through_the_pages(page, check, name="Sam Ward", email="sam@example.org", full=True,
                                        answer_questions=True)
    main = page.locator("main")
    expect(main).to_contain_text("All the seats for Shipley are filled, so you are on its waiting list.")
    check(page, "confirmation, on the waiting list")

    page.get_by_role("link", name=f"track {reference}").click()
    arrive(page, f"/track/{reference}", "On the waiting list")
    expect(main).to_contain_text("All the seats for Shipley are filled, so you are on its waiting list.")
    check(page, "track page, waiting list")

    applied = application_by_reference(app, reference)
    assert (applied.stage, applied.seat_pool, applied.name) == ("waiting_list", "shipley", "Sam Ward")
    assert applied.waiting_since is not None
    [received] = emails_to(app, "sam@example.org")
    assert "so you are on its waiting list" in received.body
    page.goto("/advisory-group")
    expect(seats_cell(page, "Shipley")).to_have_text("5 of 5 filled")  # waiting takes no seat
    check.assert_clean()


# ---- 3. a member leaves: the seat goes to the first on the waiting list ---------------


def test_a_member_leaving_offers_the_seat_to_the_first_on_the_waiting_list(app, any_page, checks, make_staff):
    page = any_page
    check = checks("a member leaves")
    members = fill_pool(app, "bradford-west")
    now = datetime.now(UTC)
    # Applied first but waiting since later: the list goes by waiting_since, not by id.
    later = make_application(app, "bradford-west", "waiting_list", name="Lee Later", email="lee@example.org",
                             created_at=now - timedelta(days=40), waiting_since=now - timedelta(days=3))
    first = make_application(app, "bradford-west", "waiting_list", name="Farah First", email="farah@example.org",
                             created_at=now - timedelta(days=20), waiting_since=now - timedelta(days=9))
    pool = "/moderate/advisory-group/pools/bradford-west"
    browser_sign_in(app, page, make_staff("moderator"))

    page.goto(pool)
    heading(page, "Seats for Bradford West")
    expect(page.locator("#pool-open")).to_have_text("0")
    expect(page.locator("#pool-waiting li")).to_have_text([re.compile("Farah First"), re.compile("Lee Later")])
    expect(page.locator("#next-up")).to_have_count(0)
    check(page, "staff pool, full, two waiting")

    leaving = members[0]
    page.goto(f"/moderate/advisory-group/applications/{leaving.id}")
    expect(page.locator("#application-stage")).to_have_text("Member")
    check(page, "staff application, member")
    go_on(page, "Record that they have left the group")
    expect(page.locator("#application-stage")).to_have_text("Left the group")
    check(page, "staff application, left")

    page.goto(pool)
    expect(page.locator("#pool-open")).to_have_text("1")
    expect(page.locator("#next-up")).to_contain_text("Farah First")
    offer = page.get_by_role("button", name="Offer the seat to Farah First")
    expect(offer).to_be_visible()
    expect(page.get_by_role("button", name="Offer the seat to Lee Later")).to_have_count(0)
    check(page, "staff pool, a seat open")
    offer.click()
    page.wait_for_url(re.compile(re.escape(pool) + "$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{first.reference} is now “Offered a place”.")
    expect(page.locator("#pool-offers")).to_contain_text("Farah First")
    expect(page.locator("#pool-open")).to_have_text("0")
    expect(page.locator("#next-up")).to_have_count(0)
    expect(page.locator("#pool-waiting li")).to_have_text([re.compile("Lee Later")])
    check(page, "staff pool, the seat offered")

    assert (stage_of(app, leaving.id), stage_of(app, first.id), stage_of(app, later.id)) == (
        "left", "offered", "waiting_list")
    assert offer_link(app, "farah@example.org").startswith("/advisory-group/offer/")
    assert emails_to(app, "lee@example.org") == []
    assert emails_to(app, leaving.email)[-1].subject == "Thank you for being a member of the People’s Advisory Group"
    check.assert_clean()


# ---- 4. every public page and state --------------------------------------------------


def test_every_public_page_and_state_passes_the_checks(app, any_page, checks, request):
    """The question pages (empty and with their errors), check answers with and without the
    waiting-list box, the questions about you and the confirmation are checked, both ways,
    on the journeys above; this walks the rest."""
    page = any_page
    check = checks("public pages")
    main = page.locator("main")
    fill_pool(app, "bradford-east")
    make_meeting(app, days_from_today=30, place="Keighley Civic Centre")

    page.goto("/advisory-group")
    expect(seats_cell(page, "Bradford East")).to_have_text("5 of 5 filled")
    expect(main).to_contain_text("The next meeting is on")
    expect(main).to_contain_text("at Keighley Civic Centre.")
    check(page, "one area full, the next meeting booked")

    page.goto("/advisory-group/apply/age")
    page.get_by_label("Under 16", exact=True).check()
    go_on(page)
    arrive(page, "/advisory-group/apply/too-young", "You need to be 16 or over to join")
    check(page, "too young")

    # The track page in each stage.
    labels = {"submitted": "Received", "shortlisted": "Being considered", "offered": "Offered a place",
              "member": "Member", "waiting_list": "On the waiting list", "declined": "Declined the offer",
              "withdrawn": "Withdrawn", "not_selected": "Not selected", "left": "Left the group"}
    people = {stage: make_application(app, "keighley", stage, name=f"Keighley {stage}",
                                      email=f"{stage}@example.org") for stage in labels}
    for stage, label in labels.items():
        page.goto(f"/track/{people[stage].reference}")
        heading(page, label)
        check(page, f"track page, {stage}")

    # The offer: its page, declined, and the link's problems.
    offered = people["offered"]
    offer_path = f"/advisory-group/offer/{make_link(app, offered.id, 'offer')}"
    page.goto(offer_path)
    heading(page, "Your offer of a seat")
    expect(main).to_contain_text(f"Hello {offered.name}.")
    expect(main).to_contain_text("The next meeting is on")
    check(page, "offer")
    go_on(page, "Decline the seat")
    heading(page, "You have declined the seat")
    check(page, "offer declined")
    assert stage_of(app, offered.id) == "declined"
    visit_link_problem(page, offer_path, 410)  # the same link again
    heading(page, "This link has already been used")
    check(page, "link problem: used")
    visit_link_problem(page, "/advisory-group/offer/not-a-real-token", 404)
    heading(page, "This link does not work")
    check(page, "link problem: forged")
    visit_link_problem(page, f"/advisory-group/offer/{make_link(app, people['shortlisted'].id, 'offer', expired=True)}",
                       410)
    heading(page, "This link has expired")
    expect(main).to_contain_text("Offers last 14 days, and this one has ended.")
    check(page, "link problem: expired offer")
    visit_link_problem(page, f"/advisory-group/offer/{make_link(app, people['member'].id, 'offer')}", 410)
    heading(page, "This link no longer applies")
    check(page, "link problem: no longer applies")

    # A member's declaration, and a focus group invitation.
    member = people["member"]
    page.goto(f"/advisory-group/declaration/{make_link(app, member.id, 'declaration')}")
    heading(page, "Check your declaration of interests")
    check(page, "declaration")
    page.get_by_label("Your interests").fill("I am a trustee of a youth charity in Keighley.")
    go_on(page, "Save my declaration")
    heading(page, "Declaration saved")
    check(page, "declaration saved")

    invite(app, [member.id])
    page.goto(link_in(emails_to(app, member.email)[-1].body, "/advisory-group/invitation/"))
    heading(page, "Linking up schools: a focus group")
    check(page, "invitation")
    go_on(page, "Yes, I can come")
    heading(page, "Thank you for your reply")
    expect(main).to_contain_text("We have you down as coming to Linking up schools: a focus group on")
    check(page, "invitation answered")
    assert len(check.checked) >= 21
    check.assert_clean()


# ---- 4. every staff page -------------------------------------------------------------


def test_every_staff_page_passes_the_checks(app, page, checks, make_staff):
    """With JavaScript only: the staff index and the application and pool pages are checked
    both ways on the journeys above, and these pages have no markup of their own that
    changes with JavaScript (htmx boosts navigation; the forms are plain forms)."""
    check = checks("staff pages")
    now = datetime.now(UTC)
    members = fill_pool(app, "keighley", count=4)
    make_application(app, "keighley", "member", name="Kim Old Declaration", email="kim@example.org",
                     declared_on=uk_today() - timedelta(days=400), term_end=uk_today() + timedelta(days=30))
    fill_pool(app, "bradford-south", count=3)
    hopeful = [make_application(app, "bradford-south", "submitted", name=f"Hopeful {i}", email=f"hope{i}@example.org")
               for i in range(1, 4)]
    waiting = make_application(app, "bradford-south", "waiting_list", name="Wendy Waiting", email="wendy@example.org",
                               waiting_since=now - timedelta(days=5))
    expired = make_application(app, "shipley", "offered", name="Ed Expired", email="ed@example.org",
                               offer_expires_at=now - timedelta(days=1))
    declined = make_application(app, EQUALITIES_FORUM, "declined", name="Dee Declined", email="dee@example.org")
    browser_sign_in(app, page, make_staff("moderator"))

    page.goto("/moderate/advisory-group")
    heading(page, "People’s Advisory Group")
    check(page, "index, every stage")
    page.goto("/moderate/advisory-group?pool=bradford-south&stage=submitted")
    expect(page.locator("main")).to_contain_text("Hopeful 1")
    check(page, "index, filtered")
    for person, state in ((hopeful[0], "received"), (waiting, "waiting list"), (expired, "offer expired"),
                          (declined, "declined: nothing more to do")):
        page.goto(f"/moderate/advisory-group/applications/{person.id}")
        heading(page, person.reference)
        check(page, f"application, {state}")

    page.goto("/moderate/advisory-group/pools/bradford-south")
    expect(page.locator("#next-up")).to_contain_text("Wendy Waiting")
    check(page, "pool with a waiting list and the draw form")
    page.get_by_label("Sex", exact=True).check()
    go_on(page, "Hold the draw")
    page.wait_for_url(re.compile(r"/moderate/advisory-group/draws/\d+$"))
    heading(page, "Fair draw for Bradford South")
    check(page, "a draw, just held")
    go_on(page, "Run this draw again to check it")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("picked the same people in the same order")
    check(page, "a draw, checked")
    page.goto("/moderate/advisory-group/pools/bradford-south")
    expect(page.locator("#pool-draws")).to_be_visible()
    check(page, "pool after a draw")

    page.goto("/moderate/advisory-group/members")
    heading(page, "Members")
    check(page, "members, a term ending and a declaration due")
    go_on(page, "Email a link to refresh their declaration")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 email was queued.")
    check(page, "members, declaration links sent")

    page.goto("/moderate/advisory-group/meetings")
    heading(page, "Quarterly meetings")
    check(page, "meetings, none")
    go_on(page, "Add the meeting")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting")
    check(page, "meetings, sent empty")
    day = uk_today() + timedelta(days=40)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Where it is").fill("Keighley Civic Centre")
    go_on(page, "Add the meeting")
    page.wait_for_url(re.compile(r"/moderate/advisory-group/meetings/\d+$"))
    check(page, "a meeting, just added")
    go_on(page, "Save attendance")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Attendance saved")
    check(page, "a meeting, attendance saved")
    page.goto("/moderate/advisory-group/meetings")
    check(page, "meetings, one to come")

    page.goto("/moderate/advisory-group/invitations")
    heading(page, "Focus group invitations")
    check(page, "invitations, none")
    go_on(page, "Send the invitation")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the title of the focus group")
    check(page, "invitations, sent empty")
    page.get_by_label("Title").fill("Safer parks: what would help?")
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Where it is").fill("Keighley Library")
    page.get_by_label("Invite the members for").select_option("keighley")
    go_on(page, "Send the invitation")
    page.wait_for_url(re.compile(r"/moderate/advisory-group/invitations/\d+$"))
    heading(page, "Safer parks: what would help?")
    check(page, "an invitation, just sent")
    # The hidden part of the name is its own box, so Chromium reads "Coming : name".
    page.get_by_role("button", name=re.compile(rf"^Coming ?: {re.escape(members[1].name)}$")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Reply saved: {members[1].name} is coming.")
    check(page, "an invitation, a reply recorded")
    page.goto("/moderate/advisory-group/invitations")
    check(page, "invitations, one sent")
    assert len(check.checked) >= 22
    check.assert_clean()


# ---- the accept button by keyboard alone ---------------------------------------------


def test_accepting_an_offer_by_keyboard_alone(app, any_page):
    page = any_page
    offered = make_application(app, "bradford-south", "offered", name="Kai Moss", email="kai@example.org")
    page.goto(f"/advisory-group/offer/{make_link(app, offered.id, 'offer')}")
    accept = page.get_by_role("button", name="Accept the seat")
    tab_to(page, accept)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    heading(page, "Welcome to the group")
    assert stage_of(app, offered.id) == "member"
