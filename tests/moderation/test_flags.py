"""Safeguarding flags as a workflow: the leads hear once per flag, a flag left for four
working hours goes to the admins and the top of the staff home page, and wording with a
disclosure in it never gets published."""

from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.moderation.flags import HeldForSafeguarding, add_working_hours, escalate_overdue, notify_leads, raise_flag
from portal.moderation.models import ModerationItem
from portal.moderation.services import apply_action
from portal.responses.services import ResponseFields, create_draft, publish
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent, StaffUser
from portal.timeutil import UK
from tests.support.factories import make_submission
from tests.support.journeys import Teller, stored
from tests.support.staff import csrf_token_from

DISCLOSURE = "my stepdad comes in my room at night and says it is our secret"


def emails(app, prefix: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(prefix))
                                       .order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def uk(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK).astimezone(UTC)


# ---- working hours ---------------------------------------------------------------------


@pytest.mark.parametrize("start, due", [
    (uk(2026, 11, 23, 10), uk(2026, 11, 23, 14)),      # Monday morning: the same afternoon
    (uk(2026, 11, 27, 16), uk(2026, 11, 30, 12)),      # Friday 4 pm: one hour Friday, three on Monday
    (uk(2026, 11, 28, 11), uk(2026, 11, 30, 13)),      # Saturday: from Monday 9 am
    (uk(2026, 11, 24, 20), uk(2026, 11, 25, 13)),      # Tuesday night: from Wednesday 9 am
    (uk(2026, 11, 24, 6), uk(2026, 11, 24, 13)),       # before 9 am
    (uk(2026, 3, 27, 15), uk(2026, 3, 30, 11)),        # across the clocks going forward
])
def test_four_working_hours(start, due):
    assert add_working_hours(start, 4) == due


# ---- the leads hear at once, once --------------------------------------------------------


def test_a_flag_from_the_form_emails_every_lead_once_and_never_the_words(app, client, make_staff):
    leads = [make_staff("safeguarding_lead"), make_staff("safeguarding_lead")]
    make_staff("admin")
    teller = Teller(client).fill(body=DISCLOSURE)
    reference, _ = teller.send_and_follow()
    submission = stored(app, reference)
    assert submission.safeguarding_state == "open" and submission.flagged_at is not None
    sent = emails(app, "safeguarding-flag:")
    assert sorted(m.to_address for m in sent) == sorted(lead.email for lead in leads)
    for message in sent:
        assert "stepdad" not in message.body and "secret" not in message.body.lower().replace("on purpose", "")
        assert reference not in message.body  # nothing that points at the person, only a way in
        assert "/moderate/safeguarding" in message.body
    # Queuing the same flag's news again (a retried request, a second worker) adds nothing.
    with app.app_context():
        assert notify_leads(db.session.get(Submission, submission.id)) == 0
        db.session.commit()
    assert len(emails(app, "safeguarding-flag:")) == 2


def test_a_moderator_flag_tells_the_leads_and_flagging_again_does_not(app, make_staff):
    lead = make_staff("safeguarding_lead")
    moderator = make_staff("moderator")
    with app.app_context():
        item_id = make_submission("The bins in Shipley are never emptied").id
        actor = db.session.get(StaffUser, moderator.id)
        result = apply_action("flag", [item_id], actor)
        db.session.commit()
        assert [i.id for i in result.changed] == [item_id]
        again = apply_action("flag", [item_id], actor)
        db.session.commit()
        assert not again.changed
        assert db.session.get(ModerationItem, item_id).is_held
    assert [m.to_address for m in emails(app, "safeguarding-flag:")] == [lead.email]


def test_with_no_lead_the_admins_are_told(app, make_staff):
    admin = make_staff("admin")
    with app.app_context():
        item = make_submission("anything")
        raise_flag(item, ["self_harm"], "test")
        db.session.commit()
    assert [m.to_address for m in emails(app, "safeguarding-flag:")] == [admin.email]


# ---- escalation ----------------------------------------------------------------------------


