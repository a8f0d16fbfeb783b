"""The idea board in public: the seven themes, proposing (pre-moderated, tracked),
supporting once per device with exact tallies, verification by emailed code, merging,
answering, and limits a class of 35 never meets."""

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.core.reference import THEMES
from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport, SupportVerification
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from tests.support.ideas import add_support, make_idea
from tests.support.proposer import Proposer, idea_by_reference, support
from tests.support.staff import csrf_token_from

THEME = "sharing-spaces-and-places"


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def flashes(client, response) -> str:
    page = client.get(response.headers["Location"])
    return soup(page).get_text(" ", strip=True)


def idea_row(app, idea_id) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea


def support_rows(app, idea_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id))


# ---- the seven themes --------------------------------------------------------------


def test_ideas_page_lists_the_seven_themes_with_description_pillar_and_counts(app, client):
    with app.app_context():
        make_idea(supports=3)
        make_idea(supports=4)
        make_idea(published=False, supports=0)  # waiting for a moderator: not counted
        make_idea(theme="linking-up-schools", status="hidden", supports=9)
    page = soup(client.get("/ideas"))
    cards = page.select(".yp-theme-card")
    assert [card.h2.get_text(strip=True) for card in cards] == [name for _s, name, *_ in THEMES]
    with app.app_context():  # the theme-to-pillar link is data an admin can change
        from portal.core.models import ordered_themes

        pillar_of = {theme.slug: theme.pillar.name for theme in ordered_themes()}
    for card, (slug, _name, description, _plain, _pillar) in zip(cards, THEMES, strict=True):
        assert description in card.get_text()
        assert pillar_of[slug] in card.get_text()
        assert card.a["href"] == f"/ideas/{slug}"
    spaces = cards[[slug for slug, *_ in THEMES].index(THEME)].get_text(" ", strip=True)
    assert "2 ideas, 7 supports" in spaces
    schools = cards[[slug for slug, *_ in THEMES].index("linking-up-schools")].get_text(" ", strip=True)
    assert "0 ideas, 0 supports" in schools


# ---- proposing ---------------------------------------------------------------------


def test_an_idea_is_stored_once_premoderated_and_tracked_until_it_is_on_the_board(app, client, staff_client):
    proposer = Proposer(client)
    shown = proposer.propose(title="Conversation café at Shipley library",
                             body="A weekly café where people learning English can practise with neighbours. "
                                  "Call me on 07700 900123.", email="me@example.com")
    # Sending the same page again (a double click, a refresh) stores nothing more.
    again = proposer.send_again()
    assert again.status_code == 303 and again.headers["Location"].endswith("/ideas/propose/confirmation")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 1
        idea = idea_by_reference(shown)
        assert (idea.status, idea.public_text, idea.email, idea.channel) == ("received", None, "me@example.com", "online")
        idea_id = idea.id
    board = client.get(f"/ideas/{THEME}").get_data(as_text=True)
    assert "Conversation café" not in board  # nothing appears before a moderator approves it
    assert client.get(f"/ideas/{THEME}/{idea_id}").status_code == 404
    assert "Received" in soup(client.get(f"/track/{shown}")).h1.get_text()

    moderator, _ = staff_client("moderator")
    item_page = moderator.get(f"/moderate/items/{idea_id}")
    assert "Conversation café at Shipley library" in item_page.get_data(as_text=True)
    wording = soup(item_page).select_one("textarea[name=public_text]").get_text()
    assert "07700 900123" not in wording  # redaction, as for feedback
    saved = moderator.post(f"/moderate/items/{idea_id}", data={
        "public_text": wording, "remove_words": "", "csrf_token": csrf_token_from(item_page.get_data(as_text=True))})
    assert saved.status_code == 303

    board = soup(client.get(f"/ideas/{THEME}"))
    card = board.select_one(f"#idea-{idea_id}")
    assert card.h3.get_text(strip=True) == "Conversation café at Shipley library"
    assert "07700" not in card.get_text() and "Keighley" in card.get_text()
    assert "On the board" in soup(client.get(f"/track/{shown}")).h1.get_text()
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == str(idea_id))))
        assert "idea.redact" in actions


