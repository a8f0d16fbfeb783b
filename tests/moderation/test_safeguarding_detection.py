"""Safeguarding flags: each kind is spotted, ordinary words are not, the list is data,
and a flag never stops anyone sending or getting their reference."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.moderation.detection import plain
from portal.moderation.models import SafeguardingPhrase
from portal.moderation.safeguarding import CATEGORIES, find_concerns, help_for
from tests.support.journeys import YOUNG, Teller, stored

EXAMPLES = {
    "child_at_risk": [
        "My stepdad hits me when he has been drinking",
        "I'm scared to go home after school",
        "Mum's boyfriend keeps hurting my little sister and hurts my sister when mum is out",
        "There is no food at home and nobody looks after me",
        "A man online keeps asking me to send pictures of myself",
    ],
    "professional_allegation": [
        "My PE teacher keeps messaging me on snapchat and says not to tell anyone",
        "A worker at the children's home grabbed me and pushed me into the wall",
    ],
    "self_harm": [
        "Sometimes I want to die",
        "I have been self-harming since year 8",
        "I keep thinking about killing myself",
        "I just don’t want to live any more",
    ],
    "domestic_abuse": [
        "There is domestic violence next door every night",
        "My husband checks my phone and won't let me see my family",
        "They are taking me to Pakistan in the summer to marry my cousin and I don't want to",
    ],
    "exploitation": [
        "My cousin is being forced to work and isn't allowed out. Modern slavery?",
        "The older lads make my brother carry drugs to other towns on the train",
    ],
    "adult_at_risk": [
        "My nan's carer has been taking money from her bank card",
    ],
    "hate_crime": [
        "A man pulled off my hijab in the city centre",
        "We were racially abused on the way home from school",
        "I was spat at because I'm Muslim",
        "He shouted go back to your own country and pushed my dad",
    ],
    "threat": [
        "I'm going to kill him if he does that again",
        "I'm bringing a knife to school tomorrow",
        "I'm going to burn down the mosque",
    ],
}

NOT_CONCERNS = [
    "The stable at the city farm is great",
    "I love this park",
    "We need more youth clubs in Keighley",
    "Please stabilise the funding for the English classes",
    "Our school linked with one in Shipley and it was brilliant",
    "Establishing a youth council would help",
    "The bus stop shelter is broken",
    "Bombay Stores on Shearbridge Road is my favourite shop",
    "",
]


@pytest.mark.parametrize("category, text", [(c, t) for c, texts in EXAMPLES.items() for t in texts])
def test_each_kind_is_spotted(app_ctx, category, text):
    assert category in find_concerns(text), text


@pytest.mark.parametrize("text", NOT_CONCERNS)
def test_ordinary_words_are_not_flagged(app_ctx, text):
    assert find_concerns(text) == []


def test_every_category_has_examples_here():
    assert set(EXAMPLES) == set(CATEGORIES)


def test_matching_ignores_case_curly_quotes_dashes_and_spacing(app_ctx):
    assert find_concerns("I DON’T   WANT TO LIVE") == ["self_harm"]
    assert find_concerns("self—harm") == ["self_harm"]
    assert plain("  Self-Harm\n ") == "self harm"


def test_categories_come_in_a_stable_order(app_ctx):
    assert find_concerns("they spat at me in a hate crime and now I want to die") == ["self_harm", "hate_crime"]
    assert list(CATEGORIES)[0] == "child_at_risk"


def test_a_pattern_added_as_data_takes_effect_and_a_retired_one_stops(app_ctx):
    # Words no shipped pattern knows, in the pattern language: a gap and an ending.
    text = "the Quorlax lads send my cousin to Zembly every night"
    pattern = "quorlax ... zembl*"
    assert find_concerns(text) == []
    db.session.add(SafeguardingPhrase(phrase=pattern, category="exploitation"))
    db.session.commit()
    try:
        assert find_concerns(text) == ["exploitation"]
        assert find_concerns("QU0RLAX and then the z e m b l y") == ["exploitation"]  # spelt oddly
        phrase = db.session.scalar(select(SafeguardingPhrase).where(SafeguardingPhrase.phrase == pattern))
        phrase.active = False
        db.session.commit()
        assert find_concerns(text) == []
    finally:
        db.session.delete(db.session.scalar(select(SafeguardingPhrase).where(SafeguardingPhrase.phrase == pattern)))
        db.session.commit()


def test_a_phrase_added_as_data_flags_a_real_submission(app, client):
    with app.app_context():
        db.session.add(SafeguardingPhrase(phrase="quorlax", category="adult_at_risk"))
        db.session.commit()
    try:
        reference, _ = Teller(client).fill(body="Quorlax is happening in our flats").send_and_follow()
        submission = stored(app, reference)
        assert (submission.safeguarding_state, submission.safeguarding_categories) == ("open", "adult_at_risk")
    finally:
        with app.app_context():
            db.session.delete(db.session.scalar(select(SafeguardingPhrase).where(SafeguardingPhrase.phrase == "quorlax")))
            db.session.commit()


@pytest.mark.parametrize("category", list(EXAMPLES))
def test_a_flag_never_stops_anyone_sending_and_they_see_help(app, client, category):
    text = EXAMPLES[category][0]
    teller = Teller(client).fill(body=text)
    response = teller.send()
    assert response.status_code == 302 and response.headers["Location"] == "/tell-us/confirmation"
    page = BeautifulSoup(client.get(response.headers["Location"]).get_data(as_text=True), "html.parser")
    reference = page.select_one(".yp-reference").get_text(strip=True)
    submission = stored(app, reference)
    assert submission.body == text  # kept exactly: a wrong flag loses nothing
    assert submission.safeguarding_state == "open"
    assert category in submission.safeguarding_categories.split(",")
    assert submission.status == "received"
    help_box = page.select_one("#help-now")
    assert help_box is not None
    assert help_box.select_one("a[href='tel:999']")
    assert "safeguarding" not in page.get_text().lower()  # calm: help, not a label on them


def test_help_is_tailored_to_the_kind_and_the_person(app, client):
    def shown(prefix, text, **fill):
        teller = Teller(client, prefix).fill(body=text, **fill)
        teller.send()
        page = BeautifulSoup(teller.get("/confirmation").get_data(as_text=True), "html.parser")
        return page.select_one("#help-now").get_text(" ", strip=True)

    young = shown(YOUNG, "my dad hits me", age="13_15")
    assert "Childline" in young and "0800 1111" in young and "999" in young
    adult_child = shown("/tell-us", "the boy next door is scared to go home")
    assert "NSPCC" in adult_child and "0808 800 5000" in adult_child and "Childline" not in adult_child
    self_harm = shown("/tell-us", "I want to die")
    assert "Samaritans" in self_harm and "116 123" in self_harm
    hate = shown("/tell-us", "I was spat at because I'm Muslim")
    assert "101" in hate and "report-it.org.uk" in hate


def test_help_for_is_empty_without_concerns_and_always_starts_with_999():
    assert help_for([], "adult") == []
    for category in CATEGORIES:
        for audience in ("adult", "young_person"):
            items = help_for([category], audience)
            assert items[0]["phone"] == "999"
            assert ("childline" in [i["key"] for i in items]) == (audience == "young_person")


def test_unflagged_feedback_shows_no_help_box(client):
    teller = Teller(client).fill(body="More benches in Lister Park")
    teller.send()
    teller.post("/equality", {"choice": "skip"})
    assert BeautifulSoup(teller.get("/confirmation").get_data(as_text=True), "html.parser").select_one("#help-now") is None


@pytest.mark.parametrize("body", ["Can the library open later?", "my dad hits me and I want to die"], ids=["unflagged", "flagged"])
def test_the_help_young_people_see_reads_for_a_nine_year_old(client, body, capsys):
    """Flesch-Kincaid grade 4 is what a 9-year-old reads (year 5 in England)."""
    import textstat

    teller = Teller(client, YOUNG).fill(body=body, age="under_13")
    teller.send()
    page = BeautifulSoup(teller.get("/confirmation").get_data(as_text=True), "html.parser")
    panels = [page.select_one("#if-worried")] + ([page.select_one("#help-now")] if "hits" in body else [])
    assert all(panels)
    for panel in panels:
        text = " ".join(f"{block.get_text(' ', strip=True).rstrip('.:')}." for block in panel.find_all(["h2", "p", "li"]))
        grade = textstat.flesch_kincaid_grade(text)
        with capsys.disabled():
            print(f"\n  Flesch-Kincaid grade {grade:4.1f}  #{panel['id']} ({'flagged' if 'hits' in body else 'unflagged'})")
        assert grade <= 4, text
