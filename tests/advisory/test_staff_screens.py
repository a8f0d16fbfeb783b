"""The People's Advisory Group's staff screens, through the test client: who may open
them, moving an application from stage to stage (audited, emailed, and refused when
there is no seat), a pool's waiting list and fair draw, the draw explained and checked,
the group's make-up (small numbers hidden, nobody's own answers), the members' CSV,
meetings with attendance, and focus group invitations with their replies."""

import csv
import io
import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update

from portal.advisory import draw, services
from portal.advisory.models import Application, Attendance, Draw, Invitation, InvitationReply, Meeting
from portal.extensions import db
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from portal.timeutil import uk_today, utcnow
from tests.support.advisory import make_application
from tests.support.staff import csrf_token_from

BASE = "/moderate/advisory-group"
THEME = "sharing-spaces-and-places"


@pytest.fixture
def moderator(staff_client):
    client, _user = staff_client("moderator")
    return client


def main_text(response) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return page.select_one("main").get_text(" ", strip=True)


def post_form(client, url: str, data: dict | None = None):
    token = csrf_token_from(client.get("/moderate").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def follow(client, response):
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"])


def made(app, *args, **kwargs) -> int:
    with app.app_context():
        return make_application(*args, **kwargs).id


def stage_of(app, application_id: int) -> str:
    with app.app_context():
        return db.session.get(Application, application_id).stage


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_actions(app, application_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.subject_type == "application", AuditEvent.subject_id == str(application_id))
            .order_by(AuditEvent.id)))


def emails_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                       .order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def members_in(app, pool: str, n: int, **kwargs) -> list[int]:
    return [made(app, f"Member {pool} {i}", pool=pool, stage="member", email=f"m{i}.{pool}@example.com", **kwargs)
            for i in range(n)]


# ---- every screen, and who may open it -----------------------------------------------


def a_bit_of_everything(app) -> dict:
    """Members with equality answers, an offer, an expired offer, a waiting list with a
    flagged person on it, a draw, a meeting with attendance and an invitation."""
    with app.app_context():
        for i, sex in enumerate(["female", "male"]):
            make_application(f"Keighley member {i}", stage="member", equality={"sex": sex, "religion": "muslim"})
        make_application("Offered Person", stage="offered", email="offered@example.com")
        make_application("Expired Offer", stage="offered", offer_expires_at=utcnow() - timedelta(days=1))
        held = make_application("Held Waiting", stage="waiting_list", safeguarding_state="open")
        first = make_application("First Waiting", stage="waiting_list")
        make_application("Second Waiting", stage="waiting_list")
        make_application("New Applicant", pool="keighley")
        forum = make_application("Forum Member", pool="equalities-forum", stage="member",
                                 declared_on=uk_today() - timedelta(days=400), term_end=uk_today() + timedelta(days=30))
        picked = draw.hold_draw("keighley", "sex", None, seed="a-fixed-seed")
        meeting = services.add_meeting(uk_today() - timedelta(days=3), "City Hall", "Welcome\nIntroductions", None)
        services.record_attendance(meeting, {forum.id}, None)
        invitation = services.invite("Safer parks", "Lights and paths", uk_today() + timedelta(days=10), "Library",
                                     services.members(), None)
        return {"held": held.id, "first": first.id, "forum": forum.id, "draw": picked.id, "meeting": meeting.id,
                "invitation": invitation.id}


def screens(ids: dict) -> list[str]:
    return [BASE, f"{BASE}?pool=keighley&stage=waiting_list", f"{BASE}/applications/{ids['first']}",
            f"{BASE}/applications/{ids['held']}", f"{BASE}/applications/{ids['forum']}", f"{BASE}/pools/keighley",
            f"{BASE}/pools/equalities-forum", f"{BASE}/draws/{ids['draw']}", f"{BASE}/members", f"{BASE}/meetings",
            f"{BASE}/meetings/{ids['meeting']}", f"{BASE}/invitations", f"{BASE}/invitations/{ids['invitation']}",
            f"/moderate/items/{ids['first']}"]