def test_under_13s_are_never_asked_for_an_email_and_none_is_kept(app, client):
    proposer = Proposer(client)
    proposer.fill(age="under_13")
    # The updates question is skipped, and going to it directly moves on.
    assert client.get(f"{proposer.prefix}/updates").headers["Location"].endswith("/check-your-answers")
    check = client.get(f"{proposer.prefix}/check-your-answers").get_data(as_text=True)
    assert "Email for updates" not in check
    shown = REFERENCE(proposer.send(), client)
    with app.app_context():
        idea = idea_by_reference(shown)
        assert (idea.audience, idea.age_band, idea.email) == ("young_person", "under_13", None)


def REFERENCE(response, client):
    from tests.support.proposer import REFERENCE_SHOWN

    return REFERENCE_SHOWN.search(client.get(response.headers["Location"]).get_data(as_text=True)).group(0)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "", "body": "Something"}, "Give your idea a short name"),
    ({"title": "x" * 121, "body": "Something"}, "120 characters or fewer"),
    ({"title": "A name", "body": "   "}, "Say what your idea is and why it would help"),
    ({"title": "A name", "body": "y" * 2001}, "2,000 characters or fewer"),
    ({"title": "A\x00name", "body": "Something"}, "a character we cannot accept"),
])
def test_bad_input_on_the_idea_page_says_what_to_fix_and_saves_nothing(app, client, data, message):
    proposer = Proposer(client)
    assert proposer.post("/who", {"answer": "adult"}).status_code == 302
    response = proposer.post("/idea", data)
    assert response.status_code == 200
    page = soup(response)
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert page.title.get_text().startswith("Error:")
    # Nothing was kept: going on is sent back to this question.
    assert client.get(f"{proposer.prefix}/where").headers["Location"].endswith("/propose/idea")


def test_an_age_that_was_not_offered_is_refused(client):
    proposer = Proposer(client)
    response = proposer.post("/who", {"answer": "over_9000"})
    assert response.status_code == 200 and "Choose how old you are" in response.get_data(as_text=True)


def test_a_disclosure_in_an_idea_goes_to_the_lead_never_to_the_board(app, client, make_staff):
    make_staff("safeguarding_lead")
    shown = Proposer(client).propose(title="Help", body="my stepdad hits me when mum is at work")
    with app.app_context():
        idea = idea_by_reference(shown)
        assert idea.safeguarding_state == "open" and idea.flag_due_at is not None
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1  # the lead is told
    confirmation = soup(client.get("/ideas/propose/confirmation"))
    assert confirmation.select_one("#help-now") is not None
    # The track page never says it was flagged.
    assert "Being reviewed" in soup(client.get(f"/track/{shown}")).h1.get_text()


# ---- supporting --------------------------------------------------------------------


def test_one_support_per_device_twice_changes_nothing_and_it_can_be_withdrawn(app, client):
    with app.app_context():
        idea = make_idea()
        db.session.refresh(idea)
        idea_id = idea.id
        db.session.expunge(idea)
        theme = idea.theme
    idea = type("IdeaRef", (), {"id": idea_id, "theme": theme})

    first = support(client, idea)
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/ideas/{THEME}/{idea_id}#idea-{idea_id}")
    assert "You support this idea. It now has 1 support." in flashes(client, first)
    assert idea_row(app, idea_id).support_count == 1

    again = support(client, idea)
    assert "You already support this idea, so nothing changed. It has 1 support." in flashes(client, again)
    assert idea_row(app, idea_id).support_count == 1 and support_rows(app, idea_id) == 1

    other = app.test_client()
    support(other, idea)
    assert idea_row(app, idea_id).support_count == 2

    withdrawn = support(client, idea, action="withdraw")
    assert "You no longer support this idea. It now has 1 support." in flashes(client, withdrawn)
    assert "You were not supporting this idea" in flashes(client, support(client, idea, action="withdraw"))
    assert idea_row(app, idea_id).support_count == 1 == support_rows(app, idea_id)