def test_a_flag_left_four_working_hours_goes_to_the_admins_once(app, make_staff):
    make_staff("safeguarding_lead")
    admins = [make_staff("admin"), make_staff("admin")]
    flagged = uk(2026, 11, 23, 10)  # a Monday
    with app.app_context():
        item = make_submission(DISCLOSURE, created_at=flagged)
        raise_flag(item, ["child_at_risk"], "test", now=flagged)
        handled = make_submission("also flagged, but the lead dealt with it", created_at=flagged)
        raise_flag(handled, ["self_harm"], "test", now=flagged)
        handled.safeguarding_state = "escalated"
        db.session.commit()
        assert escalate_overdue(now=uk(2026, 11, 23, 13, 59)) == 0
        db.session.commit()
    assert emails(app, "safeguarding-escalation:") == []
    with app.app_context():
        assert escalate_overdue(now=uk(2026, 11, 23, 14, 1)) == 1
        db.session.commit()
        assert escalate_overdue(now=uk(2026, 11, 24, 9)) == 0  # once, however often the job runs
        db.session.commit()
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safeguarding.escalated_to_admins"))
    sent = emails(app, "safeguarding-escalation:")
    assert sorted(m.to_address for m in sent) == sorted(a.email for a in admins)
    assert all("stepdad" not in m.body for m in sent)


def test_the_staff_home_page_puts_overdue_flags_at_the_top(app, staff_client, make_staff):
    with app.app_context():
        old = make_submission(DISCLOSURE, created_at=uk(2026, 11, 23, 10))
        raise_flag(old, ["child_at_risk"], "test", now=uk(2026, 11, 23, 10))
        fresh = make_submission("I want to die")
        raise_flag(fresh, ["self_harm"], "test", now=datetime.now(UTC) + timedelta(days=30))  # due long after now
        db.session.commit()
        old_reference, fresh_reference = old.display_reference, fresh.display_reference
    admin, _ = staff_client("admin")
    page = BeautifulSoup(admin.get("/moderate").get_data(as_text=True), "html.parser")
    banner = page.select_one("main #overdue-flags") or page.select_one("#overdue-flags")
    assert banner is not None
    assert "1 safeguarding flag has waited more than 4 working hours" in banner.get_text(" ", strip=True)
    assert old_reference in banner.get_text() and fresh_reference not in banner.get_text()
    assert page.find(id="overdue-flags").find_next("h1") is not None  # above the page heading
    moderator, _ = staff_client("moderator")
    assert 'id="overdue-flags"' not in moderator.get("/moderate").get_data(as_text=True)


def test_the_escalation_command_runs(app, make_staff):
    make_staff("admin")
    with app.app_context():
        item = make_submission(DISCLOSURE, created_at=uk(2026, 11, 23, 10))
        raise_flag(item, ["child_at_risk"], "test", now=uk(2026, 11, 23, 10))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["safeguarding", "escalate"])
    assert result.exit_code == 0 and "Escalated 1 flag." in result.output


# ---- nothing unflagged slips out --------------------------------------------------------------


def test_public_wording_with_a_disclosure_is_not_saved_and_goes_to_the_lead(app, staff_client, make_staff):
    lead = make_staff("safeguarding_lead")
    moderator, _ = staff_client("moderator")
    with app.app_context():
        item_id = make_submission("The park needs better lights", status="in_review").id
    url = f"/moderate/items/{item_id}"
    token = csrf_token_from(moderator.get(url).get_data(as_text=True))
    response = moderator.post(url, data={"csrf_token": token, "public_text": "The park needs better lights. "
                                         "A man there keeps asking kids to send him pics"})
    assert response.status_code == 303
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "has not been published" in page
    with app.app_context():
        item = db.session.get(ModerationItem, item_id)
        assert item.is_held and item.public_text is None and not item.may_be_public
        assert "child_at_risk" in item.safeguarding_categories
    assert [m.to_address for m in emails(app, "safeguarding-flag:")] == [lead.email]


def test_an_answer_quoting_a_disclosure_is_not_published(app, make_staff):
    moderator = make_staff("moderator")
    with app.app_context():
        items = [make_submission("More buses to Keighley", status="in_review", public_text="More buses to Keighley"),
                 make_submission("The 662 is always late", status="in_review", public_text="The 662 is always late")]
        actor = db.session.get(StaffUser, moderator.id)
        draft, _ = create_draft([i.id for i in items], actor)
        db.session.commit()
        fields = ResponseFields(you_said="People asked for better buses, and one said he hits me when I get home late",
                                we_did="We asked the operator for more buses.", status="planned",
                                responsible="Transport team", action_date=date(2027, 1, 15))
        with pytest.raises(HeldForSafeguarding):
            publish(draft, fields, actor)
        db.session.commit()
        assert db.session.get(type(draft), draft.id).state == "draft"
        assert all(db.session.get(ModerationItem, i.id).is_held for i in items)
