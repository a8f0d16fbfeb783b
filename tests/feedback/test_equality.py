"""Equality monitoring: optional, skippable in one click, proportionate, stored apart."""

import pytest
from bs4 import BeautifulSoup

from portal.feedback.models import EqualityAnswers, Submission
from portal.shared import equality
from tests.support.journeys import ADULT, YOUNG, Teller, equality_rows, stored, submission_count

ADULT_ANSWERS = {
    "age": "35_44", "disability": "yes_a_little", "sex": "female", "gender-identity": "yes",
    "ethnic-group": "asian", "ethnic-background": "asian_pakistani", "religion": "muslim", "pregnancy": "no",
    "sexual-orientation": "straight", "marriage": "married", "low-income": "yes",
}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def sent(client, prefix=ADULT, **fill) -> Teller:
    teller = Teller(client, prefix).fill(**fill)
    response = teller.send()
    assert response.headers["Location"] == f"{prefix}/equality", response.headers["Location"]
    return teller


def walk(teller: Teller, answers: dict, extra: dict | None = None) -> list[str]:
    """Answer every question offered; return the slugs in the order they were asked."""
    response = teller.post("/equality", {"choice": "answer"})
    asked = []
    while "/equality/" in response.headers["Location"]:
        slug = response.headers["Location"].rsplit("/", 1)[1]
        asked.append(slug)
        page = teller.get(f"/equality/{slug}")
        assert page.status_code == 200
        data = {"answer": answers.get(slug, "prefer_not"), **((extra or {}).get(slug, {}))}
        response = teller.post(f"/equality/{slug}", data)
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"] == f"{teller.prefix}/confirmation"
    return asked


def test_the_offer_comes_after_the_feedback_is_stored_with_the_reference_shown(app, client):
    teller = sent(client)
    assert submission_count(app) == 1
    page = soup(teller.get("/equality"))
    reference = page.select_one(".govuk-notification-banner strong").get_text(strip=True)
    assert stored(app, reference) is not None
    assert "(optional)" in page.select_one("h1").get_text()


def test_answer_and_skip_are_equal_buttons(client):
    teller = sent(client)
    buttons = soup(teller.get("/equality")).select("main form button")
    assert [b.get_text(strip=True) for b in buttons] == ["Answer the questions", "Skip the questions"]
    assert buttons[0]["class"] == buttons[1]["class"]
    assert buttons[0].find_parent("form") is buttons[1].find_parent("form")


def test_skipping_stores_nothing_and_goes_to_the_confirmation(app, client):
    teller = sent(client)
    response = teller.post("/equality", {"choice": "skip"})
    assert response.headers["Location"] == "/tell-us/confirmation"
    assert equality_rows(app) == []
    assert submission_count(app) == 1
    assert teller.get("/equality").headers["Location"] == "/tell-us/confirmation"  # the offer is gone


def test_answering_everything_stores_one_row_apart_from_the_feedback(app, client):
    teller = sent(client, theme="hope-for-the-future", area="bradford-south")
    asked = walk(teller, ADULT_ANSWERS)
    assert asked == ["age", "disability", "sex", "gender-identity", "ethnic-group", "ethnic-background", "religion",
                     "pregnancy", "sexual-orientation", "marriage", "low-income"]
    [row] = equality_rows(app)
    assert (row.age, row.disability, row.sex, row.gender_identity_same) == ("35_44", "yes_a_little", "female", "yes")
    assert (row.ethnic_group, row.ethnic_background, row.ethnic_background_other) == ("asian", "asian_pakistani", None)
    assert (row.religion, row.pregnancy, row.sexual_orientation, row.marriage, row.low_income) == (
        "muslim", "no", "straight", "married", "yes")
    submission = stored(app, soup(teller.get("/confirmation")).select_one(".yp-reference").get_text(strip=True))
    assert row.audience == "adult" and row.theme_id == submission.theme_id and row.area_id == submission.area_id
    assert row.month.day == 1 and row.month.month == submission.created_at.month
    assert "Thank you for answering the questions about you" in teller.get("/confirmation").get_data(as_text=True)