def test_the_device_cookie_is_signed_httponly_and_a_forged_one_is_a_new_device(app, client):
    with app.app_context():
        idea = make_idea()
        idea_ref = type("IdeaRef", (), {"id": idea.id, "theme": idea.theme})
    response = support(client, idea_ref)
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # A made-up token is not accepted: the client is given a fresh one and counts as new.
    forger = app.test_client()
    forger.set_cookie("device", "made-up-token.forged")
    support(forger, idea_ref)
    assert idea_row(app, idea_ref.id).support_count == 2


def test_with_htmx_the_control_and_count_come_back_in_place_and_are_announced(app, client):
    with app.app_context():
        idea = make_idea(supports=0)
        idea_ref = type("IdeaRef", (), {"id": idea.id, "theme": idea.theme})
    response = support(client, idea_ref, htmx=True)
    assert response.status_code == 200
    html = soup(response)
    control = html.select_one(f"#support-{idea_ref.id}")
    assert "1 support" in control.get_text() and control.select_one("input[name=action]")["value"] == "withdraw"
    status = html.select_one(f"#support-status-{idea_ref.id}")
    assert status["data-hx-swap-oob"] == "innerHTML" and "You support this idea" in status.get_text()
    # The page it is swapped into has the persistent live region for that message.
    page = soup(client.get(f"/ideas/{THEME}/{idea_ref.id}"))
    assert page.select_one(f"#support-status-{idea_ref.id}")["role"] == "status"


def test_an_idea_not_on_the_board_cannot_be_supported(app, client):
    with app.app_context():
        waiting = make_idea(published=False)
        ref = type("IdeaRef", (), {"id": waiting.id, "theme": waiting.theme})
    token = csrf_token_from(client.get(f"/ideas/{THEME}/propose/who").get_data(as_text=True))
    response = client.post(f"/ideas/{THEME}/{ref.id}/support", data={"csrf_token": token, "action": "support",
                                                                      "next": f"/ideas/{THEME}"})
    assert response.status_code == 303
    assert "cannot be supported" in flashes(client, response)
    assert support_rows(app, ref.id) == 0


@pytest.mark.parametrize("which", ["no such idea", "merged into another", "hidden"])
def test_supporting_an_idea_that_is_gone_changes_nothing_and_says_so(app, client, which):
    with app.app_context():
        keep, idea = make_idea(title="Keep"), make_idea(title="Gone")
        if which == "merged into another":
            idea.merged_into_id = keep.id
        elif which == "hidden":
            idea.status = "hidden"
        db.session.commit()
        keep_id, idea_id = keep.id, idea.id if which != "no such idea" else idea.id + 1000
    for htmx in (False, True):
        response = client.post(f"/ideas/{THEME}/{idea_id}/support", data={"action": "support", "next": f"/ideas/{THEME}"},
                               headers={"Sec-Fetch-Site": "same-origin", **({"HX-Request": "true"} if htmx else {})})
        assert response.status_code == 303
        assert "This idea cannot be supported at the moment." in flashes(client, response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IdeaSupport)) == 0
        assert db.session.get(Idea, keep_id).support_count == 0


def test_a_support_is_two_statements_however_many_supports_the_device_has(app, client):
    """The busiest write: the insert, then the tally (PERFORMANCE.md: 300 a second)."""
    from tests.support.queries import QueryCounter

    with app.app_context():
        ideas = [make_idea(title=f"Idea {n}") for n in range(4)]
        refs = [type("IdeaRef", (), {"id": idea.id, "theme": idea.theme}) for idea in ideas]
        engine = db.engine
    for ref in refs[:3]:  # with htmx, as on a board: no flash message, so no session
        support(client, ref, htmx=True)
    page = f"/ideas/{THEME}/{refs[3].id}"
    for expected in ("You support this idea. It now has 1 support.", "You already support this idea"):
        with QueryCounter(engine) as counter:
            response = client.post(f"{page}/support", data={"action": "support", "next": page},
                                   headers={"Sec-Fetch-Site": "same-origin", "HX-Request": "true"})
        assert response.status_code == 200 and expected in response.get_data(as_text=True)
        assert counter.count == 2, counter.format()
    assert idea_row(app, refs[3].id).support_count == 1 == support_rows(app, refs[3].id)


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"}, {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the fetch metadata wins
], ids=["cross-site", "same-site", "other-origin", "null-origin", "forged-origin"])
def test_a_support_posted_from_another_site_changes_nothing(app, client, headers):
    """The support form carries no token (boards need no session, so one cached page
    serves everyone): a post another site's page makes is told by the browser's headers."""
    with app.app_context():
        idea = make_idea()
        idea_id = idea.id
    response = client.post(f"/ideas/{THEME}/{idea_id}/support", data={"action": "support"}, headers=headers)
    assert response.status_code == 403
    assert support_rows(app, idea_id) == 0


