"""The retention job: each period's boundary (old cleared, new untouched), published
responses intact, idempotent, two runs at once on the database under test, printed and
audited counts with no personal data, and the privacy pages stating the same periods."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.advisory.models import AdvisoryLink, Application, ApplicationEquality
from portal.core import retention
from portal.extensions import db
from portal.feedback.models import EqualityAnswers, Submission
from portal.ideas.models import Idea, IdeaSupport, SupportVerification
from portal.moderation.models import ModerationNote
from portal.responses.models import Response, ResponseUpdate
from portal.shared.equality_totals import EqualityTotal
from portal.shared.outbox import OutboxMessage
from portal.staff.models import AuditEvent
from tests.support.advisory_factories import make_application
from tests.support.factories import make_published_response, make_submission
from tests.support.ideas import add_support, make_idea

NOW = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)
JUST = timedelta(minutes=1)


def years_before(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year - years)


def answered(submission_or_idea, at: datetime):
    submission_or_idea.status = "answered"
    submission_or_idea.answered_at = at


def test_feedback_email_and_text_at_their_boundaries_and_published_responses_intact(app_ctx, make_staff):
    staff = make_staff("moderator")
    email_edge = NOW - timedelta(days=90)
    text_edge = years_before(NOW, 3)
    rows = {
        "email_old": make_submission("Old email one", email="old@example.com"),
        "email_new": make_submission("New email one", email="new@example.com"),
        "text_old": make_submission("I'm Sam on Oak Road, the lights are out", email="sam@example.com",
                                    audience="young_person"),
        "text_new": make_submission("Lights out near the school", email="kept@example.com"),
        "waiting": make_submission("Not answered yet", email="waiting@example.com",
                                   created_at=NOW - timedelta(days=4000)),
    }
    response = make_published_response([rows["text_old"], rows["text_new"]], you_said="Street lights are out.",
                                       we_did="We fixed 40 street lights.", published_at=text_edge - JUST)
    answered(rows["email_old"], email_edge - JUST)
    answered(rows["email_new"], email_edge + JUST)
    rows["text_old"].answered_at = text_edge - JUST
    rows["text_old"].public_text = "The lights are out."
    rows["text_new"].answered_at = text_edge + JUST
    db.session.add(ModerationNote(item_id=rows["text_old"].id, author_id=staff.id, body="Sam phoned too"))
    db.session.commit()
    ids = {name: row.id for name, row in rows.items()}
    before = (response.you_said, response.we_did, response.status, response.published_at)

    counts = retention.run(now=NOW)
    db.session.expire_all()

    get = lambda name: db.session.get(Submission, ids[name])  # noqa: E731
    assert get("email_old").email is None and get("email_old").body == "Old email one"
    assert get("email_new").email == "new@example.com"
    old = get("text_old")
    assert old.body == retention.REMOVED and old.email is None and old.age_band is None
    # What counts stays: reference, theme, area, audience, dates, status, the answer and the approved wording.
    assert old.reference and old.theme_id and old.area_id and old.audience == "young_person"
    assert old.status == "answered" and old.response_id == response.id and old.public_text == "The lights are out."
    assert db.session.scalar(select(func.count()).select_from(ModerationNote)) == 0
    new = get("text_new")
    assert new.body == "Lights out near the school" and new.email is None  # past 90 days, within 3 years
    assert get("waiting").email == "waiting@example.com"  # never answered: still needed
    published = db.session.get(Response, response.id)
    assert (published.you_said, published.we_did, published.status, published.published_at) == before
    assert db.session.scalar(select(func.count()).select_from(ResponseUpdate)) == 1
    assert counts["feedback anonymised"] == 1
    assert counts["feedback email addresses removed"] == 3  # email_old, text_old (first), text_new

    assert all(n == 0 for n in retention.run(now=NOW).values())  # a second run finds nothing


def test_equality_answers_become_totals_after_five_years(app_ctx):
    edge = years_before(NOW, 5).date()
    for month, sex in [(edge - timedelta(days=1), "female"), (edge - timedelta(days=40), "female"),
                       (edge - timedelta(days=70), "male"), (edge, "male"), (edge + timedelta(days=1), "female")]:
        db.session.add(EqualityAnswers(audience="adult", month=month, sex=sex, religion="no_religion"))
    db.session.commit()

    counts = retention.run(now=NOW)

    assert counts["feedback equality answers turned into totals"] == 3
    left = db.session.scalars(select(EqualityAnswers.month)).all()
    assert sorted(left) == [edge, edge + timedelta(days=1)]
    totals = {(t.question, t.answer): t.count for t in db.session.scalars(
        select(EqualityTotal).where(EqualityTotal.source == "feedback"))}
    assert totals[("sex", "female")] + totals.get(("sex", "male"), 0) == 3
    assert totals[("religion", "no_religion")] == 3
    assert totals[("pregnancy", "not_answered")] == 3
    retention.run(now=NOW)
    assert db.session.scalar(select(func.sum(EqualityTotal.count)).where(EqualityTotal.question == "sex")) == 3


def test_ideas_email_text_supports_and_codes(app_ctx):
    email_edge = NOW - timedelta(days=90)
    old = make_idea("Old idea title", "Old idea body", email="idea-old@example.com")
    new = make_idea("New idea title", "New idea body", email="idea-new@example.com")
    answered(old, years_before(NOW, 3) - JUST)
    answered(new, email_edge + JUST)
    support = add_support(old, "device-1")
    support.notify_email = "told@example.com"
    waiting_support = add_support(new, "device-2")
    waiting_support.notify_email = "wait@example.com"
    db.session.add_all([
        SupportVerification(device="d-expired", email="code-old@example.com", code_hash="x", expires_at=NOW - JUST),
        SupportVerification(device="d-live", email="code-new@example.com", code_hash="y", expires_at=NOW + JUST),
    ])
    db.session.commit()
    old_id, new_id = old.id, new.id

    retention.run(now=NOW)
    db.session.expire_all()

    old, new = db.session.get(Idea, old_id), db.session.get(Idea, new_id)
    assert old.body == old.title == retention.REMOVED and old.email is None
    assert old.public_title == "Old idea title" and old.support_count == 1  # the board's wording and count stay
    assert new.body == "New idea body" and new.email == "idea-new@example.com"
    notify = dict(db.session.execute(select(IdeaSupport.idea_id, IdeaSupport.notify_email)).all())
    assert notify == {old_id: None, new_id: "wait@example.com"}
    assert db.session.scalars(select(SupportVerification.device)).all() == ["d-live"]


def test_advisory_applications_after_a_decision_or_leaving(app_ctx):
    edge = years_before(NOW, 1)
    declined_old = make_application(stage="declined", equality={"sex": "female", "religion": "muslim"})
    declined_new = make_application(stage="declined", equality={"sex": "male"})
    left_old = make_application(stage="left")
    member = make_application(stage="member")
    declined_old.stage_changed_at = edge - JUST
    declined_new.stage_changed_at = edge + JUST
    left_old.left_on = (edge - timedelta(days=1)).date()
    member.stage_changed_at = edge - timedelta(days=400)
    db.session.add(AdvisoryLink(purpose="offer", application_id=declined_old.id, nonce_hash="n1",
                                expires_at=NOW - timedelta(days=400)))
    db.session.commit()
    ids = [declined_old.id, declined_new.id, left_old.id, member.id]

    counts = retention.run(now=NOW)
    db.session.expire_all()

    gone, kept, left, still = (db.session.get(Application, i) for i in ids)
    assert counts["advisory group applications anonymised"] == 2
    for row in (gone, left):
        assert row.name == retention.REMOVED and row.email is None and row.phone is None and row.why == retention.REMOVED
        assert row.seat_pool == "keighley" and row.reference  # seats and history still count
    assert gone.stage == "declined" and left.stage == "left"
    assert kept.name.startswith("Applicant") and kept.email and still.email
    assert db.session.scalars(select(ApplicationEquality.application_id)).all() == [kept.id]
    assert db.session.scalar(select(func.count()).select_from(AdvisoryLink)) == 0
    totals = {(t.question, t.answer): t.count for t in db.session.scalars(
        select(EqualityTotal).where(EqualityTotal.source == "advisory"))}
    assert totals[("sex", "female")] == 1 and totals[("religion", "muslim")] == 1


def test_sent_emails_blanked_after_the_email_period(app_ctx):
    edge = NOW - timedelta(days=90)
    for key, sent in [("old", edge - JUST), ("new", edge + JUST), ("waiting", None)]:
        db.session.add(OutboxMessage(dedupe_key=key, to_address=f"{key}@example.com", subject="Your feedback",
                                     body="Dear Sam", created_at=edge - timedelta(days=1), sent_at=sent))
    db.session.commit()

    retention.run(now=NOW)

    rows = {m.dedupe_key: m for m in db.session.scalars(select(OutboxMessage))}
    assert rows["old"].to_address == "" and rows["old"].body == retention.REMOVED
    assert rows["new"].to_address == "new@example.com" and rows["waiting"].to_address == "waiting@example.com"


def test_the_command_prints_counts_only_and_is_audited_once_per_run(app):
    with app.app_context():
        s = make_submission("Private words from Priya", email="priya@example.com")
        answered(s, datetime.now(UTC) - timedelta(days=4 * 365))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "1\tfeedback anonymised" in result.output
    assert "priya" not in result.output.lower() and "Private" not in result.output
    again = runner.invoke(args=["retention", "run"])
    assert again.exit_code == 0 and "Retention done: 0 changed." in again.output
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")
                                    .order_by(AuditEvent.id)).all()
        assert len(events) == 2
        assert events[0].after["feedback anonymised"] == 1 and events[1].after["feedback anonymised"] == 0
        assert "priya" not in str(events[0].after).lower()


def test_two_runs_at_once_do_each_thing_once_without_errors(app):
    count = 120
    with app.app_context():
        old = NOW - timedelta(days=4 * 365)
        for i in range(count):
            s = make_submission(f"Message {i}", email=f"p{i}@example.com", commit=False)
            answered(s, old)
            db.session.add(EqualityAnswers(audience="adult", month=date(2020, 1, 1), sex="female"))
        db.session.commit()

    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            with app.app_context():
                start.wait()
                results.append(retention.run(now=NOW, batch=7))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert len(results) == 2
    assert sum(r["feedback anonymised"] for r in results) == count
    assert sum(r["feedback equality answers turned into totals"] for r in results) == count
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)
                                 .where(Submission.body != retention.REMOVED)) == 0
        assert db.session.scalar(select(func.sum(EqualityTotal.count)).where(EqualityTotal.question == "sex")) == count
        assert db.session.scalar(select(func.count()).select_from(EqualityAnswers)) == 0


@pytest.mark.parametrize("path", ["/privacy", "/young-people/privacy"])
def test_the_privacy_pages_state_the_periods_the_job_applies(app, client, path):
    page = client.get(path).get_data(as_text=True)
    assert "90 days after we answer" in page and "3 years after we answer it" in page and "5 years" in page
    app.config.update(RETENTION_EMAIL_DAYS=60, RETENTION_MESSAGE_YEARS=2, RETENTION_EQUALITY_YEARS=4)
    try:
        page = client.get(path).get_data(as_text=True)
        with app.app_context():
            assert retention.cutoff("email", NOW) == NOW - timedelta(days=60)
    finally:
        for key in ("RETENTION_EMAIL_DAYS", "RETENTION_MESSAGE_YEARS", "RETENTION_EQUALITY_YEARS"):
            app.config.pop(key)
    assert "60 days after we answer" in page and "2 years after we answer it" in page and "4 years" in page
    assert "90 days" not in page and "3 years" not in page and "5 years" not in page


def test_the_privacy_page_words_a_single_year_and_translates_the_periods(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "If you do not join: 1 year after we decide. If you join: until 1 year after you leave the group." in page
    assert "Your answers: 2 hours if you do nothing. Your device and your language: 1 year." in page
