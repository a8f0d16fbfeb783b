"""The moderation queue: filters, order, keyset pages, actions in place and without
JavaScript, the audit log, redaction, the safeguarding queue."""

from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.models import ModerationNote, SafeguardingAction
from portal.staff.models import AuditEvent
from tests.support.factories import bulk_submissions
from tests.support.queries import QueryCounter
from tests.support.staff import csrf_token_from


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def queue_refs(response) -> list[str]:
    return [label.get_text(strip=True).removeprefix("Select ") for label in soup(response).select("#queue-results label")]


def post_action(client, path, data, **kwargs):
    page = client.get("/moderate/queue")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data}
    return client.post(path, data=data, **kwargs)


@pytest.fixture
def moderator(staff_client):
    return staff_client("moderator")


# ---- the queue --------------------------------------------------------------------------


def test_queue_shows_overdue_first_then_oldest_and_leaves_answered_and_hidden_out(app, mk, fetch, moderator):
    client, _ = moderator
    now = datetime.now(UTC)
    fresh = mk("fresh", created_at=now - timedelta(days=1))
    old = mk("old", created_at=now - timedelta(days=10))
    # Came in recently, but the target was shorter then: due before the others.
    overdue = mk("overdue", created_at=now - timedelta(days=2), due_on=date.today() - timedelta(days=1))
    mk("answered", status="answered", created_at=now - timedelta(days=30))
    mk("hidden", status="hidden", created_at=now - timedelta(days=40))
    response = client.get("/moderate/queue")
    assert response.status_code == 200
    assert queue_refs(response) == [overdue.display_reference, old.display_reference, fresh.display_reference]
    page = soup(response)
    assert "Past target" in page.select_one(f"#item-{overdue.id}").get_text()
    # No whole-queue counts on a page view: they are on the staff home page, and after an action.
    assert page.select_one("#queue-counts a")["href"] == "/moderate"


def test_filters_by_theme_area_audience_status_overdue_flag_and_text(app, mk, fetch, moderator):
    client, _ = moderator
    now = datetime.now(UTC)
    a = mk("Buses in Keighley", theme="sharing-spaces-and-places", area="keighley", created_at=now - timedelta(days=3))
    b = mk("Jobs for young people", theme="employment-opportunities", area="shipley", audience="young_person",
                        created_at=now - timedelta(days=2))
    c = mk("Hidden spam 100% _discount_", status="hidden", theme="employment-opportunities", created_at=now - timedelta(days=4))
    d = mk("A worrying message", safeguarding_state="open", created_at=now - timedelta(days=5))
    e = mk("Late answer", created_at=now - timedelta(days=40), due_on=date.today() - timedelta(days=3))
    cases = {
        "theme=employment-opportunities": [b],
        "area=keighley": [e, a, d] if False else None,  # worked out below
        "audience=young_person": [b],
        "status=hidden": [c],
        "status=all&order=newest": [b, a, c, d, e],
        "overdue=yes": [e],
        "flagged=yes": [d],
        "q=KEIGHLEY": [a],
        "q=100%25+_discount_&status=all": [c],
        "q=100%25+x": [],
    }
    for query, expected in cases.items():
        if expected is None:
            continue
        refs = queue_refs(client.get(f"/moderate/queue?{query}"))
        assert refs == [s.display_reference for s in expected], query
    refs = queue_refs(client.get("/moderate/queue?area=keighley"))
    assert set(refs) == {s.display_reference for s in (a, d, e)}
    # Unknown values are ignored, not errors.
    assert client.get("/moderate/queue?theme=nope&status=weird&order=x&after=garbage&before=1_2_3").status_code == 200


def test_moderators_do_not_see_the_text_of_flagged_items_and_search_skips_them(app, mk, fetch, moderator, staff_client):
    client, _ = moderator
    flagged = mk("secret words about home", safeguarding_state="open")
    page = client.get("/moderate/queue").get_data(as_text=True)
    assert "secret words" not in page and "Held for the safeguarding lead" in page
    assert queue_refs(client.get("/moderate/queue?q=secret")) == []
    lead, _ = staff_client("safeguarding_lead")
    assert lead.get("/moderate/queue").status_code == 403
    admin, _ = staff_client("admin")
    assert queue_refs(admin.get("/moderate/queue?q=secret")) == [flagged.display_reference]