def test_a_support_from_our_own_page_counts_with_or_without_fetch_metadata(app, client):
    with app.app_context():
        idea = make_idea(supports=0)
        idea_id = idea.id
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {}):
        device = app.test_client()
        assert device.post(f"/ideas/{THEME}/{idea_id}/support", data={"action": "support"},
                           headers=headers).status_code == 303
    assert support_rows(app, idea_id) == 3


def test_the_board_and_an_idea_page_make_no_session_for_a_new_visitor(app, client):
    with app.app_context():
        idea = make_idea()
        idea_id = idea.id
    for url in (f"/ideas/{THEME}", f"/ideas/{THEME}/{idea_id}"):
        response = app.test_client().get(url)
        assert response.status_code == 200 and "Support" in response.get_data(as_text=True)
        assert not response.headers.getlist("Set-Cookie"), (url, response.headers.getlist("Set-Cookie"))


def test_next_is_only_ever_a_path_on_this_site(app, client):
    with app.app_context():
        idea = make_idea()
        ref = type("IdeaRef", (), {"id": idea.id, "theme": idea.theme})
    response = support(client, ref, next_url="//evil.example/")
    assert response.headers["Location"].startswith(f"/ideas/{THEME}/{ref.id}")


# ---- the board ---------------------------------------------------------------------


def test_the_board_pages_by_keyset_in_both_orders_and_filters_by_area(app, client):
    with app.app_context():
        made = [make_idea(title=f"Idea number {n}", supports=n, area="shipley" if n % 2 else "keighley")
                for n in range(25)]
        make_idea(theme="linking-up-schools", title="Another theme's idea", supports=99)
        ids = [idea.id for idea in made]
    first = soup(client.get(f"/ideas/{THEME}"))
    shown = [int(li["id"].split("-")[1]) for li in first.select("li.yp-idea")]
    assert shown == list(reversed(ids))[:20]  # most supported first
    second = soup(client.get(first.select_one("a[rel=next]")["href"]))
    assert [int(li["id"].split("-")[1]) for li in second.select("li.yp-idea")] == list(reversed(ids))[20:]
    back = soup(client.get(second.select_one("a[rel=prev]")["href"]))
    assert [int(li["id"].split("-")[1]) for li in back.select("li.yp-idea")] == shown
    newest = soup(client.get(f"/ideas/{THEME}?order=newest"))
    # make_idea dates each idea a minute before the last: the first made is the newest.
    assert [int(li["id"].split("-")[1]) for li in newest.select("li.yp-idea")][:3] == ids[:3]
    shipley = soup(client.get(f"/ideas/{THEME}?area=shipley"))
    assert {int(li["id"].split("-")[1]) for li in shipley.select("li.yp-idea")} == set(ids[1::2])
    assert "Another theme's idea" not in first.get_text()
    # A tampered cursor or unknown filter is page one, not an error.
    assert client.get(f"/ideas/{THEME}?after=zzz&area=mars&order=x").status_code == 200
    assert client.get("/ideas/not-a-theme").status_code == 404