def test_every_screen_opens_for_a_moderator_with_a_title_and_valid_html(app, client_request, make_staff):
    ids = a_bit_of_everything(app)
    client_request.sign_in(make_staff("moderator"))
    for url in screens(ids):
        client_request.get(url)
    # And with nothing in the group at all.
    with app.app_context():
        db.session.execute(update(Application).values(stage="withdrawn"))
        db.session.commit()
    for url in (BASE, f"{BASE}/pools/keighley", f"{BASE}/members", f"{BASE}/invitations"):
        client_request.get(url)


def test_facilitators_open_the_member_pages_only_and_others_are_turned_away(app, client, staff_client):
    ids = a_bit_of_everything(app)
    moderator_only = [url for url in screens(ids) if not url.startswith((f"{BASE}/members", f"{BASE}/meetings",
                                                                          f"{BASE}/invitations"))]
    member_pages = [f"{BASE}/members", f"{BASE}/members.csv", f"{BASE}/meetings", f"{BASE}/meetings/{ids['meeting']}",
                    f"{BASE}/invitations", f"{BASE}/invitations/{ids['invitation']}"]
    facilitator, _ = staff_client("facilitator")
    for url in moderator_only:
        assert facilitator.get(url).status_code == 403, url
    for url in member_pages:
        assert facilitator.get(url).status_code == 200, url
    # A facilitator sees the members, but no link to an application they may not open.
    assert f"{BASE}/applications/" not in facilitator.get(f"{BASE}/members").get_data(as_text=True)
    lead, _ = staff_client("safeguarding_lead")
    for url in [BASE, *member_pages]:
        assert lead.get(url).status_code == 403, url
    assert post_form(lead, f"{BASE}/applications/{ids['first']}/move", {"stage": "offered"}).status_code == 403
    assert stage_of(app, ids["first"]) == "waiting_list"
    for url in [BASE, f"{BASE}/members", f"{BASE}/members.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login"), url


def test_unknown_pools_applications_draws_and_invitations_are_not_found(app, moderator):
    for url in (f"{BASE}/pools/nowhere", f"{BASE}/pools/Keighley", f"{BASE}/applications/999999",
                f"{BASE}/draws/999999", f"{BASE}/meetings/999999", f"{BASE}/invitations/999999"):
        assert moderator.get(url).status_code == 404, url
    assert post_form(moderator, f"{BASE}/pools/nowhere/draw", {"characteristic": "sex"}).status_code == 404
    assert post_form(moderator, f"{BASE}/applications/999999/move", {"stage": "shortlisted"}).status_code == 404


# ---- the index: seats, applications, the group's make-up -----------------------------


def test_the_index_lists_seats_and_filters_applications_by_pool_and_stage(app, moderator):
    members_in(app, "keighley", 2)
    waiting = made(app, "Wendy Waiting", stage="waiting_list")
    new = made(app, "Nadia New", pool="shipley")
    page = BeautifulSoup(moderator.get(BASE).get_data(as_text=True), "html.parser")
    keighley = page.select_one("#seats-keighley").find_parent("tbody").get_text(" ", strip=True)
    assert "Keighley" in keighley and "5 2 0 3" in keighley and "Member: 2" in keighley
    assert "On the waiting list: 1" in keighley
    assert "All areas" in page.select_one("#filter-pool").get_text()

    filtered = main_text(moderator.get(f"{BASE}?pool=keighley&stage=waiting_list"))
    assert "Wendy Waiting" in filtered and "Nadia New" not in filtered and "1 application" in filtered
    # Unknown values are ignored: everything is listed.
    everything = moderator.get(f"{BASE}?pool=atlantis&stage=%3Cscript%3E")
    listed = BeautifulSoup(everything.get_data(as_text=True), "html.parser").select("#applications-list li")
    assert len(listed) == 4
    assert f"{BASE}/applications/{waiting}" in everything.get_data(as_text=True)
    assert f"{BASE}/applications/{new}" in everything.get_data(as_text=True)