def test_keyset_pages_walk_forwards_and_back_without_gaps(app, mk, fetch, moderator):
    client, _ = moderator
    now = datetime.now(UTC)
    items = [mk(f"item {i}", created_at=now - timedelta(hours=200 - i)) for i in range(120)]
    expected = [s.display_reference for s in items]
    seen, url, pages = [], "/moderate/queue", []
    while url:
        response = client.get(url)
        pages.append(url)
        seen += queue_refs(response)
        link = soup(response).select_one("a[rel=next]")
        url = link["href"] if link else None
    assert seen == expected
    assert len(pages) == 3
    # And back from the last page.
    back = soup(client.get(pages[-1])).select_one("a[rel=prev]")["href"]
    assert queue_refs(client.get(back)) == expected[50:100]
    assert "OFFSET" not in back and "after=" not in back


def test_queue_first_page_runs_the_same_number_of_statements_at_10_and_10000_items(app, moderator):
    client, _ = moderator
    client.get("/moderate/queue")  # warm up: session, first-request work
    with app.app_context():
        engine = db.engine
        bulk_submissions(10, start=datetime.now(UTC) - timedelta(days=5))
    with QueryCounter(engine) as small:
        assert client.get("/moderate/queue").status_code == 200
    with app.app_context():
        bulk_submissions(9_990, start=datetime.now(UTC) - timedelta(days=500))
    with QueryCounter(engine) as large:
        response = client.get("/moderate/queue")
    assert len(queue_refs(response)) == 50
    assert small.count == large.count, large.format()
    assert large.count <= 8, large.format()


# ---- actions ------------------------------------------------------------------------------


def test_bulk_hide_without_javascript_redirects_back_with_the_filters(app, mk, fetch, read, moderator):
    client, user = moderator
    spam = [mk(f"BUY CHEAP {i}") for i in range(3)]
    keep = mk("A real message")
    next_url = "/moderate/queue?theme=sharing-spaces-and-places&order=newest"
    response = post_action(client, "/moderate/actions/hide", {
        "ids": [str(s.id) for s in spam], "reason": "spam", "reason_detail": "", "next": next_url, "action": "hide"})
    assert response.status_code == 303
    assert response.headers["Location"] == next_url
    for s in spam:
        assert fetch(Submission, s.id).status == "hidden"
        assert fetch(Submission, s.id).hidden_reason == "Spam or advertising"
    assert fetch(Submission, keep.id).status == "received"
    events = read(select(AuditEvent).where(AuditEvent.action == "submission.hide"))
    assert len(events) == 3
    assert {e.before["status"] for e in events} == {"received"} and {e.after["status"] for e in events} == {"hidden"}
    assert {e.actor_id for e in events} == {user.id}
    page = client.get(next_url).get_data(as_text=True)
    assert "3 items hidden. Now 1 waiting, 0 past the target answer time." in page


def test_actions_with_htmx_return_the_rows_counts_and_a_status_message(app, mk, fetch, moderator):
    client, _ = moderator
    items = [mk(f"message {i}") for i in range(3)]
    response = post_action(client, "/moderate/actions/review", {
        "ids": [str(items[0].id), str(items[1].id)], "next": "/moderate/queue?status=received"},
        headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one("#queue-results")
    # Still received: only the one not reviewed is left in this filtered view.
    assert queue_refs(response) == [items[2].display_reference]
    status = page.select_one("#queue-status")
    assert status["data-hx-swap-oob"] == "innerHTML"
    assert "2 items marked as reviewed." in status.get_text()
    counts = page.select_one("#queue-counts")
    assert counts["data-hx-swap-oob"] == "innerHTML"
    assert "Now 3 waiting, 0 past the target answer time" in counts.get_text(" ", strip=True)
    assert page.select_one("input[name=next]")["value"] == "/moderate/queue?status=received"


def test_hide_needs_a_reason_and_changes_nothing_without_one(app, mk, fetch, read, moderator):
    client, _ = moderator
    item = mk("message")
    response = post_action(client, "/moderate/actions/hide", {"ids": str(item.id), "reason": "", "next": "/moderate/queue"},
                           headers={"HX-Request": "true"})
    assert "Choose why the items are being hidden." in response.get_data(as_text=True)
    response = post_action(client, "/moderate/actions/hide", {"ids": str(item.id), "reason": "other", "reason_detail": " "})
    assert response.status_code == 303
    assert fetch(Submission, item.id).status == "received"
    assert read(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.startswith("submission."))) == [0]


