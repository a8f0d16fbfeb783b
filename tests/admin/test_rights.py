"""People's data: an admin finds, exports and erases everything held about a reference or
an email address, across feedback, ideas, the advisory group and the outbox, from the
screens and the command line; audited without personal data; admins only; bad input
gets a clear message and changes nothing."""

import json

import pytest
from sqlalchemy import select

from portal.advisory.models import Application, ApplicationEquality
from portal.core import retention
from portal.extensions import db
from portal.feedback.models import Submission
from portal.ideas.models import Idea, IdeaSupport
from portal.responses.models import Response
from portal.shared.outbox import OutboxMessage
from portal.shared.references import format_reference
from portal.staff.models import AuditEvent
from tests.support.advisory_factories import make_application
from tests.support.factories import make_published_response, make_submission, reference_for
from tests.support.ideas import add_support, make_idea
from tests.support.staff import csrf_token_from

EMAIL = "Priya.Shah@Example.com"


@pytest.fixture
def held(app):
    """One person's feedback (answered by a published response), idea, support, application
    and emails; and someone else's feedback, which must never be touched."""
    with app.app_context():
        feedback = make_submission("I'm Priya on Oak Lane, the park is dark", email=EMAIL)
        other = make_submission("Someone else's words", email="other@example.com")
        response = make_published_response([feedback, other], you_said="The park is dark.", we_did="New lamps.")
        idea = make_idea("Priya's idea", "A lamp on every path", email=EMAIL.lower())
        other_idea = make_idea("Another idea", "Benches")
        support = add_support(other_idea, "device-p")
        support.notify_email = EMAIL.lower()
        application = make_application(name="Priya Shah", email=EMAIL.lower(), phone="07700 900123",
                                       equality={"sex": "female"})
        db.session.add(OutboxMessage(dedupe_key="answered:test", to_address=EMAIL.lower(), subject="Answered",
                                     body="Dear Priya"))
        db.session.commit()
        return {"feedback": feedback.id, "reference": feedback.display_reference, "other": other.id,
                "response": response.id, "idea": idea.id, "idea_reference": idea.display_reference,
                "support": support.id, "application": application.id,
                "application_reference": application.display_reference}


@pytest.fixture
def admin(staff_client):
    return staff_client("admin")


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def test_find_by_email_lists_everything_grouped(admin, held):
    client, _ = admin
    html = page(client, "/admin/rights?q=" + EMAIL)
    for expected in ("Feedback (1)", "Idea (1)", "Support for an idea, waiting to be told of the answer (1)",
                     "Application to join the People’s Advisory Group (1)",
                     "Equality answers given with an application (1)", "Email we sent or are about to send (1)",
                     "I&#39;m Priya on Oak Lane", "A lamp on every path", "Priya Shah", "07700 900123", "Dear Priya",
                     held["reference"], "Download as JSON", "Erase"):
        assert expected in html, expected
    assert "Someone else" not in html


def test_find_by_reference_also_finds_emails_sent_to_its_address(admin, held):
    client, _ = admin
    html = page(client, "/admin/rights?q=" + held["reference"].lower().replace("-", " "))
    assert "Feedback (1)" in html and "Dear Priya" in html
    # The address's other records are found by searching for it, not by this reference.
    assert "Priya Shah" not in html
    html = page(client, "/admin/rights?q=" + held["application_reference"])
    assert "Priya Shah" in html and "Equality answers given with an application (1)" in html


def test_export_as_json_and_a_printable_page(admin, held):
    client, _ = admin
    response = client.get("/admin/rights/export.json?q=" + EMAIL)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    exported = response.get_json()
    assert exported["searched_for"] == EMAIL.lower()
    whats = {group["what"]: group["records"] for group in exported["held"]}
    assert whats["Feedback"][0]["What they told us"].startswith("I'm Priya")
    assert whats["Idea"][0]["reference"] == held["idea_reference"]
    printable = page(client, "/admin/rights/export?q=" + EMAIL)
    assert "What we hold about priya.shah@example.com" in printable and "A lamp on every path" in printable
    with client.application.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("rights.%"))).all()
    assert actions.count("rights.exported") == 2


def erase(client, query, reason="Asked by email on 3 March"):
    form = page(client, "/admin/rights/erase?q=" + query)
    return client.post("/admin/rights/erase", data={"q": query, "reason": reason, "csrf_token": csrf_token_from(form)})


def test_erase_by_email_removes_it_everywhere_and_audits_without_personal_data(app, admin, held):
    client, _ = admin
    confirm = page(client, "/admin/rights/erase?q=" + EMAIL)
    assert "Feedback: 1" in confirm and "Erase for good" in confirm
    response = erase(client, EMAIL, reason="Asked by priya.shah@example.com on 3 March")
    assert response.status_code == 302
    after = page(client, response.headers["Location"])
    assert "Erased:" in after and "1 feedback" in after
    with app.app_context():
        feedback = db.session.get(Submission, held["feedback"])
        assert feedback.body == retention.ERASED and feedback.email is None
        assert feedback.reference and feedback.status == "answered" and feedback.response_id == held["response"]
        assert db.session.get(Submission, held["other"]).body == "Someone else's words"
        assert db.session.get(Response, held["response"]).we_did == "New lamps."  # published answer intact
        idea = db.session.get(Idea, held["idea"])
        assert idea.body == retention.ERASED and idea.email is None
        assert db.session.get(IdeaSupport, held["support"]).notify_email is None
        application = db.session.get(Application, held["application"])
        assert application.name == retention.ERASED and application.email is None and application.phone is None
        assert db.session.get(ApplicationEquality, held["application"]) is None
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address.ilike(EMAIL))) is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rights.erased"))
        recorded = json.dumps([event.before, event.after, event.detail, event.subject_id]).lower()
        assert "priya" not in recorded and "example.com" not in recorded and "oak lane" not in recorded
        assert held["reference"] in event.after["references"] and event.after["erased"]["feedback"] == 1
        assert "[email address]" in event.detail
    # Found again, what is left holds nothing about her, and erasing again is harmless.
    html = page(client, "/admin/rights?q=" + held["application_reference"])
    assert "Priya" not in html