def test_the_make_up_shows_counts_with_small_ones_hidden_and_nobodys_own_answers(app, moderator):
    answers = ([{"sex": "female"}] * 6 + [{"sex": "male"}] * 5 + [None] * 2)
    pools = ["bradford-east", "bradford-west", "bradford-south", "keighley", "shipley", "equalities-forum"]
    with app.app_context():
        for i, given in enumerate(answers):
            make_application(f"Member {i}", pool=pools[i % len(pools)], stage="member", equality=given)
        private = make_application("Priya Private", stage="member",
                                   equality={"sex": "female", "religion": "muslim", "ethnic_background": "asian_pakistani",
                                             "disability": "yes_a_lot"}).id
    page = BeautifulSoup(moderator.get(BASE).get_data(as_text=True), "html.parser")
    sex = {row.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in row.select("td")]
           for row in page.select("#make-up-sex tbody tr")}
    # 7 women, 5 men, 2 who did not say: the 2 is hidden, and so is the 5 (or 14 − 7 would give the 2 away).
    assert sex == {"Female": ["7", "51%"], "Male": ["not shown", "49%"],
                   "People who chose not to answer": ["fewer than 5", "no figure"]}
    religion = {row.th.get_text(strip=True): row.select("td")[0].get_text(" ", strip=True)
                for row in page.select("#make-up-religion tbody tr")}
    assert religion["Muslim"] == "fewer than 5"
    assert "District figures: Census 2021" in page.select_one("#make-up-sex").find_next("p").get_text()

    # Her own page has everything she told us except her equality answers.
    text = main_text(moderator.get(f"{BASE}/applications/{private}"))
    assert "Priya Private" in text and "youth football club" in text
    for answer in ("Muslim", "Pakistani", "Disabled", "Female", "muslim", "asian_pakistani", "yes_a_lot"):
        assert answer not in text


def test_hidden_small_counts_protect_each_other():
    from portal.advisory.staff import _hidden_small

    assert _hidden_small({"a": 6, "b": 6, "c": 0}) == ({"c"}, set())  # nobody to protect
    assert _hidden_small({"a": 12, "b": 6, "c": 2}) == ({"c"}, {"b"})
    assert _hidden_small({"a": 6, "b": 2, "c": 0}) == ({"b", "c"}, {"a"})  # 2 people: still small together
    assert _hidden_small({"a": 9, "b": 3, "c": 4}) == ({"b", "c"}, set())
    assert _hidden_small({"a": 9, "b": 7}) == (set(), set())


# ---- one application and its moves --------------------------------------------------


def test_moving_submitted_to_shortlisted_offered_and_member_is_audited_and_emailed(app, moderator):
    application_id = made(app, "Sam Submitted", email="sam@example.com", phone="07700 900123",
                          access_needs="A hearing loop, please", declaration="I am a school governor")
    page = moderator.get(f"{BASE}/applications/{application_id}")
    text = main_text(page)
    assert "sam@example.com" in text and "07700 900123" in text and "A hearing loop" in text
    assert "school governor" in text and "Received" in text
    buttons = [b.get_text(strip=True) for b in BeautifulSoup(page.get_data(as_text=True), "html.parser")
               .select("form button[name=stage]")]
    assert buttons == ["Shortlist", "Put on the waiting list", "Not selected", "Withdrawn"]

    url = f"{BASE}/applications/{application_id}/move"
    shown = main_text(follow(moderator, post_form(moderator, url, {"stage": "shortlisted", "note": "Strong answers"})))
    assert "is now “Being considered”" in shown and "Strong answers" in shown
    assert stage_of(app, application_id) == "shortlisted"
    shown = main_text(follow(moderator, post_form(moderator, url, {"stage": "offered"})))
    assert "is now “Offered a place”" in shown and "Offer expires" in shown
    shown = main_text(follow(moderator, post_form(moderator, url, {"stage": "member"})))
    assert "is now “Member”" in shown and "Term" in shown
    assert stage_of(app, application_id) == "member"
    assert audit_actions(app, application_id) == ["advisory.shortlisted", "advisory.offered", "advisory.member"]
    with app.app_context():
        mine = (AuditEvent.subject_type == "application", AuditEvent.subject_id == str(application_id))
        notes = list(db.session.scalars(select(AuditEvent.detail).where(*mine).order_by(AuditEvent.id)))
        actors = set(db.session.scalars(select(AuditEvent.actor_email).where(*mine)))
    assert notes[0] == "Strong answers" and all(actor and actor.startswith("moderator") for actor in actors)
    subjects = [message.subject for message in emails_to(app, "sam@example.com")]
    assert subjects == ["Your application to the People’s Advisory Group",
                        "You are offered a place on the People’s Advisory Group",
                        "Welcome to the People’s Advisory Group"]
    buttons = [b.get_text(strip=True) for b in BeautifulSoup(moderator.get(f"{BASE}/applications/{application_id}")
               .get_data(as_text=True), "html.parser").select("form button[name=stage]")]
    assert buttons == ["Record that they have left the group"]


