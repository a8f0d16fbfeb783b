"""The moderation core works for any kind: a throw-away second kind, registered by this
test alone, appears in the shared queue, is filtered, paged, searched, hidden and
flagged, and is never public while flagged, with no change to moderation code."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.moderation.kinds import all_kinds, register_kind, unregister_kind
from portal.moderation.models import ModerationItem
from portal.responses.services import what_people_said
from portal.staff.models import AuditEvent
from tests.support.factories import make_published_response, make_submission
from tests.support.staff import csrf_token_from
from tests.support.throwaway_kind import Petition, drop_petitions, make_petition, petition_kind, petition_table


@pytest.fixture
def petitions(app):
    with app.app_context():
        petition_table.create(db.engine, checkfirst=True)
    register_kind(petition_kind())
    yield
    unregister_kind("petition")
    with app.app_context():
        db.session.remove()
        drop_petitions(db.engine)


def queue_ids(client, url: str) -> list[int]:
    page = BeautifulSoup(client.get(url).data, "html.parser")
    return [int(box["value"]) for box in page.select("input[name=ids][type=checkbox]")]


def test_a_second_kind_shares_the_queue_its_filters_and_its_pages(app, petitions, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        feedback = make_submission("The bus to Keighley is always late.")
        # 55 petitions, the oldest first in the queue: more than one page of 50.
        made = [make_petition(db.session, f"Petition number {n} for a crossing on Leeds Road", minutes_ago=n)
                for n in range(55)]
        db.session.commit()
        petition_ids, feedback_id = [p.id for p in made], feedback.id

    first_page = BeautifulSoup(client.get("/moderate/queue").data, "html.parser")
    shown = [int(box["value"]) for box in first_page.select("input[name=ids][type=checkbox]")]
    assert len(shown) == 50 and set(shown) <= set(petition_ids)
    assert "PET-" in first_page.get_text() and "Petition" in first_page.select_one("#queue-results").get_text()
    next_href = first_page.select_one("a[rel=next]")["href"]
    second = queue_ids(client, next_href)
    assert feedback_id in second and len(set(shown) | set(second)) == 56  # every item, once

    assert set(queue_ids(client, "/moderate/queue?kind=petition&order=newest")) <= set(petition_ids)
    assert queue_ids(client, "/moderate/queue?kind=feedback") == [feedback_id]
    assert queue_ids(client, "/moderate/queue?q=number+7+for") == [petition_ids[7]]
    assert queue_ids(client, "/moderate/queue?q=Keighley") == [feedback_id]
    # The item page works for it too.
    item_page = client.get(f"/moderate/items/{petition_ids[0]}")
    assert item_page.status_code == 200 and "Petition number 0" in item_page.get_data(as_text=True)


def test_a_second_kind_is_hidden_flagged_and_audited_like_feedback(app, petitions, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        one, two = make_petition(db.session, "Close the road by the school"), make_petition(db.session, "Open it again")
        db.session.commit()
        one_id, two_id = one.id, two.id
    page = client.get("/moderate/queue").get_data(as_text=True)
    token = csrf_token_from(page)
    client.post("/moderate/actions/hide", data={"ids": str(one_id), "reason": "spam", "csrf_token": token})
    client.post("/moderate/actions/flag", data={"ids": str(two_id), "csrf_token": token})
    with app.app_context():
        assert db.session.get(Petition, one_id).status == "hidden"
        assert db.session.get(Petition, two_id).is_held
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "petition")))
    assert actions == {"petition.hide", "petition.flag"}
    assert queue_ids(client, "/moderate/queue?flagged=yes&status=all") == [two_id]
    assert two_id not in queue_ids(client, "/moderate/queue?q=again")  # a moderator's search never reveals held words


def test_a_flagged_item_of_any_kind_is_never_public(app, petitions, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        petition = make_petition(db.session, "Words that must stay private", public_text="Approved words",
                                 status="answered")
        feedback = make_submission("A bench in Lister Park", public_text="A bench in Lister Park")
        db.session.flush()
        response = make_published_response([feedback])
        petition.response_id = response.id
        db.session.commit()
        petition_id, response_id = petition.id, response.id
        assert sorted(text for text, _language in what_people_said(response_id)[2]) == ["A bench in Lister Park", "Approved words"]
    token = csrf_token_from(client.get("/moderate/queue").get_data(as_text=True))
    client.post("/moderate/actions/flag", data={"ids": str(petition_id), "csrf_token": token})
    public = client.get(f"/you-said-we-did/{response_id}").get_data(as_text=True)
    assert "A bench in Lister Park" in public and "Approved words" not in public
    # Saving new public wording is refused while it is held.
    refused = client.post(f"/moderate/items/{petition_id}", data={"public_text": "New words", "csrf_token": token})
    assert "can never be published" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Petition, petition_id).public_text == "Approved words"


def _idea(values: dict):
    from tests.support.ideas import make_idea

    idea = make_idea(commit=False)
    for key, value in values.items():
        setattr(idea, key, value)
    return idea


def _application(values: dict):
    """An advisory-group application. Nothing from one is ever published: saving public
    wording for it is refused (below), so it never has any."""
    from datetime import date

    from portal.advisory.models import Application
    from portal.shared.references import new_reference
    from portal.timeutil import utcnow

    application = Application(
        reference=new_reference(), draft_token=new_reference(), name="Sam Example", email="sam@example.org",
        age_band="25_44", seat_pool="keighley", why="Words", bring="Words", declared_on=date.today(),
        consent_at=utcnow(), due_on=date.today(), audience="adult")
    for key, value in values.items():
        setattr(application, key, None if key == "public_text" else value)
    db.session.add(application)
    return application


# How to make an item of each kind the registry knows: a kind added without one fails here.
MAKERS = {
    "feedback": lambda values: make_submission("Words", commit=False, **values),
    "petition": lambda values: make_petition(db.session, "Words", **values),
    "idea": _idea,
    "application": _application,
}


@pytest.mark.parametrize("state, public", [
    ({}, True),
    ({"status": "hidden"}, False),
    ({"safeguarding_state": "open"}, False),
    ({"safeguarding_state": "escalated"}, False),
    ({"safeguarding_state": "cleared"}, True),
    ({"public_text": None}, False),
])
def test_the_may_be_public_rule_holds_for_every_registered_kind_in_python_and_sql(app, petitions, state, public):
    with app.app_context():
        ids = {}
        for name, kind in all_kinds().items():
            values = {"public_text": "Approved", **state}
            item = MAKERS[name](values)
            assert isinstance(item, kind.model)
            db.session.flush()
            ids[name] = item.id
            assert item.may_be_public is (public and kind.publishable), name
        in_sql = set(db.session.scalars(select(ModerationItem.id).where(ModerationItem.may_be_public)))
        publishable = {name for name, kind in all_kinds().items() if kind.publishable}
        assert {name for name, ident in ids.items() if ident in in_sql} == (publishable if public else set())
        db.session.rollback()


def test_a_kind_only_allows_the_actions_it_declares(app, petitions, staff_client):
    # Petitions do not declare "answer": "we did" refuses them, with the reason, and changes nothing.
    client, _ = staff_client("moderator")
    with app.app_context():
        petition = make_petition(db.session, "A petition for a zebra crossing")
        db.session.commit()
        petition_id = petition.id
    token = csrf_token_from(client.get("/moderate/queue").get_data(as_text=True))
    refused = client.post("/moderate/responses/new", data={"ids": str(petition_id), "csrf_token": token,
                                                           "next": "/moderate/queue"}, follow_redirects=True)
    assert "not something an answer can cover" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Petition, petition_id).response_id is None
    item_page = client.get(f"/moderate/items/{petition_id}").get_data(as_text=True)
    assert "Flag for safeguarding" in item_page


def test_public_wording_is_refused_for_a_kind_that_is_never_published(app, staff_client):
    client, _ = staff_client("moderator")
    with app.app_context():
        application = _application({})
        db.session.commit()
        application_id = application.id
    token = csrf_token_from(client.get("/moderate/queue").get_data(as_text=True))
    page = client.get(f"/moderate/items/{application_id}").get_data(as_text=True)
    assert "Save public wording" not in page and "Sam Example" not in page  # no form, and no name shown
    refused = client.post(f"/moderate/items/{application_id}", data={"public_text": "Words", "csrf_token": token})
    assert "Nothing from this kind of item is ever published" in refused.get_data(as_text=True)
    with app.app_context():
        from portal.advisory.models import Application

        assert db.session.get(Application, application_id).public_text is None