def test_erase_by_reference_touches_only_that_record_and_its_emails(app, admin, held):
    client, _ = admin
    assert erase(client, held["idea_reference"]).status_code == 302
    with app.app_context():
        assert db.session.get(Idea, held["idea"]).body == retention.ERASED
        assert db.session.get(Submission, held["feedback"]).body.startswith("I'm Priya")
        assert db.session.get(Application, held["application"]).name == "Priya Shah"


@pytest.mark.parametrize("typed, message", [
    ("BD-7K3Q-94ME", "Enter a reference number in the correct format"),  # wrong check character
    ("priya@", "Enter an email address in the correct format"),
    ("", "Enter a reference number or an email address"),
])
def test_malformed_input_gets_a_clear_message(admin, held, typed, message):
    client, _ = admin
    for url, status in (("/admin/rights?q=", 200), ("/admin/rights/export.json?q=", 400),
                        ("/admin/rights/export?q=", 400), ("/admin/rights/erase?q=", 200)):
        html = page(client, url + typed, status=status)
        assert message in html and "There is a problem" in html


def test_unknown_reference_finds_nothing_and_erases_nothing(app, admin, held):
    client, _ = admin
    unknown = format_reference(reference_for(987_654_321))
    assert f"Nothing is held about {unknown}" in page(client, "/admin/rights?q=" + unknown)
    form = page(client, "/admin/rights/erase?q=" + unknown)
    assert "nothing to erase" in form
    token = csrf_token_from(page(client, "/admin/rights/erase?q=" + EMAIL))
    response = client.post("/admin/rights/erase", data={"q": unknown, "reason": "Asked", "csrf_token": token})
    assert response.status_code == 200 and "nothing to erase" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "rights.erased")).all()


def test_erasing_needs_a_reason_and_a_csrf_token(app, admin, held):
    client, _ = admin
    response = erase(client, EMAIL, reason="   ")
    assert response.status_code == 200 and "Enter why this is being erased" in response.get_data(as_text=True)
    response = client.post("/admin/rights/erase", data={"q": EMAIL, "reason": "Asked"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Submission, held["feedback"]).email == EMAIL


@pytest.mark.parametrize("role", ["moderator", "safeguarding_lead", "facilitator"])
def test_only_admins(staff_client, held, role):
    client, _ = staff_client(role)
    for url in ("/admin/rights", "/admin/rights?q=" + EMAIL, "/admin/rights/export.json?q=" + EMAIL,
                "/admin/rights/export?q=" + EMAIL, "/admin/rights/erase?q=" + EMAIL):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/rights/erase", data={"q": EMAIL, "reason": "x"}).status_code in (400, 403)


def test_signed_out_is_sent_to_sign_in(client):
    assert client.get("/admin/rights").status_code == 302


def test_the_command_line_finds_exports_and_erases(app, make_staff, held, tmp_path):
    admin = make_staff("admin")
    moderator = make_staff("moderator")
    runner = app.test_cli_runner()
    found = runner.invoke(args=["rights", "find", EMAIL, "--admin", admin.email])
    assert found.exit_code == 0, found.output
    assert "Feedback: 1" in found.output and "Priya Shah" in found.output
    out = tmp_path / "export.json"
    exported = runner.invoke(args=["rights", "export", held["reference"], "--admin", admin.email, "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(out.read_text())["held"][0]["what"] == "Feedback"
    refused = runner.invoke(args=["rights", "erase", EMAIL, "--admin", moderator.email, "--reason", "Asked"])
    assert refused.exit_code != 0 and "not an active admin" in refused.output
    no_reason = runner.invoke(args=["rights", "erase", EMAIL, "--admin", admin.email])
    assert no_reason.exit_code != 0
    bad = runner.invoke(args=["rights", "erase", "BD-XXXX", "--admin", admin.email, "--reason", "Asked"])
    assert bad.exit_code != 0 and "correct format" in bad.output
    with app.app_context():
        assert db.session.get(Submission, held["feedback"]).email == EMAIL  # nothing changed yet
    erased = runner.invoke(args=["rights", "erase", EMAIL, "--admin", admin.email, "--reason", "Asked on the phone"])
    assert erased.exit_code == 0, erased.output
    assert "1\tfeedback erased" in erased.output
    with app.app_context():
        assert db.session.get(Submission, held["feedback"]).body == retention.ERASED
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rights.erased"))
        assert event.actor_id == admin.id and event.detail == "Asked on the phone"
        assert "priya" not in json.dumps(event.after).lower()