def test_an_offer_when_the_pool_has_five_members_is_refused_and_changes_nothing(app, moderator):
    members_in(app, "keighley", 5)
    application_id = made(app, "Olu Hopeful", stage="shortlisted", email="olu@example.com")
    before = (count(app, AuditEvent), count(app, OutboxMessage))
    response = post_form(moderator, f"{BASE}/applications/{application_id}/move", {"stage": "offered"})
    assert response.headers["Location"].endswith(f"/applications/{application_id}")
    text = main_text(follow(moderator, response))
    assert ("There is no open seat for Keighley (the group has at most 5; outstanding offers count). "
            "Nothing changed.") in text
    assert stage_of(app, application_id) == "shortlisted"
    assert (count(app, AuditEvent), count(app, OutboxMessage)) == before


def test_moves_that_are_not_allowed_unknown_or_too_long_change_nothing(app, moderator):
    submitted = made(app, "Una Submitted")
    expired = made(app, "Eve Expired", stage="offered", offer_expires_at=utcnow() - timedelta(hours=1))
    held = made(app, "Hal Held", safeguarding_state="open")
    before = (count(app, AuditEvent), count(app, OutboxMessage))
    for application_id, stage, message in [
        (submitted, "member", "That is not possible from “Received”. Nothing changed."),
        (submitted, "bogus", "That is not possible from “Received”. Nothing changed."),
        (submitted, "", "That is not possible from “Received”. Nothing changed."),
        (expired, "member", "The offer has expired, so it cannot be accepted now: make a new offer. Nothing changed."),
        (held, "shortlisted", "It is flagged for safeguarding: its stage cannot be changed until the flag is cleared."),
    ]:
        text = main_text(follow(moderator, post_form(moderator, f"{BASE}/applications/{application_id}/move",
                                                     {"stage": stage})))
        assert message in text, (stage, text[:500])
    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/applications/{submitted}/move",
                                                 {"stage": "shortlisted", "note": "x" * 501})))
    assert "The note must be 500 characters or fewer. Nothing changed." in text
    assert [stage_of(app, i) for i in (submitted, expired, held)] == ["submitted", "offered", "submitted"]
    assert (count(app, AuditEvent), count(app, OutboxMessage)) == before

    # The held one says why, and offers no moves; the expired offer says how to offer again.
    page = moderator.get(f"{BASE}/applications/{held}")
    assert "Flagged for safeguarding" in main_text(page)
    assert not BeautifulSoup(page.get_data(as_text=True), "html.parser").select("button[name=stage]")
    assert "youth football club" not in main_text(page)  # its words are for the safeguarding lead
    assert "put them on the waiting list, then offer a seat" in main_text(moderator.get(f"{BASE}/applications/{expired}"))


def test_the_moderation_item_page_shows_the_applications_own_rows(app, moderator):
    application_id = made(app, "Ravi Rows", pool="equalities-forum", email="ravi@example.com")
    page = moderator.get(f"/moderate/items/{application_id}")
    text = main_text(page)
    assert "Stage Received" in text and "Seat applied for Equalities Forum" in text
    assert "Contact details given Yes" in text and "ravi@example.com" not in text
    assert f'href="{BASE}/applications/{application_id}"' in page.get_data(as_text=True)