def test_the_table_has_no_link_to_the_feedback():
    columns = set(EqualityAnswers.__table__.columns.keys())
    assert not columns & {"submission_id", "reference", "draft_token", "body", "email", "created_at"}
    assert {fk.column.table.name for fk in EqualityAnswers.__table__.foreign_keys} == {"theme", "area"}
    assert not any(fk.column.table.name == "equality_answers" for fk in Submission.__table__.foreign_keys)


def test_row_ids_are_random_so_they_cannot_be_lined_up_with_submissions(app, client):
    ids = []
    for _ in range(3):
        walk(sent(client), {"age": "25_34"})
        ids = [row.id for row in equality_rows(app)]
    assert len(set(ids)) == 3 and all(i >= 2**30 for i in ids)


def test_a_replayed_last_answer_is_stored_once(app, client):
    teller = sent(client)
    state = None
    response = teller.post("/equality", {"choice": "answer"})
    while True:
        slug = response.headers["Location"].rsplit("/", 1)[1]
        with client.session_transaction() as session:
            state = dict(session["tell_us_equality"])
        response = teller.post(f"/equality/{slug}", {"answer": "prefer_not"})
        if response.headers["Location"].endswith("/confirmation"):
            break
    # Put the equality session back as it was before the last answer, and send it again.
    with client.session_transaction() as session:
        session["tell_us_equality"] = state
    teller.post(f"/equality/{slug}", {"answer": "prefer_not"})
    assert len(equality_rows(app)) == 1


def test_skip_the_rest_keeps_what_was_answered(app, client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})
    teller.post("/equality/age", {"answer": "65_74"})
    teller.post("/equality/disability", {"answer": "yes_a_lot"})
    page = soup(teller.get("/equality/sex"))
    skip = page.select_one("button[formaction]")
    assert skip.get_text(strip=True) == "Skip the rest of the questions"
    response = teller.post(skip["formaction"].replace(ADULT, ""), {})
    assert response.headers["Location"] == "/tell-us/confirmation"
    [row] = equality_rows(app)
    assert (row.age, row.disability, row.sex) == ("65_74", "yes_a_lot", None)


def test_every_question_has_prefer_not_to_say_and_a_clear_error(client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})
    for slug in ADULT_ANSWERS:
        page = soup(teller.get(f"/equality/{slug}"))
        labels = [label.get_text(strip=True) for label in page.select(".govuk-radios__label")]
        assert labels[-1] == "Prefer not to say", slug
        assert page.select_one(".govuk-caption-l").get_text(strip=True).endswith("(optional)")
        response = teller.post(f"/equality/{slug}", {})
        assert response.status_code == 200
        assert [a.get_text() for a in soup(response).select(".govuk-error-summary__list a")] == [
            "Select an answer, or select ‘Prefer not to say’"], slug
        response = teller.post(f"/equality/{slug}", {"answer": "something-not-offered"})
        assert response.status_code == 200, slug
        teller.post(f"/equality/{slug}", {"answer": ADULT_ANSWERS[slug]})


def test_gss_categories(client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})

    def labels(slug):
        return [label.get_text(strip=True) for label in soup(teller.get(f"/equality/{slug}")).select(".govuk-radios__label")]

    assert labels("ethnic-group") == ["White", "Mixed or Multiple ethnic groups", "Asian or Asian British",
                                      "Black, Black British, Caribbean or African", "Other ethnic group", "Prefer not to say"]
    assert labels("religion") == ["No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh",
                                  "Any other religion", "Prefer not to say"]
    # In plain words, but the GSS categories: limited a lot, a little, not limited.
    assert labels("disability") == ["Yes, and it limits what I can do day to day a lot",
                                    "Yes, and it limits what I can do day to day a little",
                                    "No, or it does not limit what I can do", "Prefer not to say"]
    assert labels("sexual-orientation") == ["Straight or heterosexual", "Gay or lesbian", "Bisexual",
                                            "Other sexual orientation", "Prefer not to say"]
    for group, backgrounds in equality.ETHNIC_BACKGROUNDS.items():
        teller.post("/equality/ethnic-group", {"answer": group})
        shown = labels("ethnic-background")
        assert shown == [text for _, text in backgrounds] + ["Prefer not to say"]
        assert shown[-2].startswith("Any other")


