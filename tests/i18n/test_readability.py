"""Plain words, measured: the visible English text of each public page scores a Flesch
reading ease of at least 60 (adults) or 70 (young people's pages), with textstat."""

import re

import pytest
import textstat
from bs4 import BeautifulSoup

from tests.i18n.pages import journey_pages, seed_public_content

ADULT_MINIMUM = 60
YOUNG_MINIMUM = 70


def main_text(html: str) -> str:
    page = BeautifulSoup(html, "html.parser")
    main = page.find("main") or page
    for skip in main(["script", "style"]):
        skip.decompose()
    # Each block as a sentence: headings and list items are read one at a time.
    blocks = [" ".join(element.get_text(" ", strip=True).split()) for element in
              main.find_all(["h1", "h2", "h3", "p", "li", "dt", "dd", "legend", "label", "td", "th", "summary", "span"])
              if element.get_text(strip=True) and not element.find(["p", "li", "h2", "h3"])]
    sentences = [block if block.endswith((".", "?", "!", ":")) else block + "." for block in dict.fromkeys(blocks)]
    return " ".join(sentences)


def score(client, path: str) -> tuple[float, str]:
    response = client.get(path, query_string={"lang": "en"})
    assert response.status_code in (200, 404), path
    text = main_text(response.get_data(as_text=True))
    return textstat.flesch_reading_ease(text), text


ADULT_PAGES = ["/advisory-group", "/advisory-group/apply", "/advisory-group/apply/too-young", "/", "/accessibility", "/privacy", "/cookies", "/childrens-code", "/tell-us", "/track", "/you-said-we-did",
               "/no-such-page"]
YOUNG_PAGES = ["/young-people", "/young-people/tell-us", "/young-people/privacy"]


@pytest.mark.parametrize("path", ADULT_PAGES)
def test_adult_pages_read_easily(client, path, capsys):
    value, text = score(client, path)
    with capsys.disabled():
        print(f"\n  reading ease {value:5.1f}  {path}")
    assert value >= ADULT_MINIMUM, f"{path}: Flesch reading ease {value:.1f} < {ADULT_MINIMUM}\n{text[:1500]}"


@pytest.mark.parametrize("path", YOUNG_PAGES)
def test_young_peoples_pages_read_more_easily_still(client, path, capsys):
    value, text = score(client, path)
    with capsys.disabled():
        print(f"\n  reading ease {value:5.1f}  {path} (young people)")
    assert value >= YOUNG_MINIMUM, f"{path}: Flesch reading ease {value:.1f} < {YOUNG_MINIMUM}\n{text[:1500]}"


def test_an_answer_and_a_tracking_page_read_easily(app, client):
    content = seed_public_content(app)
    for path in (f"/you-said-we-did/{content['response_id']}", f"/track/{content['waiting']}"):
        value, text = score(client, path)
        assert value >= ADULT_MINIMUM, f"{path}: {value:.1f}\n{text[:1500]}"


@pytest.mark.parametrize("young", [False, True], ids=["adult", "young"])
def test_every_step_of_both_journeys_reads_easily(app, young, capsys):
    low, scores = {}, {}
    for path, html in journey_pages(app, "en", young):
        # The .txt receipt is a record (a reference, dates, an address), the same for
        # everyone: it is held to the adult figure.
        minimum = YOUNG_MINIMUM if young and not path.endswith(".txt") else ADULT_MINIMUM
        text = main_text(html)
        if path.endswith(".txt"):
            # Its reference number, web address and email address are random or fixed
            # strings, not words: scoring them made the figure change from run to run.
            text = " ".join(word for word in text.split() if not re.search(r"[\d/@]", word))
        value = textstat.flesch_reading_ease(text)
        scores[path] = value
        if value < minimum:
            low[path] = round(value, 1)
    with capsys.disabled():
        lowest = min(scores, key=scores.get)
        print(f"\n  reading ease {min(scores.values()):5.1f} to {max(scores.values()):5.1f} over {len(scores)} pages "
              f"of the {'young people' if young else 'adult'} journey (lowest: {lowest})")
    assert not low, f"below the minimum: {low}"