# ---- a pool: waiting list and the fair draw ------------------------------------------


def test_the_next_on_the_waiting_list_is_offered_the_open_seat_from_the_pool_page(app, moderator):
    members_in(app, "keighley", 4)
    first = made(app, "Fatima First", stage="waiting_list", email="fatima@example.com")
    second = made(app, "Sean Second", stage="waiting_list")
    page = BeautifulSoup(moderator.get(f"{BASE}/pools/keighley").get_data(as_text=True), "html.parser")
    box = page.select_one("#next-up")
    assert "Next on the waiting list:" in box.get_text(" ", strip=True) and "Fatima First" in box.get_text()
    assert box.select_one("button").get_text(strip=True) == "Offer the seat to Fatima First"
    waiting = [li.get_text(" ", strip=True) for li in page.select("#pool-waiting li")]
    assert len(waiting) == 2 and "Fatima First" in waiting[0] and "Sean Second" in waiting[1]
    form = {field["name"]: field.get("value", "") for field in box.select("input")}
    response = post_form(moderator, box.form["action"], {"stage": form["stage"], "next": form["next"]})
    assert response.headers["Location"] == f"{BASE}/pools/keighley"
    text = main_text(follow(moderator, response))
    assert "is now “Offered a place”" in text and "Next on the waiting list" not in text
    assert stage_of(app, first) == "offered" and stage_of(app, second) == "waiting_list"
    assert len(emails_to(app, "fatima@example.com")) == 1
    # A `next` that leaves the advisory group's pages is not followed.
    response = post_form(moderator, f"{BASE}/applications/{second}/move", {"stage": "shortlisted",
                                                                           "next": "https://evil.example/"})
    assert response.headers["Location"].endswith(f"{BASE}/applications/{second}")


def test_a_fair_draw_is_held_explained_step_by_step_and_checked(app, moderator):
    religions = ["muslim", "christian", "muslim", None, "jewish", "christian", "muslim"]
    ids = [made(app, f"Drawn {i}", email=None, equality={"religion": religion} if religion else None)
           for i, religion in enumerate(religions)]
    page = moderator.get(f"{BASE}/pools/keighley")
    assert "Hold the draw" in main_text(page) and "Seats are filled one at a time." in main_text(page)
    radios = BeautifulSoup(page.get_data(as_text=True), "html.parser").select("input[name=characteristic]")
    assert [radio["value"] for radio in radios] == list(draw.REFERENCES)
    assert not any(radio.has_attr("checked") for radio in radios)

    # Nothing chosen: nothing happens.
    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/pools/keighley/draw", {})))
    assert "Choose which characteristic" in text and count(app, Draw) == 0

    response = post_form(moderator, f"{BASE}/pools/keighley/draw", {"characteristic": "religion"})
    with app.app_context():
        held = db.session.scalar(select(Draw))
        draw_id, picked = held.id, json.loads(held.result)["picked"]
    assert response.headers["Location"] == f"{BASE}/draws/{draw_id}"
    page = follow(moderator, response)
    text = main_text(page)
    assert "The draw picked 5 people, who are now shortlisted." in text
    assert "Religion" in text and "stratified-v1" in text and "People in the draw 7" in text
    assert "Census 2021" in text
    steps = [li.get_text(" ", strip=True) for li in BeautifulSoup(page.get_data(as_text=True), "html.parser")
             .select("#draw-steps li")]
    assert len(steps) == 5 and steps[0].startswith("Seat 1: “") and "was furthest below its share of the district" \
        in steps[0] and "One person was picked at random from" in steps[0]
    with app.app_context():
        references = {a.id: a.display_reference for a in db.session.scalars(select(Application))}
    # The steps name nobody (a step's answer and its person together would tell that person's
    # answer); the people picked are listed apart, in order of reference.
    assert not any(ref in step for step in steps for ref in references.values())
    listed = [li.get_text(strip=True) for li in BeautifulSoup(page.get_data(as_text=True), "html.parser")
              .select("#draw-picked li")]
    with app.app_context():
        in_order = [a.display_reference for a in sorted((db.session.get(Application, i) for i in picked),
                                                        key=lambda a: a.reference)]
    assert listed == in_order
    assert sorted(stage_of(app, i) for i in ids) == ["shortlisted"] * 5 + ["submitted"] * 2

    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/draws/{draw_id}/check")))
    assert "Run again from its seed and inputs, the draw picked the same people in the same order." in text

    with app.app_context():  # someone changes the stored result
        stored = db.session.get(Draw, draw_id)
        result = json.loads(stored.result)
        result["picked"].reverse()
        stored.result = json.dumps(result)
        db.session.commit()
    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/draws/{draw_id}/check")))
    assert "did NOT pick the same people in the same order" in text

    # The pool page lists the draw, and warns before a second draw for seats not offered yet.
    page = moderator.get(f"{BASE}/pools/keighley")
    assert f"{BASE}/draws/{draw_id}" in page.get_data(as_text=True)
    warning = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("#drawn-waiting").get_text()
    assert "5 people picked in an earlier draw are still waiting for an offer. Their seats are kept for them" in warning
    assert "No draw is needed now: 0 seats to fill" in main_text(page)  # they are not drawn for again