def test_ethnicity_in_two_steps_with_free_text_for_any_other(app, client):
    teller = sent(client)
    asked = walk(teller, {"ethnic-group": "white", "ethnic-background": "white_other"},
                 {"ethnic-background": {"other": "Polish"}})
    assert "ethnic-background" in asked
    [row] = equality_rows(app)
    assert (row.ethnic_group, row.ethnic_background, row.ethnic_background_other) == ("white", "white_other", "Polish")


def test_free_text_is_only_kept_with_an_any_other_answer(app, client):
    teller = sent(client)
    walk(teller, {"ethnic-group": "white", "ethnic-background": "white_irish"}, {"ethnic-background": {"other": "ignored"}})
    [row] = equality_rows(app)
    assert row.ethnic_background == "white_irish" and row.ethnic_background_other is None


def test_a_background_from_another_group_is_refused(client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})
    teller.post("/equality/ethnic-group", {"answer": "black"})
    response = teller.post("/equality/ethnic-background", {"answer": "asian_pakistani"})
    assert response.status_code == 200 and soup(response).select(".govuk-error-summary")


def test_free_text_has_a_limit(client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})
    teller.post("/equality/ethnic-group", {"answer": "other"})
    response = teller.post("/equality/ethnic-background", {"answer": "other_any", "other": "x" * 201})
    assert [a.get_text() for a in soup(response).select(".govuk-error-summary__list a")] == [
        "Your description must be 200 characters or fewer"]
    assert soup(response).select_one("#conditional-answer-2 input[name=other]")["value"] == "x" * 201


def test_prefer_not_to_say_ethnic_group_skips_the_background(client):
    teller = sent(client)
    asked = walk(teller, {"ethnic-group": "prefer_not"})
    assert "ethnic-background" not in asked


@pytest.mark.parametrize("band, expected", [
    ("13_15", ["disability", "sex", "ethnic-group", "ethnic-background", "religion", "low-income"]),
    ("16_17", ["disability", "sex", "gender-identity", "ethnic-group", "ethnic-background", "religion", "pregnancy",
               "sexual-orientation", "low-income"]),
    ("18_25_care", ["disability", "sex", "gender-identity", "ethnic-group", "ethnic-background", "religion",
                    "pregnancy", "sexual-orientation", "marriage", "low-income"]),
])
def test_young_people_are_asked_only_what_is_proportionate(app, client, band, expected):
    teller = sent(client, YOUNG, age=band)
    asked = walk(teller, {"ethnic-group": "mixed", "ethnic-background": "mixed_white_asian"})
    assert asked == expected
    [row] = equality_rows(app)
    assert row.audience == "young_person" and row.age == f"young_{band}"
    if band != "18_25_care":
        assert row.marriage is None


def test_under_16s_low_income_question_is_about_free_school_meals(app, client):
    teller = sent(client, YOUNG, age="13_15")
    teller.post("/equality", {"choice": "answer"})
    page = soup(teller.get("/equality/low-income"))
    assert page.select_one("h1").get_text(strip=True) == "Do you get free school meals?"
    assert teller.post("/equality/low-income", {"answer": "fsm_yes"}).headers["Location"] == "/young-people/tell-us/confirmation"
    [row] = equality_rows(app)
    assert row.low_income == "fsm_yes"


def test_young_people_cannot_be_sent_a_question_not_meant_for_them(app, client):
    teller = sent(client, YOUNG, age="13_15")
    teller.post("/equality", {"choice": "answer"})
    for slug in ("sexual-orientation", "gender-identity", "pregnancy", "marriage", "age"):
        assert teller.get(f"/equality/{slug}").headers["Location"] == "/young-people/tell-us/equality"
        teller.post(f"/equality/{slug}", {"answer": "prefer_not"})
    teller.post("/equality/skip", {})
    assert equality_rows(app) == []


