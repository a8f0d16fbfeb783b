"""'We did': drafting from the queue, publishing (answered + one email each, in one
transaction), updates kept with their dates, and what may never be published."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.feedback.models import Submission
from portal.responses.models import Response, ResponseUpdate
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from tests.support.staff import csrf_token_from


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture(autouse=True)
def _fresh_figures():
    from portal.shared.cache import clear

    clear()
    yield
    clear()


@pytest.fixture
def moderator(staff_client):
    return staff_client("moderator")


def token(client, path="/moderate/queue"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


def answer_selected(client, ids, **kwargs):
    return client.post("/moderate/responses/new", data={
        "ids": [str(i) for i in ids], "csrf_token": token(client), "next": "/moderate/queue", "action": "answer"}, **kwargs)


FILLED = {
    "you_said": "The park needs lights: people do not feel safe after dark.",
    "we_did": "We will put solar lights along the main path before the clocks go back.",
    "status": "planned",
    "reason": "",
    "responsible": "Parks and Green Spaces",
    "action_day": "30", "action_month": "10", "action_year": "2026",
    "young_people_summary": "Lights are coming to the park path before winter.",
    "theme": "sharing-spaces-and-places",
}


def draft_id_from(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def publish(client, response_id, **changes):
    data = {**FILLED, **changes, "csrf_token": token(client, f"/moderate/responses/{response_id}")}
    return client.post(f"/moderate/responses/{response_id}/publish", data=data)


# ---- drafting ------------------------------------------------------------------------------


def test_answer_selected_starts_a_draft_linked_to_the_items_it_can_answer(app, moderator, mk, fetch, read):
    client, _ = moderator
    a, b = mk("Lights please", audience="young_person"), mk("Dark park")
    flagged = mk("worrying", safeguarding_state="open")
    hidden = mk("spam", status="hidden")
    response = answer_selected(client, [a.id, b.id, flagged.id, hidden.id])
    assert response.status_code == 303
    draft_id = draft_id_from(response)
    draft = fetch(Response, draft_id)
    assert draft.state == "draft" and draft.answers_young_people and draft.answers_adults
    assert fetch(Submission, a.id).response_id == draft_id and fetch(Submission, b.id).response_id == draft_id
    assert fetch(Submission, flagged.id).response_id is None and fetch(Submission, hidden.id).response_id is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Left out:" in page and "flagged for safeguarding" in page and "hidden" in page
    # An item already in a draft cannot start a second answer.
    again = answer_selected(client, [a.id], follow_redirects=True)
    assert "already part of another answer" in again.get_data(as_text=True)
    assert read(select(func.count()).select_from(Response)) == [1]


def test_answer_selected_with_htmx_sends_the_browser_to_the_draft(app, moderator, mk):
    client, _ = moderator
    item = mk("Lights please")
    response = answer_selected(client, [item.id], headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/moderate/responses/")
    nothing = answer_selected(client, [], headers={"HX-Request": "true"})
    assert nothing.status_code == 200 and "Select the items this answer is for first." in nothing.get_data(as_text=True)


def test_a_draft_can_be_saved_half_done_taken_apart_and_deleted(app, moderator, mk, fetch):
    client, _ = moderator
    a, b = mk("one"), mk("two")
    draft_id = draft_id_from(answer_selected(client, [a.id, b.id]))
    save = client.post(f"/moderate/responses/{draft_id}", data={
        "you_said": "Half done", "csrf_token": token(client, f"/moderate/responses/{draft_id}")})
    assert save.status_code == 303
    assert fetch(Response, draft_id).you_said == "Half done"
    unlink = client.post(f"/moderate/responses/{draft_id}/unlink", data={
        "submission_id": str(a.id), "csrf_token": token(client)})
    assert unlink.status_code == 303 and fetch(Submission, a.id).response_id is None
    delete = client.post(f"/moderate/responses/{draft_id}/delete", data={"csrf_token": token(client)})
    assert delete.status_code == 303
    assert fetch(Response, draft_id) is None and fetch(Submission, b.id).response_id is None


# ---- publishing ----------------------------------------------------------------------------


def test_publishing_needs_every_field_and_a_reason_when_not_taken_forward(app, moderator, mk, fetch):
    client, _ = moderator
    item = mk("Lights please")
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    response = publish(client, draft_id, we_did="", responsible="", action_day="31", action_month="2")
    assert response.status_code == 200
    page = soup(response)
    errors = [a.get_text(strip=True) for a in page.select(".govuk-error-summary a")]
    assert "Enter what was done or will be done" in errors
    assert "The date must be a real date, for example 27 3 2026" in errors
    assert page.title.get_text().startswith("Error:")
    response = publish(client, draft_id, status="not_taken_forward", reason=" ")
    assert response.status_code == 200
    assert "Enter the reason it was not taken forward" in response.get_data(as_text=True)
    assert fetch(Response, draft_id).state == "draft"
    assert fetch(Submission, item.id).status != "answered"


def test_publishing_answers_every_item_and_queues_one_email_per_submitter_in_one_go(app, moderator, mk, fetch, read):
    client, user = moderator
    a = mk("Lights please, I'm at a@example.com", email="a@example.com", audience="young_person")
    b = mk("Dark park", email="b@example.com")
    c = mk("No email here")
    draft_id = draft_id_from(answer_selected(client, [a.id, b.id, c.id]))
    response = publish(client, draft_id)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert "2 people will be emailed" in client.get(response.headers["Location"]).get_data(as_text=True)
    published = fetch(Response, draft_id)
    assert published.state == "published" and published.published_at is not None
    assert published.answers_young_people and published.answers_adults
    for item in (a, b, c):
        row = fetch(Submission, item.id)
        assert row.status == "answered" and row.answered_at is not None
    updates = read(select(ResponseUpdate).where(ResponseUpdate.response_id == draft_id))
    assert [u.note for u in updates] == ["First published"]
    messages = read(select(OutboxMessage).order_by(OutboxMessage.to_address))  # not the key: "answered:10" sorts before "answered:9"
    assert [(m.to_address, m.dedupe_key) for m in messages] == [
        ("a@example.com", f"answered:{a.id}"), ("b@example.com", f"answered:{b.id}")]
    body = messages[0].body
    assert a.display_reference in body and f"/you-said-we-did/{draft_id}" in body and f"/track/{a.display_reference}" in body
    assert "Lights please" not in body and "a@example.com" not in body  # nothing they wrote, no address
    actions = read(select(AuditEvent.action).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id))
    assert actions.count("submission.answer") == 3 and "response.publish" in actions
    # Publishing again, or updating, never queues another email.
    assert "already published" in publish(client, draft_id).get_data(as_text=True)
    update = client.post(f"/moderate/responses/{draft_id}", data={
        **FILLED, "status": "in_progress", "note": "Work has started.", "csrf_token": token(client)})
    assert update.status_code == 303
    assert read(select(func.count()).select_from(OutboxMessage)) == [2]


def test_the_track_page_shows_answered_with_a_link_to_the_answer(app, moderator, mk):
    client, _ = moderator
    item = mk("Lights please", email="a@example.com")
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    assert publish(client, draft_id).status_code == 303
    page = app.test_client().get(f"/track/{item.display_reference}")
    assert page.status_code == 200
    html = soup(page)
    assert "Answered" in html.get_text()
    assert html.select_one(f'main a[href="/you-said-we-did/{draft_id}"]')


def test_publishing_is_refused_if_an_item_was_flagged_after_drafting(app, moderator, mk, fetch):
    client, _ = moderator
    a, b = mk("fine"), mk("turns out to be worrying")
    draft_id = draft_id_from(answer_selected(client, [a.id, b.id]))
    client.post("/moderate/actions/flag", data={"ids": str(b.id), "csrf_token": token(client)})
    response = publish(client, draft_id)
    assert response.status_code == 200
    assert "flagged for safeguarding" in response.get_data(as_text=True)
    assert fetch(Response, draft_id).state == "draft" and fetch(Submission, a.id).status != "answered"


def test_updates_are_kept_and_shown_with_their_dates(app, moderator, mk):
    client, _ = moderator
    item = mk("Lights please")
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    publish(client, draft_id)
    client.post(f"/moderate/responses/{draft_id}", data={
        **FILLED, "status": "done", "we_did": "The lights are in.", "note": "Work finished.", "csrf_token": token(client)})
    page = soup(app.test_client().get(f"/you-said-we-did/{draft_id}"))
    text = page.get_text(" ", strip=True)
    assert "The lights are in." in text and "Work finished." in text
    history = page.select("main ol li")
    assert len(history) == 2
    today = datetime.now(UTC).strftime("%B %Y")
    assert all(today in li.get_text() for li in history)


def test_public_text_never_carries_the_submitters_details(app, moderator, mk, fetch):
    client, _ = moderator
    body = "I'm Sam at BD18 3LA, call 07700 900123 or sam@example.com"
    item = mk(body, email="sam@example.com", audience="young_person")
    # The moderator approves a public wording, then pastes the original into "you said".
    page = client.get(f"/moderate/items/{item.id}").get_data(as_text=True)
    client.post(f"/moderate/items/{item.id}", data={
        "csrf_token": csrf_token_from(page), "public_text": body, "remove_words": "Sam"})
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    response = publish(client, draft_id, you_said=f"You said: {body}", we_did="Ring 07700-900-123? No: our team is on 01274 431000.",
                       young_people_summary="bd183la")
    assert response.status_code == 303
    pages = [app.test_client().get(path).get_data(as_text=True) for path in (
        f"/you-said-we-did/{draft_id}", "/you-said-we-did", "/you-said-we-did/feed.atom", "/young-people",
        f"/track/{item.display_reference}")]
    from portal.responses.terms import term_for

    term = term_for(datetime.now(UTC).date())
    pages.append(app.test_client().get(f"/you-said-we-did/{term.slug}").get_data(as_text=True))
    for html in pages:
        squashed = html.replace(" ", "").replace("-", "").lower()
        for detail in ("07700900123", "sam@example.com", "bd183la"):
            assert detail not in squashed
    assert "01274 431000" in pages[0]  # the council's own number stays
    assert "[removed]" in pages[0]


# ---- public pages -------------------------------------------------------------------------


def test_drafts_are_not_public(app, moderator, mk):
    client, _ = moderator
    draft_id = draft_id_from(answer_selected(client, [mk("x").id]))
    assert app.test_client().get(f"/you-said-we-did/{draft_id}").status_code == 404
    assert app.test_client().get("/you-said-we-did/999999").status_code == 404


def test_no_submitters_email_is_published_through_any_field(app, moderator, mk):
    """The responsible service and an update's note are cleaned like every other field."""
    client, _ = moderator
    item = mk("Please light the park", audience="young_person", email="jamie.kid@example.com")
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    assert publish(client, draft_id, responsible="Youth service jamie.kid@example.com").status_code == 303
    client.post(f"/moderate/responses/{draft_id}", data={
        **FILLED, "note": "Thanks jamie.kid@example.com for asking.", "csrf_token": token(client)})
    public = app.test_client()
    for path in (f"/you-said-we-did/{draft_id}", "/you-said-we-did/feed.atom", "/you-said-we-did"):
        assert "jamie.kid@example.com" not in public.get(path).get_data(as_text=True), path


