"""Every /moderate URL, walked from the app's URL map: anonymous visitors are sent to
sign in, each staff role gets exactly what `role_required` on the view allows (200 or
403), and a post by the wrong role is refused and changes nothing."""

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.ideas.models import Event, Idea, IdeaSupport, VoidedBurst
from portal.moderation.models import ModerationNote, SafeguardingAction
from portal.responses.models import Response, ResponseUpdate
from portal.shared.outbox import OutboxMessage
from portal.staff.models import ROLES, AuditEvent
from tests.support.advisory import advisory_objects
from tests.support.factories import make_submission
from tests.support.ideas import make_idea
from tests.support.staff import csrf_token_from

DOWNLOADS = (".csv",)  # staff URLs that answer with a file, not a page


def staff_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/moderate")]
    assert len(rules) >= 15, "the walk found too few staff URLs"
    return sorted(rules, key=lambda rule: (rule.rule.endswith("/delete"), rule.rule))


def make_objects(app) -> dict:
    """A waiting item, a flagged one, and a draft answer linked to a third."""
    with app.app_context():
        waiting = make_submission("Waiting for review, please call 07700 900123")
        flagged = make_submission("Flagged message", safeguarding_state="open")
        linked = make_submission("In a draft answer")
        response = Response(you_said="Draft", we_did="", status="planned", responsible="", state="draft",
                            action_date=waiting.created_at.date())
        db.session.add(response)
        db.session.flush()
        linked.response_id = response.id
        idea = make_idea()
        event = Event(code="KQ7M2X", name="Idea board at City Park", place="City Park, Bradford",
                      held_on=waiting.created_at.date(), state="open")
        db.session.add(event)
        db.session.commit()
        return {"item_id": waiting.id, "submission_id": waiting.id, "response_id": response.id,
                "flagged_id": flagged.id, "linked_id": linked.id, "idea_id": idea.id, "event_id": event.id,
                **advisory_objects()}


def url_for_rule(rule, objects: dict) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(objects[name])).replace(f"<{name}>", str(objects[name]))
    assert "<" not in path, path
    return path


def state_of_everything(app) -> tuple:
    """Everything a staff post could change (sign-in events aside)."""
    with app.app_context():
        submissions = db.session.execute(
            select(Submission.id, Submission.status, Submission.safeguarding_state, Submission.public_text,
                   Submission.hidden_reason, Submission.response_id).order_by(Submission.id)).all()
        responses = db.session.execute(
            select(Response.id, Response.state, Response.you_said, Response.we_did).order_by(Response.id)).all()
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (ModerationNote, SafeguardingAction, ResponseUpdate, OutboxMessage, IdeaSupport,
                                VoidedBurst)]
        ideas = db.session.execute(select(Idea.id, Idea.public_title, Idea.merged_into_id, Idea.support_count)
                                   .order_by(Idea.id)).all()
        events = db.session.execute(select(Event.id, Event.state, Event.name).order_by(Event.id)).all()
        audit = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            ~AuditEvent.action.startswith("sign_in"), ~AuditEvent.action.startswith("staff.")))
        return tuple(submissions), tuple(responses), tuple(counts), audit, tuple(ideas), tuple(events)


def allowed(app, rule, role: str) -> bool:
    view = app.view_functions[rule.endpoint]
    roles = getattr(view, "allowed_roles", None)
    assert roles is not None, f"{rule.rule} ({rule.endpoint}) is not behind role_required"
    return not roles or role in roles or role == "admin"


def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(app, client):
    objects = make_objects(app)
    before = state_of_everything(app)
    for rule in staff_rules(app):
        url = url_for_rule(rule, objects)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/staff/login"), url
        if "POST" in rule.methods:
            response = client.post(url, data={"ids": [str(objects["submission_id"])], "reason": "spam"})
            assert response.status_code in (302, 400), url  # no CSRF token: refused before sign-in
            token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
            response = client.post(url, data={"ids": [str(objects["submission_id"])], "reason": "spam", "csrf_token": token})
            assert response.status_code == 302 and response.headers["Location"].startswith("/staff/login"), url
    assert state_of_everything(app) == before


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_views_allow(app, staff_client, role):
    client, _ = staff_client(role)
    objects = make_objects(app)
    token = csrf_token_from(client.get("/moderate").get_data(as_text=True))
    rules = staff_rules(app)
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, objects)
        expected = 200 if allowed(app, rule, role) else 403
        assert client.get(url).status_code == expected, f"{role} GET {url}"

    before = state_of_everything(app)
    post_data = {"ids": [str(objects["submission_id"])], "reason": "spam", "note": "a note", "outcome": "no_action",
                 "public_text": "New words", "submission_id": str(objects["linked_id"]), "csrf_token": token}
    for rule in rules:
        if "POST" in rule.methods and not allowed(app, rule, role):
            url = url_for_rule(rule, objects)
            assert client.post(url, data=post_data).status_code == 403, f"{role} POST {url}"
    assert state_of_everything(app) == before, f"a refused post by a {role} changed something"

    for rule in rules:  # deleting the draft comes last
        if "POST" in rule.methods and allowed(app, rule, role):
            url = url_for_rule(rule, objects)
            status = client.post(url, data=post_data).status_code
            assert status not in (401, 403, 405) and status < 500, f"{role} POST {url}: {status}"


def test_every_staff_screen_has_a_title_and_valid_html(app, client_request, make_staff):
    """An admin may open every staff screen: each answers 200 with a real title and valid HTML."""
    objects = make_objects(app)
    client_request.sign_in(make_staff("admin"))
    opened = 0
    for rule in staff_rules(app):
        if "GET" in rule.methods and not rule.rule.endswith(DOWNLOADS):
            client_request.get(url_for_rule(rule, objects))
            opened += 1
    assert opened >= 8


def test_staff_screens_are_never_cached_and_use_the_staff_menu(app, client_request, make_staff):
    # Marked on the views (role_required), not matched by URL: checked on every staff screen.
    objects = make_objects(app)
    client = client_request.sign_in(make_staff("admin")).client
    for rule in staff_rules(app):
        if "GET" in rule.methods:
            response = client.get(url_for_rule(rule, objects))
            assert response.headers["Cache-Control"] == "no-store", rule.rule
            if not rule.rule.endswith(DOWNLOADS):  # a CSV has no menu, but is never cached either
                assert "Staff home" in response.get_data(as_text=True), rule.rule
