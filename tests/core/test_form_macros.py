"""The form macros' aria-describedby (portal.templating.described_by): a field is described
by its hint, then its error, then anything else, in GOV.UK Frontend's order, and by nothing
at all when it has none of them (an empty attribute would be read out as nothing)."""

import re

from portal.templating import described_by


class _Field:
    def __init__(self, errors=()):
        self.id, self.errors = "answer", list(errors)


def test_described_by_names_hint_then_error_then_the_rest():
    assert described_by(_Field(), None) == ""
    assert described_by(_Field(), "A hint") == "answer-hint"
    assert described_by(_Field(["Choose one"]), None) == "answer-error"
    assert described_by(_Field(["Choose one"]), "A hint", None, "answer-info") == "answer-hint answer-error answer-info"


def test_a_question_with_an_error_is_described_by_its_hint_and_its_error(client, no_csrf):
    page = client.post("/tell-us/about", data={}).get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="govuk-fieldset"([^>]*)>', page).group(1)
    assert 'aria-describedby="answer-hint answer-error"' in fieldset
    assert 'id="answer-hint"' in page and 'id="answer-error"' in page
    first_visit = client.get("/tell-us/about").get_data(as_text=True)
    assert re.search(r'<fieldset class="govuk-fieldset" aria-describedby="answer-hint">', first_visit)