@pytest.mark.parametrize("path", [
    "/you-said-we-did?before=0_99999999999999999999",
    "/you-said-we-did?after=1_99999999999999999999",
    "/you-said-we-did/99999999999999999999",
    "/you-said-we-did?before=%C2%B2_%C2%B2",
])
def test_out_of_range_numbers_in_public_urls_are_not_server_errors(client, path):
    assert client.get(path).status_code in (200, 404)


@pytest.mark.parametrize("path", [
    "/moderate/queue?after=2026-01-01_0_99999999999999999999",
    "/moderate/queue?status=all&after=1_99999999999999999999",
    "/moderate/audit?before=1_99999999999999999999",
    "/moderate/audit?to=9999-12-31",
    "/moderate/items/99999999999999999999",
    "/moderate/responses/99999999999999999999",
])
def test_out_of_range_numbers_in_staff_urls_are_not_server_errors(staff_client, path):
    client, _ = staff_client("admin")
    assert client.get(path).status_code in (200, 404)


@pytest.mark.parametrize("value", ["99999999999999999999", "\u00b2", "-1", "1e3"])
def test_odd_ids_in_bulk_actions_change_nothing(app, moderator, mk, fetch, value):
    client, _ = moderator
    item = mk("Lights please")
    for path in ("/moderate/actions/review", "/moderate/responses/new"):
        response = client.post(path, data={"ids": [value], "csrf_token": token(client), "next": "/moderate/queue"})
        assert response.status_code in (200, 303), path
    assert fetch(Submission, item.id).status == "received"


def test_a_full_width_year_is_not_a_date(app, moderator, mk, fetch):
    client, _ = moderator
    item = mk("Lights please")
    draft_id = draft_id_from(answer_selected(client, [item.id]))
    response = publish(client, draft_id, action_year="\uff11\uff12\uff13\uff14")
    assert response.status_code == 200
    assert fetch(Response, draft_id).state == "draft"
