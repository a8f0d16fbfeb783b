"""Tell us: the question pages, check answers, submitting exactly once, and bad input."""

import threading

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.feedback.models import Submission
from portal.shared.references import check_character
from portal.timeutil import UK, add_working_days, as_aware
from tests.support import assert_page_weight, max_queries
from tests.support.journeys import ADULT, REFERENCE_SHOWN, YOUNG, Teller, engine, stored, submission_count
from tests.support.staff import csrf_token_from


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_texts(response) -> list[str]:
    page = soup(response)
    return [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")]


# ---- the whole journey ----------------------------------------------------------------


def test_adult_journey_stores_one_submission_with_a_reference_and_answer_date(app, client):
    teller = Teller(client).fill(theme="linking-up-schools", area="bradford-west",
                                 body="Pair our primary school with one in Keighley, please.", email="resident@example.com")
    reference, html = teller.send_and_follow()
    submission = stored(app, reference)
    assert submission is not None
    assert submission.audience == "adult" and submission.channel == "online"
    assert submission.theme.slug == "linking-up-schools" and submission.area.slug == "bradford-west"
    assert submission.area_choice == "area"
    assert submission.body == "Pair our primary school with one in Keighley, please."
    assert submission.email == "resident@example.com"
    assert submission.status == "received" and submission.safeguarding_state == "none"
    assert submission.age_band is None and submission.care_experienced is None
    created_on = as_aware(submission.created_at).astimezone(UK).date()
    assert submission.due_on == add_working_days(created_on, 20)
    assert submission.due_on.weekday() < 5
    assert submission.display_reference == reference
    assert submission_count(app) == 1


def test_the_target_answer_time_is_a_setting(app, client):
    from portal.core.models import Setting, reference_changed

    def set_days(value: str) -> None:
        with app.app_context():
            db.session.get(Setting, "target_answer_working_days").value = value
            db.session.commit()
            reference_changed()  # as the settings screen does

    set_days("5")
    try:
        reference, _ = Teller(client).fill().send_and_follow()
    finally:
        set_days("20")  # reference data outlives the test
    submission = stored(app, reference)
    created_on = as_aware(submission.created_at).astimezone(UK).date()
    assert submission.due_on == add_working_days(created_on, 5)


def test_something_else_somewhere_else_and_prefer_not_to_say(app, client):
    reference, _ = Teller(client).fill(theme="something-else", area="somewhere-else").send_and_follow()
    submission = stored(app, reference)
    assert submission.theme_id is None and submission.area_id is None and submission.area_choice == "elsewhere"
    reference, _ = Teller(client).fill(theme="hope-for-the-future", area="prefer-not-to-say").send_and_follow()
    assert stored(app, reference).area_choice == "prefer_not"


def test_start_page_explains_and_links_to_the_first_question_without_setting_a_cookie(client):
    response = client.get("/tell-us")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    start = soup(response).select_one("a.govuk-button--start")
    assert start["href"] == "/tell-us/about"
    assert "999" in response.get_data(as_text=True)


def test_each_question_page_has_a_back_link_and_one_question(client):
    teller = Teller(client)
    pages = {"/about": "/tell-us", "/where": "/tell-us/about", "/message": "/tell-us/where", "/reply": "/tell-us/message"}
    teller.answer("about", "hope-for-the-future")
    teller.answer("where", "shipley")
    teller.post("/message", {"body": "Hello"})
    for path, back in pages.items():
        page = soup(teller.get(path))
        assert page.select_one("a.govuk-back-link")["href"] == back, path
        assert len(page.select("main h1")) == 1, path
        assert len(page.select("main form[method=post]")) == 1, path


def test_saved_answers_are_shown_when_going_back(client):
    teller = Teller(client).fill(theme="hope-for-the-future", area="shipley", body="Saltaire is lovely", email="a@example.com")
    assert soup(teller.get("/about")).select_one("input[value=hope-for-the-future]").has_attr("checked")
    assert soup(teller.get("/where")).select_one("input[value=shipley]").has_attr("checked")
    assert soup(teller.get("/message")).select_one("textarea").get_text() == "Saltaire is lovely"
    assert soup(teller.get("/reply")).select_one("input[name=email]")["value"] == "a@example.com"


def test_character_count_is_worked_out_on_the_server(client):
    teller = Teller(client)
    teller.answer("about", "hope-for-the-future")
    teller.answer("where", "shipley")
    page = soup(teller.get("/message"))
    assert "You can enter up to 2,000 characters" in page.select_one("#body-info").get_text()
    assert not page.select_one("textarea").has_attr("maxlength")  # a paste is never cut short
    teller.post("/message", {"body": "x" * 1990})
    page = soup(teller.get("/message"))
    assert "You have 10 characters remaining" in page.select_one("#body-info").get_text()
    response = teller.post("/message", {"body": "x" * 2003})
    assert "You have 3 characters too many" in soup(response).select_one("#body-info").get_text()


# ---- step order --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix, first", [(ADULT, "about"), (YOUNG, "age")])
def test_later_steps_need_the_earlier_ones(client, prefix, first):
    teller = Teller(client, prefix)
    for path in ("/where", "/message", "/reply", "/check-your-answers"):
        response = teller.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"{prefix}/{first}", path
    response = teller.post("/message", {"body": "skipping ahead"})
    assert response.headers["Location"] == f"{prefix}/{first}"
    assert teller.get("/confirmation").headers["Location"] == prefix
    assert teller.get("/equality").headers["Location"] == f"{prefix}/confirmation"


def test_jumping_ahead_after_some_answers_goes_to_the_first_unanswered(client):
    teller = Teller(client)
    teller.answer("about", "hope-for-the-future")
    assert teller.get("/reply").headers["Location"] == "/tell-us/where"
    assert teller.get("/check-your-answers").headers["Location"] == "/tell-us/where"


def test_unknown_step_is_not_found(client):
    assert client.get("/tell-us/password").status_code == 404


# ---- check answers and change links ----------------------------------------------------


def test_check_answers_lists_every_answer_with_a_change_link(client):
    teller = Teller(client).fill(theme="hope-for-the-future", area="shipley", body="Line one\r\nLine two", email="")
    page = soup(teller.get("/check-your-answers"))
    rows = {row.select_one("dt").get_text(strip=True): row for row in page.select(".govuk-summary-list__row")}
    assert list(rows) == ["What it is about", "Area", "Your feedback", "Email for a reply"]
    assert rows["What it is about"].select_one(".govuk-summary-list__value").get_text(strip=True) == "Hope for the Future"
    assert rows["Area"].select_one(".govuk-summary-list__value").get_text(strip=True) == "Shipley"
    assert rows["Email for a reply"].select_one(".govuk-summary-list__value").get_text(strip=True) == "Not provided"
    body = rows["Your feedback"].select_one(".govuk-summary-list__value")
    assert body.find("br") is not None and "Line one" in body.get_text() and "Line two" in body.get_text()
    for key, row in rows.items():
        link = row.select_one(".govuk-summary-list__actions a")
        assert link["href"].endswith("?change=1")
        assert link.get_text(" ", strip=True) == f"Change {key.lower()}"


def test_change_links_return_to_check_answers_and_keep_everything_else(app, client):
    teller = Teller(client).fill(theme="hope-for-the-future", area="shipley", body="Original words", email="me@example.com")
    change = teller.get("/about?change=1")
    assert soup(change).select_one("a.govuk-back-link")["href"] == "/tell-us/check-your-answers"
    response = teller.post("/about?change=1", {"answer": "linking-up-schools"})
    assert response.headers["Location"] == "/tell-us/check-your-answers"
    response = teller.post("/message?change=1", {"body": "Better words"})
    assert response.headers["Location"] == "/tell-us/check-your-answers"
    page = teller.get("/check-your-answers").get_data(as_text=True)
    assert "Linking Up Schools" in page and "Shipley" in page and "Better words" in page and "me@example.com" in page
    reference, _ = teller.send_and_follow()
    submission = stored(app, reference)
    assert (submission.theme.slug, submission.area.slug, submission.body, submission.email) == (
        "linking-up-schools", "shipley", "Better words", "me@example.com")


# ---- validation --------------------------------------------------------------------------


def test_gov_uk_error_messages_and_error_title(client):
    teller = Teller(client)
    response = teller.post("/about", {})
    assert response.status_code == 200
    assert error_texts(response) == ["Select what your feedback is about"]
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    assert page.select_one(".govuk-error-summary__list a")["href"] == "#answer"
    assert page.select_one("#answer")["type"] == "radio"
    assert error_texts(teller.post("/where", {})) == []  # not reached yet: sent back to the first step
    teller.answer("about", "hope-for-the-future")
    assert error_texts(teller.post("/where", {})) == ["Select the area it is about, or select ‘Prefer not to say’"]
    teller.answer("where", "keighley")
    assert error_texts(teller.post("/message", {"body": ""})) == ["Enter what you want to tell us"]
    assert error_texts(teller.post("/message", {"body": "   \r\n  "})) == ["Enter what you want to tell us"]
    assert error_texts(teller.post("/message", {"body": "x" * 2001})) == [
        "What you want to tell us must be 2,000 characters or fewer"]
    assert error_texts(teller.post("/message", {"body": "a\x00b"})) == [
        "What you wrote contains a character we cannot accept. Remove it and try again"]
    assert teller.post("/message", {"body": "x" * 2000}).status_code == 302
    assert error_texts(teller.post("/reply", {"email": "not-an-email"})) == [
        "Enter an email address in the correct format, like name@example.com"]
    assert error_texts(teller.post("/reply", {"email": "a" * 250 + "@example.com"})) == [
        "Email address must be 254 characters or fewer"]


def test_young_people_get_their_own_words(client):
    teller = Teller(client, YOUNG)
    assert error_texts(teller.post("/age", {})) == ["Choose how old you are"]
    teller.answer("age", "13_15")
    assert teller.answer("care", None).status_code == 302  # optional: Continue with no answer
    assert error_texts(teller.post("/about", {})) == ["Choose what you want to tell us about"]
    teller.answer("about", "linking-up-schools")
    teller.answer("where", "keighley")
    assert error_texts(teller.post("/message", {"body": ""})) == ["Write what you want to tell us"]
    assert error_texts(teller.post("/message", {"body": "x" * 2001})) == [
        "Your message is too long. It must be 2,000 characters or fewer"]


@pytest.mark.parametrize("step, value", [
    ("about", "not-a-theme"), ("about", "1"), ("about", "<script>"), ("where", "narnia"), ("where", "area"),
])
def test_unknown_choices_are_refused_and_nothing_is_saved(app, client, step, value):
    teller = Teller(client)
    if step == "where":
        teller.answer("about", "hope-for-the-future")
    response = teller.answer(step, value)
    assert response.status_code == 200 and error_texts(response)
    assert not soup(response).select("input[checked]")
    assert teller.get("/check-your-answers").headers["Location"] == f"/tell-us/{step}"
    assert submission_count(app) == 0


@pytest.mark.parametrize("step, value", [("age", "12"), ("age", "18_25"), ("care", "maybe")])
def test_unknown_young_people_choices_are_refused(app, client, step, value):
    teller = Teller(client, YOUNG)
    if step == "care":
        teller.answer("age", "13_15")
    response = teller.answer(step, value)
    assert response.status_code == 200 and error_texts(response)
    assert teller.get("/check-your-answers").headers["Location"] == f"/young-people/tell-us/{step}"


def test_over_long_text_is_refused_and_nothing_is_stored(app, client):
    teller = Teller(client)
    teller.answer("about", "hope-for-the-future")
    teller.answer("where", "keighley")
    response = teller.post("/message", {"body": "é" * 2001})
    assert response.status_code == 200
    assert "2,000 characters or fewer" in response.get_data(as_text=True)
    # The long text is shown back for editing, not kept in the draft.
    assert soup(response).select_one("textarea").get_text() == "é" * 2001
    assert teller.get("/check-your-answers").headers["Location"] == "/tell-us/message"
    assert teller.send(draft_token="anything").status_code == 302
    assert submission_count(app) == 0


def test_a_body_far_beyond_the_request_limit_gets_a_clear_page(app, client):
    teller = Teller(client)
    teller.answer("about", "hope-for-the-future")
    teller.answer("where", "keighley")
    response = teller.post("/message", {"body": "x" * 100_000})
    assert response.status_code == 413
    assert "What you sent is too big" in response.get_data(as_text=True)
    assert submission_count(app) == 0


# ---- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged-token", "IjAxMjM0NTY3ODki.Zz.forged"])
def test_missing_or_forged_csrf_token_is_refused_and_nothing_is_stored(app, client, token):
    teller = Teller(client).fill()
    draft_token = teller.draft_token()
    data = {"draft_token": draft_token}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/tell-us/check-your-answers", data=data)
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert submission_count(app) == 0
    # And on a question page: the draft is not changed.
    response = client.post("/tell-us/message", data={"body": "changed", **({"csrf_token": token} if token else {})})
    assert response.status_code == 400
    assert "changed" not in teller.get("/check-your-answers").get_data(as_text=True)


def test_a_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    their_token = csrf_token_from(other.get("/tell-us/about").get_data(as_text=True))
    teller = Teller(client).fill()
    response = teller.send(csrf_token=their_token)
    assert response.status_code == 400
    assert submission_count(app) == 0


# ---- bots --------------------------------------------------------------------------------


def test_a_filled_honeypot_on_the_message_page_stores_nothing(app, client):
    teller = Teller(client)
    teller.answer("about", "hope-for-the-future")
    teller.answer("where", "keighley")
    page = soup(teller.get("/message"))
    trap = page.select_one("input[name=website]")
    assert trap.find_parent(attrs={"aria-hidden": "true"}) is not None and trap["tabindex"] == "-1"
    response = teller.post("/message", {"body": "Buy cheap watches", "website": "http://spam.example"})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert teller.get("/check-your-answers").headers["Location"] == "/tell-us/about"  # the draft is gone
    assert submission_count(app) == 0


def test_a_filled_honeypot_on_check_answers_stores_nothing(app, client):
    teller = Teller(client).fill()
    response = teller.send(website="http://spam.example")
    assert response.status_code == 400
    assert submission_count(app) == 0


def test_submitting_is_rate_limited_per_client(app, client, rate_limits):
    teller = Teller(client)
    token = teller.token
    for _ in range(30):
        assert client.post("/tell-us/check-your-answers", data={"csrf_token": token}).status_code == 302
    response = client.post("/tell-us/check-your-answers", data={"csrf_token": token})
    assert response.status_code == 429
    assert "You have tried too many times" in response.get_data(as_text=True)
    # Reading pages is not limited by it.
    assert client.get("/tell-us/about").status_code == 200


# ---- exactly once ------------------------------------------------------------------------


def test_a_replayed_or_double_clicked_send_stores_one_submission(app, client):
    teller = Teller(client).fill()
    draft_token = teller.draft_token()
    first = teller.send(draft_token=draft_token)
    second = teller.send(draft_token=draft_token)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert submission_count(app) == 1
    shown = {REFERENCE_SHOWN.search(client.get(r.headers["Location"]).get_data(as_text=True)).group(0) for r in (first, second)}
    assert len(shown) == 1
    # A refresh of the confirmation and a replay long after: still one.
    client.post("/tell-us/equality", data={"csrf_token": teller.token, "choice": "skip"})
    for _ in range(3):
        assert REFERENCE_SHOWN.search(client.get("/tell-us/confirmation").get_data(as_text=True)).group(0) in shown
        assert teller.send(draft_token=draft_token).status_code == 302
    assert submission_count(app) == 1


def test_an_old_check_answers_page_does_not_send_a_new_draft(app, client):
    teller = Teller(client).fill(body="first")
    old_token = teller.draft_token()
    teller.send(draft_token=old_token)
    Teller(client).fill(body="second")  # a new draft in the same session, not checked yet
    response = teller.send(draft_token=old_token)
    assert submission_count(app) == 1  # the replay of the first does not send the second
    assert response.status_code == 302


def test_two_sends_at_the_same_moment_store_one_submission(app, client, monkeypatch):
    """Both requests pass the "already sent?" check before either inserts: the unique
    draft token makes the second insert fail, and it answers with the first one's reference."""
    from portal.feedback import services

    teller = Teller(client).fill()
    draft_token = teller.draft_token()
    cookie = client.get_cookie("yp_session")
    barrier = threading.Barrier(2, timeout=10)
    real_find_concerns = services.find_concerns

    def find_concerns_together(text):
        barrier.wait()  # both threads are now past the existence check
        return real_find_concerns(text)

    monkeypatch.setattr(services, "find_concerns", find_concerns_together)
    results = []

    def send():
        c = app.test_client()
        c.set_cookie(cookie.key, cookie.value)
        response = c.post("/tell-us/check-your-answers", data={"csrf_token": teller.token, "draft_token": draft_token})
        page = c.get(response.headers["Location"]).get_data(as_text=True)
        results.append((response.status_code, REFERENCE_SHOWN.search(page).group(0)))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [status for status, _ in results] == [302, 302]
    assert len({reference for _, reference in results}) == 1
    assert submission_count(app) == 1


def test_the_service_returns_the_same_row_for_the_same_draft(app_ctx):
    from portal.feedback.services import submit_feedback

    draft = {"token": "t" * 20, "theme": "hope-for-the-future", "area": "keighley", "body": "Hello", "email": None}
    first = submit_feedback(draft, "adult")
    second = submit_feedback(dict(draft), "adult")
    assert first.created and not second.created
    assert first.submission.id == second.submission.id


def test_a_reference_clash_tries_another(app, app_ctx, monkeypatch):
    from portal.feedback import services

    services.submit_feedback({"token": "a" * 20, "theme": "hope-for-the-future", "area": "keighley", "body": "one"}, "adult")
    taken = db.session.scalar(select(Submission.reference))
    fresh = iter([taken, taken, "2345678" + check_character("2345678")])
    monkeypatch.setattr(services, "new_reference", lambda: next(fresh))
    result = services.submit_feedback({"token": "b" * 20, "theme": "hope-for-the-future", "area": "keighley", "body": "two"}, "adult")
    assert result.created and result.submission.reference != taken
    assert submission_count(app) == 2


# ---- under-13s and the young people's steps ---------------------------------------------


def test_under_13s_are_never_asked_for_an_email_and_a_forged_one_is_not_stored(app, client):
    teller = Teller(client, YOUNG)
    teller.answer("age", "under_13")
    teller.answer("care", "no")
    teller.answer("about", "sharing-spaces-and-places")
    teller.answer("where", "bradford-east")
    response = teller.post("/message", {"body": "We want a skate park"})
    assert response.headers["Location"] == "/young-people/tell-us/check-your-answers"
    # The email step is not there for them...
    assert teller.get("/reply").headers["Location"] == "/young-people/tell-us/check-your-answers"
    # ...and a forged post to it is ignored.
    response = teller.post("/reply", {"email": "child@example.com"})
    assert response.status_code == 302
    page = teller.get("/check-your-answers").get_data(as_text=True)
    assert "child@example.com" not in page and "Email" not in soup(teller.get("/check-your-answers")).select_one("dl").get_text()
    # Even an email planted in the draft itself is dropped when it is stored.
    with client.session_transaction() as session:
        draft = dict(session["yp_draft"])
        draft["email"] = "planted@example.com"
        session["yp_draft"] = draft
    reference, html = teller.send_and_follow()
    submission = stored(app, reference)
    assert submission.email is None and submission.age_band == "under_13"
    assert "/equality" not in html  # and no equality questions for under-13s


def test_changing_the_age_band_to_under_13_drops_a_given_email(app, client):
    teller = Teller(client, YOUNG).fill(age="16_17", email="teen@example.com")
    response = teller.post("/age?change=1", {"answer": "under_13"})
    assert response.headers["Location"] == "/young-people/tell-us/check-your-answers"
    assert "teen@example.com" not in teller.get("/check-your-answers").get_data(as_text=True)
    reference, _ = teller.send_and_follow()
    assert stored(app, reference).email is None


def test_changing_the_age_band_from_under_13_asks_the_new_question(client):
    teller = Teller(client, YOUNG).fill(age="under_13")
    response = teller.post("/age?change=1", {"answer": "13_15"})
    assert response.headers["Location"] == "/young-people/tell-us/reply?change=1"
    response = teller.post("/reply?change=1", {"email": ""})
    assert response.headers["Location"] == "/young-people/tell-us/check-your-answers"


def test_18_to_25_care_leavers_are_not_asked_the_care_question_again(app, client):
    teller = Teller(client, YOUNG)
    response = teller.answer("age", "18_25_care")
    assert response.headers["Location"] == "/young-people/tell-us/about"
    teller.fill(age="18_25_care", email="leaver@example.com")
    reference, _ = teller.send_and_follow()
    submission = stored(app, reference)
    assert submission.care_experienced == "yes" and submission.email == "leaver@example.com"
    assert submission.audience == "young_person"


def test_care_question_is_optional(app, client):
    reference, _ = Teller(client, YOUNG).fill(age="13_15", care=None).send_and_follow()
    assert stored(app, reference).care_experienced is None
    reference, _ = Teller(client, YOUNG).fill(age="16_17", care="prefer_not").send_and_follow()
    assert stored(app, reference).care_experienced == "prefer_not"


# ---- confirmation and a record to keep --------------------------------------------------


def test_confirmation_page_has_everything_the_pattern_asks_for(app, client):
    teller = Teller(client).fill(email="me@example.com")
    teller.send()
    client.post("/tell-us/equality", data={"csrf_token": teller.token, "choice": "skip"})
    response = client.get("/tell-us/confirmation")
    page = soup(response)
    reference = page.select_one(".govuk-panel .yp-reference").get_text(strip=True)
    submission = stored(app, reference)
    text = page.select_one("main").get_text(" ", strip=True)
    assert "What happens next" in text
    from portal.timeutil import uk_date

    assert uk_date(submission.due_on) in text and "20 working days" in text
    assert "We will email you" in text
    assert page.select_one(f"a[href='/track/{reference}']")
    assert "stronger.communities@bradford.gov.uk" in text
    download = page.select_one("a[download]")
    assert download["href"] == "/tell-us/confirmation/receipt.txt" and download["data-hx-boost"] == "false"
    receipt = client.get(download["href"])
    assert receipt.status_code == 200 and receipt.mimetype == "text/plain"
    assert receipt.headers["Content-Disposition"] == f'attachment; filename="your-place-{reference}.txt"'
    assert receipt.headers["Cache-Control"] == "no-store"
    assert reference in receipt.get_data(as_text=True)
    assert submission.body not in receipt.get_data(as_text=True)  # a receipt, not a copy of what was written


def test_pages_with_answers_on_are_never_cached(client):
    teller = Teller(client).fill()
    assert teller.get("/check-your-answers").headers["Cache-Control"] == "no-store"
    assert teller.get("/about").headers["Cache-Control"] == "no-store"
    assert client.get("/young-people/tell-us/age").headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_on_feedback_pages(client):
    Teller(client).fill()
    for path in ("/tell-us", "/tell-us/about", "/tell-us/message", "/tell-us/check-your-answers",
                 "/young-people", "/young-people/tell-us", "/young-people/tell-us/age", "/track"):
        page = soup(client.get(path))
        assert all(script.get("src") for script in page.find_all("script")), path
        assert not page.find_all("style") and not page.select("[style]"), path


# ---- budgets -----------------------------------------------------------------------------


def _make_many(app) -> None:
    from portal.feedback.demo import seed_demo_feedback

    with app.app_context():
        seed_demo_feedback(7)


@pytest.mark.parametrize("path", ["/tell-us", "/young-people", "/young-people/tell-us", "/track", "TRACK"])
def test_public_pages_stay_within_the_query_budget_at_any_size(app, client, path):
    counts = []
    for many in (False, True):
        if many:
            _make_many(app)
        reference, _ = Teller(app.test_client()).fill().send_and_follow()
        target = f"/track/{reference}" if path == "TRACK" else path
        fresh = app.test_client()
        with max_queries(engine(app), 6, f"GET {target}") as counter:
            assert fresh.get(target).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_question_pages_stay_within_the_query_budget(app, client):
    teller = Teller(client).fill()
    for path in ("/tell-us/about", "/tell-us/where", "/tell-us/message", "/tell-us/reply", "/tell-us/check-your-answers"):
        with max_queries(engine(app), 6, f"GET {path}"):
            assert client.get(path).status_code == 200
    with max_queries(engine(app), 6, "POST /tell-us/about"):
        assert teller.answer("about", "hope-for-the-future").status_code == 302


@pytest.mark.parametrize("path", ["/tell-us", "/tell-us/about", "/young-people", "/young-people/tell-us", "/track", "TRACK"])
def test_public_pages_stay_within_the_page_weight_budget(app, client, path):
    if path == "TRACK":
        reference, _ = Teller(app.test_client()).fill().send_and_follow()
        path = f"/track/{reference}"
    assert_page_weight(client, path)


def test_confirmation_stays_within_budgets(app, client):
    teller = Teller(client).fill(body="someone keeps hitting me and i want to kill myself")
    teller.send()
    with max_queries(engine(app), 6, "confirmation"):
        assert client.get("/tell-us/confirmation").status_code == 200
    assert_page_weight(client, "/tell-us/confirmation")


def test_nothing_lingers_in_the_session_after_sending(client):
    teller = Teller(client).fill(body="private words", email="me@example.com")
    teller.send()
    with client.session_transaction() as session:
        assert "tell_us_draft" not in session
        assert set(session["tell_us_done"]) == {"reference", "token", "at"}
        assert "private words" not in repr(dict(session)) and "me@example.com" not in repr(dict(session))


def test_finishing_clears_the_confirmation_from_a_shared_device(app, client):
    """On a youth-club tablet the next person must not find the last person's reference."""
    reference, _ = Teller(client).fill(body="More benches in Lister Park").send_and_follow()
    confirmation = client.get("/tell-us/confirmation")
    assert reference in confirmation.get_data(as_text=True)
    token = csrf_token_from(confirmation.get_data(as_text=True))
    response = client.post("/tell-us/finish", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/tell-us"
    assert "cleared from this device" in client.get("/tell-us").get_data(as_text=True)
    for path in ("/tell-us/confirmation", "/tell-us/confirmation/receipt.txt"):
        after = client.get(path)
        assert after.status_code == 302 and reference not in after.get_data(as_text=True)


def test_the_confirmation_is_not_kept_for_long(app, client, monkeypatch):
    import time

    from portal.feedback import public as views

    reference, _ = Teller(client).fill(body="More benches in Lister Park").send_and_follow()
    assert reference in client.get("/tell-us/confirmation").get_data(as_text=True)
    later = time.time() + views.CONFIRMATION_WINDOW_SECONDS + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    assert client.get("/tell-us/confirmation").status_code == 302
    assert client.get("/tell-us/confirmation/receipt.txt").status_code == 302


@pytest.mark.parametrize("body", ["More benches in Lister Park", "someone keeps hitting me"])
def test_every_adult_confirmation_has_the_999_line(client, body):
    teller = Teller(client).fill(body=body)
    if teller.send().headers["Location"].endswith("/equality"):
        client.post("/tell-us/equality", data={"csrf_token": teller.token, "choice": "skip"})
    page = soup(client.get("/tell-us/confirmation"))
    line = page.select_one("#if-in-danger")
    assert line.get_text(" ", strip=True) == "If you or someone else is in danger, call 999 ."
    assert line.select_one("a[href='tel:999'] bdi").get_text() == "999"
    assert page.select_one("#if-worried") is None  # Childline's panel is the young people's


def test_references_and_contact_details_in_sentences_are_isolated(client):
    """In a right-to-left page a reference, an email address or a phone number must not
    be reordered by the text around it."""
    teller = Teller(client).fill()
    teller.send()
    client.post("/tell-us/equality", data={"csrf_token": teller.token, "choice": "skip"})
    page = soup(client.get("/tell-us/confirmation"))
    reference = page.select_one(".govuk-panel .yp-reference").get_text(strip=True)
    assert page.select_one("main a[href^='/track/'] bdi.yp-reference").get_text() == reference
    assert page.select_one("a[href='mailto:stronger.communities@bradford.gov.uk'] bdi")
    for link in page.select("main a[href^='tel:']"):
        assert link.select_one("bdi"), link


def test_the_email_question_states_the_retention_period_the_job_applies(app, client, monkeypatch):
    teller = Teller(client).fill(theme="hope-for-the-future", area="shipley", body="Saltaire is lovely")
    assert "We delete it 90 days after we answer." in soup(teller.get("/reply")).get_text()
    monkeypatch.setitem(app.config, "RETENTION_EMAIL_DAYS", 30)
    assert "We delete it 30 days after we answer." in soup(teller.get("/reply")).get_text()
    assert "Usuwamy go 30 dni po udzieleniu odpowiedzi." in soup(teller.get("/reply?lang=pl")).get_text()