def test_restore_flag_clear_and_note(app, mk, fetch, read, moderator, staff_client):
    client, user = moderator
    item = mk("message", status="in_review")
    post_action(client, "/moderate/actions/hide", {"ids": str(item.id), "reason": "duplicate"})
    assert post_action(client, "/moderate/actions/restore", {"ids": str(item.id)}).status_code == 303
    assert fetch(Submission, item.id).status == "in_review"
    assert post_action(client, "/moderate/actions/flag", {"ids": str(item.id)}).status_code == 303
    assert fetch(Submission, item.id).safeguarding_state == "open"
    # A moderator cannot clear a flag.
    assert post_action(client, "/moderate/actions/clear-flag", {"ids": str(item.id)}).status_code == 403
    lead, lead_user = staff_client("safeguarding_lead")
    token = csrf_token_from(lead.get("/moderate/safeguarding").get_data(as_text=True))
    response = lead.post("/moderate/actions/clear-flag", data={"ids": str(item.id), "csrf_token": token, "next": "/moderate/safeguarding"})
    assert response.status_code == 303 and response.headers["Location"] == "/moderate/safeguarding"
    assert fetch(Submission, item.id).safeguarding_state == "cleared"
    assert read(select(SafeguardingAction.outcome).where(SafeguardingAction.item_id == item.id)) == ["cleared"]
    response = post_action(client, "/moderate/actions/note", {"ids": str(item.id), "note": "Called the parks team."})
    assert response.status_code == 303
    [note] = read(select(ModerationNote).where(ModerationNote.item_id == item.id))
    assert note.body == "Called the parks team." and note.author_id == user.id
    actions = read(select(AuditEvent.action).where(AuditEvent.subject_type == "submission", AuditEvent.subject_id == str(item.id))
                   .order_by(AuditEvent.id))
    assert actions == ["submission.hide", "submission.restore", "submission.flag", "submission.clear_flag", "submission.note"]


def test_next_must_be_a_local_staff_path(app, mk, fetch, moderator):
    client, _ = moderator
    item = mk("message")
    for evil in ["https://evil.example/", "//evil.example/moderate", "/\\evil.example", "javascript:alert(1)", "/track/x"]:
        response = post_action(client, "/moderate/actions/review", {"ids": str(item.id), "next": evil})
        assert response.headers["Location"] == "/moderate/queue", evil


def test_an_action_with_nothing_selected_says_so(app, mk, fetch, moderator):
    client, _ = moderator
    response = post_action(client, "/moderate/actions/review", {"next": "/moderate/queue"}, follow_redirects=True)
    assert "Select at least one item first." in response.get_data(as_text=True)


def test_forged_or_missing_csrf_token_changes_nothing(app, mk, fetch, moderator):
    client, _ = moderator
    item = mk("message")
    for token in (None, "forged"):
        data = {"ids": str(item.id), "reason": "spam"}
        if token:
            data["csrf_token"] = token
        assert client.post("/moderate/actions/hide", data=data).status_code == 400
    assert fetch(Submission, item.id).status == "received"


# ---- one item: redaction ---------------------------------------------------------------