def test_no_draw_is_held_when_it_is_not_needed(app, moderator):
    made(app, "Only One", pool="shipley")
    page = main_text(moderator.get(f"{BASE}/pools/shipley"))
    assert "Hold the draw" not in page and "No draw is needed now" in page
    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/pools/shipley/draw", {"characteristic": "sex"})))
    assert "No draw is needed" in text and count(app, Draw) == 0


# ---- members, the CSV and declarations -----------------------------------------------


def test_the_members_page_lists_terms_ending_and_declarations_due_and_sends_links(app, moderator):
    today = uk_today()
    ending = made(app, "Terry Term", stage="member", email="terry@example.com", term_end=today + timedelta(days=20))
    due = made(app, "Dee Due", stage="member", email="dee@example.com", declared_on=today - timedelta(days=400))
    made(app, "Nora No Email", stage="member", email=None, declared_on=today - timedelta(days=380))
    made(app, "Fresh Member", stage="member", email="fresh@example.com")
    page = BeautifulSoup(moderator.get(f"{BASE}/members").get_data(as_text=True), "html.parser")
    terms = [li.get_text(" ", strip=True) for li in page.select("#terms-ending li")]
    assert len(terms) == 1 and "Terry Term" in terms[0]
    assert f"{BASE}/applications/{ending}" in str(page.select_one("#terms-ending"))
    declarations = " ".join(li.get_text(" ", strip=True) for li in page.select("#declarations-due li"))
    assert len(page.select("#declarations-due li")) == 2
    assert "Dee Due" in declarations and "Nora No Email" in declarations and "no email address" in declarations
    assert page.select_one(f"a[href='{BASE}/members.csv']") is not None
    text = main_text(follow(moderator, post_form(moderator, f"{BASE}/members/declarations")))
    assert "1 email was queued." in text and "1 member has no email address" in text
    assert [m.subject for m in emails_to(app, "dee@example.com")] == ["Please check your declaration of interests"]
    assert emails_to(app, "fresh@example.com") == []
    assert "advisory.declaration_link" in audit_actions(app, due)