def test_under_13s_are_never_asked(app, client):
    teller = Teller(client, YOUNG).fill(age="under_13")
    response = teller.send()
    assert response.headers["Location"] == "/young-people/tell-us/confirmation"
    assert teller.get("/equality").headers["Location"] == "/young-people/tell-us/confirmation"
    assert teller.get("/equality/sex").headers["Location"] == "/young-people/tell-us/confirmation"
    assert equality.questions_for("young_person", "under_13") == []


def test_someone_whose_feedback_was_flagged_is_not_asked(client):
    teller = Teller(client).fill(body="My neighbour's little boy told me his dad hits me and him, I mean hits him")
    assert teller.send().headers["Location"] == "/tell-us/confirmation"


def test_equality_answers_are_never_shown_back(client):
    teller = sent(client)
    walk(teller, ADULT_ANSWERS)
    page = teller.get("/confirmation").get_data(as_text=True)
    assert "Pakistani" not in page and "Muslim" not in page


def test_plain_words_keep_the_gss_categories_and_stored_values(app, client):
    teller = sent(client)
    teller.post("/equality", {"choice": "answer"})

    def page(slug):
        return soup(teller.get(f"/equality/{slug}"))

    def values(slug):
        return [radio["value"] for radio in page(slug).select("input[type=radio]")]

    disability = page("disability")
    assert disability.select_one("h1").get_text(strip=True) == (
        "Do you have a health condition or illness that has lasted, or will last, a year or more?")
    assert "12 months" not in disability.get_text() and "expected to last" not in disability.get_text()
    assert values("disability") == ["yes_a_lot", "yes_a_little", "no", "prefer_not"]
    marriage = page("marriage")
    assert "Was in a civil partnership that has ended (dissolved)" in [
        label.get_text(strip=True) for label in marriage.select(".govuk-radios__label")]
    assert "legally dissolved" not in marriage.get_text() and "Formerly" not in marriage.get_text()
    assert values("marriage") == ["never", "married", "civil_partnership", "separated_married", "separated_civil",
                                  "divorced", "dissolved", "widowed", "surviving_partner", "prefer_not"]
    walk(teller, {"disability": "yes_a_little", "marriage": "dissolved"})
    [row] = equality_rows(app)
    assert (row.disability, row.marriage) == ("yes_a_little", "dissolved")


@pytest.mark.parametrize("prefix, band, told", [
    (ADULT, None, "The next question is about gender identity."),
    (YOUNG, "16_17", "The next question is about gender."),
    (YOUNG, "18_25_care", "The next question is about gender."),
    (YOUNG, "13_15", None),  # not asked about gender, so not told about it
])
def test_the_sex_question_mentions_gender_only_to_people_asked_about_it(client, prefix, band, told):
    teller = sent(client, prefix, **({"age": band} if band else {}))
    teller.post("/equality", {"choice": "answer"})
    text = soup(teller.get("/equality/sex")).select_one("main").get_text(" ", strip=True)
    if told:
        assert told in text
    else:
        assert "gender" not in text.lower()


@pytest.mark.parametrize("prefix, band", [(ADULT, None), (YOUNG, "13_15"), (YOUNG, "16_17"), (YOUNG, "18_25_care")])
def test_the_pages_never_use_legal_terms_for_the_questions(client, prefix, band):
    teller = sent(client, prefix, **({"age": band} if band else {}))
    pages = [teller.get("/equality")]
    response = teller.post("/equality", {"choice": "answer"})
    while "/equality/" in response.headers["Location"]:
        slug = response.headers["Location"].rsplit("/", 1)[1]
        pages.append(teller.get(f"/equality/{slug}"))
        response = teller.post(f"/equality/{slug}", {"answer": "white" if slug == "ethnic-group" else "prefer_not"})
    pages.append(teller.get("/confirmation"))
    for page in pages:
        text = soup(page).select_one("main").get_text(" ", strip=True).lower()
        for term in ("protected characteristic", "special category", "equality act"):
            assert term not in text, (page.request.path, term)
    assert "questions about you" in soup(pages[0]).select_one("h1").get_text().lower()