def test_an_answered_idea_links_to_its_answer_and_everyone_who_asked_is_told_once(app, client, staff_client):
    shown = Proposer(client).propose(email="proposer@example.com")
    with app.app_context():
        idea = idea_by_reference(shown)
        idea.public_text, idea.public_title, idea.status = idea.body, idea.title, "in_review"
        db.session.commit()
        add_support(idea, "device-told", verified=True).notify_email = "supporter@example.com"
        add_support(idea, "device-quiet")
        db.session.commit()
        idea_id = idea.id
    moderator, _ = staff_client("moderator")
    token = csrf_token_from(moderator.get("/moderate/queue").get_data(as_text=True))
    draft = moderator.post("/moderate/responses/new", data={"ids": [str(idea_id)], "csrf_token": token,
                                                             "next": "/moderate/queue", "action": "answer"})
    response_id = int(draft.headers["Location"].rstrip("/").split("/")[-1])
    fields = {"you_said": "A youth club on Friday nights.", "we_did": "The youth service will open on Fridays.",
              "status": "planned", "reason": "", "responsible": "Youth service", "action_day": "30",
              "action_month": "1", "action_year": "2027", "young_people_summary": "Youth club on Fridays soon.",
              "theme": THEME}
    token = csrf_token_from(moderator.get(f"/moderate/responses/{response_id}").get_data(as_text=True))
    published = moderator.post(f"/moderate/responses/{response_id}/publish", data={**fields, "csrf_token": token})
    assert published.status_code == 303, published.get_data(as_text=True)[:2000]
    # Publishing again never sends again.
    moderator.post(f"/moderate/responses/{response_id}/publish", data={**fields, "csrf_token": token})
    with app.app_context():
        messages = sorted((m.to_address, m.dedupe_key) for m in db.session.scalars(select(OutboxMessage)))
        assert [address for address, _key in messages] == ["proposer@example.com", "supporter@example.com"]
        assert messages[0][1] == f"idea-answered:{idea_id}"
        assert messages[1][1].startswith(f"idea-answered:{idea_id}:support:")
        # The supporter's address is gone once the message is queued.
        assert db.session.scalar(select(func.count()).select_from(IdeaSupport).where(
            IdeaSupport.notify_email.is_not(None))) == 0
    page = soup(client.get(f"/ideas/{THEME}/{idea_id}"))
    assert page.select_one("#answer a")["href"] == f"/you-said-we-did/{response_id}"
    track = soup(client.get(f"/track/{shown}"))
    assert "Answered" in track.h1.get_text() and track.select_one(f'main a[href="/you-said-we-did/{response_id}"]')


# ---- verification ------------------------------------------------------------------


def test_an_emailed_code_moves_this_devices_supports_to_verified_and_forgets_the_address(app, client):
    with app.app_context():
        idea = make_idea()
        ref = type("IdeaRef", (), {"id": idea.id, "theme": idea.theme})
    support(client, ref)
    token = csrf_token_from(client.get("/ideas/confirm-your-supports").get_data(as_text=True))
    bad = client.post("/ideas/confirm-your-supports", data={"email": "not an email", "csrf_token": token})
    assert bad.status_code == 200 and "correct format" in bad.get_data(as_text=True)
    sent = client.post("/ideas/confirm-your-supports", data={"email": "voter@example.com", "csrf_token": token})
    assert sent.headers["Location"].endswith("/ideas/confirm-your-supports/code")
    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        code = re.search(r"\b(\d{6})\b", message.body).group(1)
        assert message.to_address == "voter@example.com"
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/ideas/confirm-your-supports/code", data={"code": wrong, "csrf_token": token})
    assert "That code is not right" in response.get_data(as_text=True)
    assert idea_row(app, ref.id).verified_count == 0
    done = client.post("/ideas/confirm-your-supports/code", data={"code": f"{code[:3]} {code[3:]}", "csrf_token": token})
    assert done.status_code == 303 and "Your supports are now verified" in flashes(client, done)
    row = idea_row(app, ref.id)
    assert (row.support_count, row.verified_count) == (1, 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportVerification)) == 0
        assert db.session.scalar(select(IdeaSupport.notify_email)) is None  # they did not ask to be told
    tally = soup(client.get(f"/ideas/{THEME}/{ref.id}")).select_one(f"#tally-{ref.id}").get_text(" ", strip=True)
    assert "1 verified by email, 0 not verified" in tally
    # The code cannot be used twice.
    assert client.post("/ideas/confirm-your-supports/code", data={"code": code, "csrf_token": token}
                       ).headers["Location"].endswith("/ideas/confirm-your-supports")
    # What this device supports next counts as verified at once.
    with app.app_context():
        later = make_idea(title="Another idea")
        later_ref = type("IdeaRef", (), {"id": later.id, "theme": later.theme})
    support(client, later_ref)
    row = idea_row(app, later_ref.id)
    assert (row.support_count, row.verified_count) == (1, 1)


