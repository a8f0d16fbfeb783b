"""No string left in English: every public page, in every shipped language, is rendered
and compared with the English page. A piece of text that is the same as in English is
untranslated, unless it is a name (SAME_IN_EVERY_LANGUAGE), a number or reference, or is
marked as written in another language (what people and staff wrote, shown as written)."""

import pytest

from portal.i18n import LANGUAGES
from tests.i18n.pages import (
    advisory_journey_pages,
    idea_journey_pages,
    journey_pages,
    public_paths,
    seed_public_content,
    segments,
)

OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]


@pytest.fixture
def content(app):
    return seed_public_content(app)


def _page(client, path: str, code: str) -> str:
    response = client.get(path, query_string={"lang": code})
    assert response.status_code in (200, 404), (path, code, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_public_page_is_left_in_english(app, content, code):
    client = app.test_client()
    untranslated = {}
    for path in public_paths(content):
        english = segments(_page(client, path, "en"))
        translated = segments(_page(client, path, code))
        same = sorted(english & translated)
        if same:
            untranslated[path] = same
    assert not untranslated, f"{LANGUAGES[code].name}: text left in English: {untranslated}"


@pytest.mark.parametrize("young", [False, True], ids=["adult", "young"])
@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_step_of_both_journeys_is_translated(app, code, young):
    english = journey_pages(app, "en", young)
    other = journey_pages(app, code, young)
    untranslated = {}
    for (path, english_html), (_, other_html) in zip(english, other, strict=True):
        same = sorted(segments(english_html) & segments(other_html))
        if same:
            untranslated[path] = same
    assert not untranslated, f"{LANGUAGES[code].name}: text left in English: {untranslated}"


@pytest.mark.parametrize("age", ["adult", "13_15"])
@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_step_of_proposing_an_idea_is_translated(app, code, age):
    english = idea_journey_pages(app, "en", age)
    other = idea_journey_pages(app, code, age)
    untranslated = {}
    for (path, english_html), (_, other_html) in zip(english, other, strict=True):
        same = sorted(segments(english_html) & segments(other_html))
        if same:
            untranslated[path] = same
    assert not untranslated, f"{LANGUAGES[code].name}: text left in English: {untranslated}"


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_every_step_of_applying_to_the_advisory_group_is_translated(app, code):
    english = advisory_journey_pages(app, "en")
    from tests.conftest import reset_database

    reset_database(app)
    other = advisory_journey_pages(app, code)
    untranslated = {}
    for (path, english_html), (_, other_html) in zip(english, other, strict=True):
        same = sorted(segments(english_html) & segments(other_html))
        if same:
            untranslated[path] = same
    assert not untranslated, f"{LANGUAGES[code].name}: text left in English: {untranslated}"