def test_the_members_csv_has_no_equality_answers_or_access_needs_and_defuses_formulas(app, moderator):
    made(app, "=HYPERLINK(\"http://evil.example\",\"x\")", stage="member", email="formula@example.com",
         access_needs="Step-free access and a wheelchair space",
         equality={"sex": "female", "religion": "muslim", "disability": "yes_a_lot"})
    made(app, "Plain Member", stage="member", pool="shipley", email=None, phone="+44 7700 900123")
    response = moderator.get(f"{BASE}/members.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="advisory-group-members-')
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == services.EXPORT_COLUMNS
    for column in rows[0]:
        assert not any(word in column for word in ("sex", "ethnic", "religion", "disab", "access", "equality"))
    assert len(rows) == 3
    names = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names and "Plain Member" in names
    assert "'+44 7700 900123" in {row[3] for row in rows[1:]}
    for word in ("wheelchair", "Step-free", "muslim", "female", "yes_a_lot"):
        assert word not in body


# ---- meetings ------------------------------------------------------------------------


def meeting_form(day: str, month: str, year: str, place: str = "City Hall, Bradford", **extra) -> dict:
    return {"held_day": day, "held_month": month, "held_year": year, "place": place, "agenda": "Welcome",
            "once": extra.pop("once", ""), **extra}


def test_a_meeting_is_added_once_and_bad_dates_show_an_error_and_add_nothing(app, moderator):
    today = uk_today()
    for fields, message in [
        (("", "", ""), "Enter the date of the meeting"),
        (("31", "2", str(today.year)), "The date of the meeting must be a real date"),
        (("aa", "3", str(today.year)), "The date of the meeting must be a real date"),
        (("1", "13", str(today.year)), "The date of the meeting must be a real date"),
        (("1", "3", "26"), "The date of the meeting must be a real date"),
        (("1", "3", str(today.year + 5)), "The date of the meeting must be within two years of today"),
    ]:
        response = post_form(moderator, f"{BASE}/meetings", meeting_form(*fields))
        assert response.status_code == 200, fields
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert page.title.get_text().startswith("Error:")
        summary = page.select_one(".govuk-error-summary")
        assert message in summary.get_text() and summary.select_one("a")["href"] == "#held_day"
        assert message in page.select_one("#held_day-error").get_text()
    response = post_form(moderator, f"{BASE}/meetings", meeting_form("1", "3", str(today.year), place=""))
    assert "Enter where the meeting is" in main_text(response)
    assert count(app, Meeting) == 0

    good = meeting_form(str(today.day), str(today.month), str(today.year), once="form-1")
    response = post_form(moderator, f"{BASE}/meetings", good)
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    assert response.headers["Location"] == f"{BASE}/meetings/{meeting_id}"
    again = post_form(moderator, f"{BASE}/meetings", good)  # sent twice: still one meeting
    assert again.headers["Location"] == f"{BASE}/meetings/{meeting_id}" and count(app, Meeting) == 1
    assert "City Hall, Bradford" in main_text(moderator.get(f"{BASE}/meetings"))


def test_attendance_is_saved_for_members_only(app, moderator):
    a, b, c = (made(app, f"Attendee {n}", stage="member", pool=pool) for n, pool in
               enumerate(["keighley", "shipley", "equalities-forum"]))
    not_a_member = made(app, "Not Yet", stage="shortlisted")
    with app.app_context():
        meeting_id = services.add_meeting(uk_today(), "City Hall", "", None).id
    response = post_form(moderator, f"{BASE}/meetings/{meeting_id}",
                         {"present": [str(a), str(b), str(not_a_member), "999999", "nonsense"]})
    assert "Attendance saved: 2 of 3 members were there." in main_text(follow(moderator, response))
    with app.app_context():
        saved = dict(db.session.execute(select(Attendance.application_id, Attendance.attended)
                                        .where(Attendance.meeting_id == meeting_id)).all())
    assert saved == {a: True, b: True, c: False}
    page = BeautifulSoup(moderator.get(f"{BASE}/meetings/{meeting_id}").get_data(as_text=True), "html.parser")
    assert {int(box["value"]) for box in page.select("input[name=present][checked]")} == {a, b}
    assert count(app, AuditEvent, AuditEvent.action == "advisory.attendance") == 1


# ---- focus groups --------------------------------------------------------------------


def invitation_form(**fields) -> dict:
    day = uk_today() + timedelta(days=14)
    return {"title": "Safer parks", "details": "What would help you feel safe?", "held_day": str(day.day),
            "held_month": str(day.month), "held_year": str(day.year), "place": "Keighley Library", "area": "",
            "interest": "", **fields}


def test_an_invitation_goes_to_the_members_picked_and_replies_are_recorded(app, moderator):
    with_interest = made(app, "Kay Keighley", stage="member", email="kay@example.com", interests=(THEME,))
    no_email = made(app, "Ned Keighley", stage="member", email=None, interests=(THEME,))
    made(app, "Otto Other Topic", stage="member", email="otto@example.com", interests=("linking-up-schools",))
    made(app, "Sue Shipley", stage="member", pool="shipley", email="sue@example.com", interests=(THEME,))

    response = post_form(moderator, f"{BASE}/invitations", invitation_form(area="bradford-east"))
    assert response.status_code == 200 and "No members match" in main_text(response)
    assert count(app, Invitation) == 0
    response = post_form(moderator, f"{BASE}/invitations", invitation_form(held_year=str(uk_today().year - 1)))
    assert "must be today or in the future" in main_text(response) and count(app, Invitation) == 0
    response = post_form(moderator, f"{BASE}/invitations", invitation_form(area="atlantis"))
    assert "Choose an area from the list" in main_text(response) and count(app, Invitation) == 0

    response = post_form(moderator, f"{BASE}/invitations", invitation_form(area="keighley", interest=THEME,
                                                                          once="invite-1"))
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    assert response.headers["Location"] == f"{BASE}/invitations/{invitation_id}"
    text = main_text(follow(moderator, response))
    assert "2 members invited." in text and "1 has no email address" in text
    assert "Kay Keighley" in text and "Ned Keighley" in text and "Otto" not in text and "Sue" not in text
    assert [m.subject for m in emails_to(app, "kay@example.com")] == ["Invitation: Safer parks"]
    assert emails_to(app, "otto@example.com") == [] and emails_to(app, "sue@example.com") == []
    assert post_form(moderator, f"{BASE}/invitations", invitation_form(area="keighley", interest=THEME,
                                                                      once="invite-1")).status_code == 303
    assert count(app, Invitation) == 1

    with app.app_context():
        replies = {r.application_id: r.id for r in db.session.scalars(select(InvitationReply))}
    url = f"{BASE}/invitations/{invitation_id}/replies/{replies[no_email]}"
    text = main_text(follow(moderator, post_form(moderator, url, {"reply": "yes"})))
    assert "Reply saved: Ned Keighley is coming." in text and "1 coming, 0 not coming, 1 not replied" in text
    text = main_text(follow(moderator, post_form(moderator, url, {"reply": "maybe"})))
    assert "Choose whether they are coming. Nothing changed." in text
    with app.app_context():
        saved = {r.application_id: (r.reply, r.replied_at is not None) for r in db.session.scalars(select(InvitationReply))}
    assert saved == {no_email: ("yes", True), with_interest: ("invited", False)}
    # A reply is only changed through its own invitation.
    with app.app_context():
        other = services.invite("Another", "", uk_today() + timedelta(days=3), "Online", [], None).id
    assert post_form(moderator, f"{BASE}/invitations/{other}/replies/{replies[no_email]}",
                     {"reply": "no"}).status_code == 404


# ---- in a real browser ---------------------------------------------------------------


@pytest.mark.browser
def test_every_screen_passes_axe_and_fits_a_320px_screen(app, page, html_checker, make_staff):
    from tests.support.a11y import assert_no_axe_violations
    from tests.support.layout import assert_no_horizontal_scroll
    from tests.support.staff import browser_sign_in

    ids = a_bit_of_everything(app)
    with app.app_context():  # long words and names, which must wrap rather than widen the page
        long_one = make_application("Bartholomew-Featherstonehaugh Wolfeschlegelsteinhausenbergerdorff", pool="bradford-south",
                         stage="member", why="Supercalifragilisticexpialidocious" * 4,
                         declared_on=uk_today() - timedelta(days=400), term_end=uk_today() + timedelta(days=10)).id
    browser_sign_in(app, page, make_staff("moderator"))
    problems = []
    for url in [*screens(ids), f"{BASE}/applications/{long_one}"]:
        page.goto(url)
        for check in (assert_no_axe_violations, lambda page, where: html_checker.assert_valid(page.content(), where),
                      assert_no_horizontal_scroll):
            try:
                check(page, url)
            except AssertionError as problem:
                problems.append(str(problem))
    assert not problems, "\n\n".join(problems)