# ---- merging -----------------------------------------------------------------------


def test_merging_a_duplicate_moves_supports_and_counts_a_device_once(app, staff_client):
    with app.app_context():
        keep, duplicate = make_idea(title="Keep"), make_idea(title="Duplicate")
        for device in ("a", "b"):
            add_support(keep, device)
        for device in ("b", "c", "d"):
            add_support(duplicate, device, verified=device == "d")
        keep_id, duplicate_id = keep.id, duplicate.id
    moderator, _ = staff_client("moderator")
    page = moderator.get(f"/moderate/items/{duplicate_id}").get_data(as_text=True)
    response = moderator.post(f"/moderate/ideas/{duplicate_id}/merge",
                              data={"target": str(keep_id), "csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    assert "2 supports moved across" in moderator.get(response.headers["Location"]).get_data(as_text=True)
    kept, gone = idea_row(app, keep_id), idea_row(app, duplicate_id)
    assert (kept.support_count, kept.verified_count) == (4, 1) and support_rows(app, keep_id) == 4
    assert gone.merged_into_id == keep_id and gone.status == "hidden" and support_rows(app, duplicate_id) == 0
    # Again: nothing changes, and it says so. An unknown target changes nothing either.
    again = moderator.post(f"/moderate/ideas/{duplicate_id}/merge", data={"target": str(keep_id), "csrf_token": csrf_token_from(page)})
    assert "already been merged" in moderator.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "idea.merged")) == 1


# ---- limits a class of 35 never meets ----------------------------------------------


def test_forty_devices_behind_one_school_address_can_all_tell_us_and_support(app, rate_limits):
    from tests.support.journeys import Teller

    with app.app_context():
        idea = make_idea()
        ref = type("IdeaRef", (), {"id": idea.id, "theme": idea.theme})
    for pupil in range(40):
        device = app.test_client()  # its own cookies: its own device, the same 127.0.0.1 address
        response = Teller(device).fill(body=f"Pupil {pupil}: we want a safe place to meet after school.").send()
        assert response.status_code == 302, (pupil, response.status_code)
        assert support(device, ref).status_code == 303
    with app.app_context():
        from portal.feedback.models import Submission

        assert db.session.scalar(select(func.count()).select_from(Submission)) == 40
    assert idea_row(app, ref.id).support_count == 40 == support_rows(app, ref.id)


def test_one_device_supporting_in_a_flood_is_slowed(app, client, rate_limits):
    with app.app_context():
        ideas = [make_idea(title=f"Idea {n}") for n in range(3)]
        refs = [type("IdeaRef", (), {"id": i.id, "theme": i.theme}) for i in ideas]
    support(client, refs[0])  # the device cookie is given on its first support
    codes = [client.post(f"/ideas/{THEME}/{refs[n % 3].id}/support",
                         data={"action": "support" if n % 2 else "withdraw"}).status_code
             for n in range(61)]
    assert codes[:60].count(303) == 60 and codes[60] == 429


def test_the_feed_lists_ideas_on_the_board_with_verified_and_unverified_apart(app, client):
    from xml.etree import ElementTree as ET

    with app.app_context():
        make_idea(title="Lights on the canal path", supports=5, verified=2)
        make_idea(title="Not approved yet", published=False)
    response = client.get("/ideas/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert [entry.find("a:title", ns).text for entry in entries] == ["Lights on the canal path"]
    content = entries[0].find("a:content", ns).text
    assert "5 supports (one per device): 2 verified by email, 3 not verified" in content
    assert entries[0].find("a:link", ns).get("href").startswith("http://127.0.0.1/ideas/sharing-spaces-and-places/")
