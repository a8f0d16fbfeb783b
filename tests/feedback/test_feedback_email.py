"""The email a submitter gets when their feedback is answered: in their language, once."""

from types import SimpleNamespace

import pytest
from flask_babel import get_locale

from portal.feedback import kind
from portal.feedback.models import Submission
from tests.support.factories import reference_for


@pytest.mark.parametrize("language, audience", [("pl", "adult"), ("ur", "young_person"), ("en", "adult")])
def test_the_answered_email_is_written_in_the_language_the_feedback_was_given_in(app, monkeypatch, language, audience):
    locales, queued = [], []
    real_gettext = kind._

    def recording_gettext(text, **variables):
        locales.append(str(get_locale()))
        return real_gettext(text, **variables)

    monkeypatch.setattr(kind, "_", recording_gettext)
    monkeypatch.setattr(kind, "enqueue", lambda **message: queued.append(message) or 1)
    submission = Submission(id=41, reference=reference_for(77), email="a@example.com", audience=audience,
                            language=language)
    with app.test_request_context("/moderate/responses/7", query_string={"lang": "en"}):
        assert kind.queue_answered_email(submission, SimpleNamespace(id=7)) == 1
        assert str(get_locale()) == "en"  # the moderator's own pages stay in their language
    assert locales and set(locales) == {language}
    [message] = queued
    reference = submission.display_reference
    assert message["dedupe_key"] == "answered:41" and message["to_address"] == "a@example.com"
    assert reference in message["subject"] and reference in message["body"]
    assert "/you-said-we-did/7" in message["body"] and f"/track/{reference}" in message["body"]
    english = message["body"].startswith("Hello,") and "has been answered" in message["subject"]
    assert english == (language == "en"), message  # each language from its own catalogue


def test_no_email_address_no_email(app, monkeypatch):
    monkeypatch.setattr(kind, "enqueue", lambda **message: pytest.fail("nothing should be queued"))
    with app.test_request_context("/"):
        assert kind.queue_answered_email(Submission(id=1, reference=reference_for(78), email=None), None) == 0