def test_redaction_screen_prefills_the_auto_redacted_text_and_rechecks_what_is_saved(app, mk, fetch, read, moderator):
    client, _ = moderator
    item = mk("I'm Sam from Shipley Road, ring 07700 900123 or sam@example.com, BD18 3LA")
    page = client.get(f"/moderate/items/{item.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    prefill = soup(page).select_one("textarea#public_text").get_text()
    assert prefill == "I'm Sam from Shipley Road, ring [removed] or [removed], [removed]"
    assert "phone number" in html and "email address" in html and "postcode" in html
    # The moderator types an email back in by mistake, and removes the name by hand.
    response = client.post(f"/moderate/items/{item.id}", data={
        "csrf_token": csrf_token_from(html),
        "public_text": "I'm Sam from Shipley Road, email me at sam (at) example (dot) com",
        "remove_words": "Sam, Shipley Road",
    })
    assert response.status_code == 303
    saved = fetch(Submission, item.id)
    assert saved.public_text == "I'm [removed] from [removed], email me at [removed]"
    assert saved.body.startswith("I'm Sam")  # the original stays, privately
    [event] = read(select(AuditEvent).where(AuditEvent.action == "submission.redact"))
    assert event.before["public_text"] is None and event.after["public_text"] == saved.public_text


def test_flagged_items_cannot_be_given_public_wording(app, mk, fetch, moderator):
    client, _ = moderator
    item = mk("something worrying", safeguarding_state="open")
    page = client.get(f"/moderate/items/{item.id}").get_data(as_text=True)
    assert "something worrying" not in page
    response = client.post(f"/moderate/items/{item.id}", data={"csrf_token": csrf_token_from(page), "public_text": "x"})
    assert response.status_code == 200
    assert "can never be published" in response.get_data(as_text=True)
    assert fetch(Submission, item.id).public_text is None


# ---- safeguarding --------------------------------------------------------------------


def test_safeguarding_lead_records_what_was_done(app, mk, fetch, read, staff_client):
    lead, user = staff_client("safeguarding_lead")
    item = mk("he hits me at home", safeguarding_state="open", audience="young_person")
    page = lead.get("/moderate/safeguarding")
    assert page.status_code == 200 and "he hits me at home" in page.get_data(as_text=True)
    form = lead.get(f"/moderate/safeguarding/{item.id}")
    response = lead.post(f"/moderate/safeguarding/{item.id}", data={
        "csrf_token": csrf_token_from(form.get_data(as_text=True)), "outcome": "front_door", "note": "Spoke to MASH, ref 123"})
    assert response.status_code == 303
    assert fetch(Submission, item.id).safeguarding_state == "escalated"
    [action] = read(select(SafeguardingAction))
    assert action.outcome == "front_door" and action.actor_id == user.id and "MASH" in action.note
    page = lead.get("/moderate/safeguarding").get_data(as_text=True)
    assert "Escalated to the Front Door / MASH" in page
    missing = lead.post(f"/moderate/safeguarding/{item.id}", data={"csrf_token": csrf_token_from(page)})
    assert missing.status_code == 200 and "Choose what was done" in missing.get_data(as_text=True)


# ---- landing page and audit log -------------------------------------------------------


def test_landing_page_counts_waiting_and_overdue(app, mk, fetch, moderator):
    client, _ = moderator
    mk("a")
    mk("b", due_on=date.today() - timedelta(days=2))
    mk("c", status="answered")
    text = soup(client.get("/moderate")).get_text(" ", strip=True)
    assert "2 waiting for review or an answer" in text
    assert "1 past the target answer time" in text


def test_admins_read_and_filter_the_audit_log(app, mk, fetch, moderator, staff_client):
    client, user = moderator
    items = [mk(f"m{i}") for i in range(2)]
    post_action(client, "/moderate/actions/review", {"ids": [str(s.id) for s in items]})
    post_action(client, "/moderate/actions/hide", {"ids": str(items[0].id), "reason": "duplicate"})
    admin, _ = staff_client("admin")
    page = admin.get("/moderate/audit?action=submission.hide")
    assert page.status_code == 200
    entries = soup(page).select("main .yp-response-summary")
    assert len(entries) == 1
    text = entries[0].get_text(" ", strip=True)
    assert user.email in text and "status: in_review → hidden" in text
    assert len(soup(admin.get(f"/moderate/audit?subject=submission:{items[1].id}")).select("main .yp-response-summary")) == 1
    assert len(soup(admin.get(f"/moderate/audit?actor={user.email}&action=submission.")).select("main .yp-response-summary")) == 3
    assert client.get("/moderate/audit").status_code == 403


def test_staff_home_count_and_overdue_filter_agree_just_after_midnight_in_summer(app, mk, moderator, monkeypatch):
    """At 00:30 in British Summer Time the UTC date is still yesterday: both the staff home
    count and the queue's overdue filter judge "overdue" by the UK date, so they agree."""
    import portal.timeutil

    half_past_midnight_bst = datetime(2026, 7, 15, 23, 30, tzinfo=UTC)  # 00:30 on 16 July in the UK
    monkeypatch.setattr(portal.timeutil, "utcnow", lambda: half_past_midnight_bst)
    item = mk("Due yesterday in the UK", due_on=date(2026, 7, 15),
              created_at=half_past_midnight_bst - timedelta(days=30))
    client, _ = moderator
    home = soup(client.get("/moderate")).get_text(" ", strip=True)
    overdue_refs = queue_refs(client.get("/moderate/queue?overdue=yes"))
    assert overdue_refs == [item.display_reference]
    assert "1 past the target answer time" in home, home
