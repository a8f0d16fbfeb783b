"""The ICO Children's Code: the page that takes its 15 standards in order, the privacy
notice for young people (the same periods as the privacy notice, in words a 9-year-old
reads), and the links to both from every young people's page and the footer."""

import re

import pytest
import textstat
from bs4 import BeautifulSoup

from tests.i18n.test_readability import main_text
from tests.support.journeys import ADULT, YOUNG, Teller

YOUNG_PRIVACY = "/young-people/privacy"
CODE = "/childrens-code"

# The ICO's names and order (brief/standards.md §2; ico.org.uk/…/13-nudge-techniques/ and the rest).
STANDARDS = [
    "Best interests of the child",
    "Data protection impact assessments",
    "Age appropriate application",
    "Transparency",
    "Detrimental use of data",
    "Policies and community standards",
    "Default settings",
    "Data minimisation",
    "Data sharing",
    "Geolocation",
    "Parental controls",
    "Profiling",
    "Nudge techniques",
    "Connected toys and devices",
    "Online tools",
]
PERIOD = re.compile(r"\b\d+ (?:years?|months?|weeks?|days?|hours?|minutes?)\b")
# A 9-year-old is in Year 5, US grade 4.
YOUNG_GRADE_MAXIMUM = 4


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


# ---- the Children's Code page ---------------------------------------------------------


def test_the_code_page_takes_the_15_standards_by_name_in_order(client_request):
    page = client_request.get(CODE, expected_title="How we follow the Children’s Code")
    headings = [text_of(h2) for h2 in page.select("main h2")]
    assert [h for h in headings if h in STANDARDS] == STANDARDS
    first, last = headings.index(STANDARDS[0]), headings.index(STANDARDS[-1])
    assert headings[first:last + 1] == STANDARDS  # one after another, nothing between them
    captions = [text_of(h2.find_previous_sibling()) for h2 in page.select("main h2") if text_of(h2) in STANDARDS]
    assert captions == [f"Standard {n} of 15" for n in range(1, 16)]


def test_the_code_page_has_a_numbered_list_of_contents_linking_to_each_standard(client):
    page = BeautifulSoup(client.get(CODE).data, "html.parser")
    contents = page.select_one("main nav ol")
    assert contents is not None and page.select_one("main nav")["aria-labelledby"]
    links = contents.select("li > a")
    assert [text_of(a) for a in links] == STANDARDS
    targets = [page.find(id=a["href"].removeprefix("#")) for a in links]
    assert all(a["href"].startswith("#") for a in links)
    assert [target.name for target in targets] == ["h2"] * 15
    assert [text_of(target) for target in targets] == STANDARDS


def test_each_standard_says_how_it_is_met_or_why_it_does_not_apply(client):
    page = BeautifulSoup(client.get(CODE).data, "html.parser")
    for h2 in page.select("main h2"):
        name = text_of(h2)
        if name not in STANDARDS:
            continue
        body = []
        for sibling in h2.find_next_siblings():
            if sibling.name == "h2" or "govuk-caption-m" in (sibling.get("class") or []):
                break
            body.append(text_of(sibling))
        assert " ".join(body).strip(), f"{name}: nothing under it"
    text = text_of(page.select_one("main"))
    for does_not_apply in ("Your Place does not use location", "Your Place has no parental controls",
                           "Your Place is a website. It does not work with connected toys"):
        assert does_not_apply in text
    # There is no DPIA in this repository: the page must not say it is published here.
    assert "The council keeps the DPIA for Your Place" in text and "It is not published on this website" in text


def test_the_code_page_links_to_the_privacy_notices_cookies_and_tracking(client):
    page = BeautifulSoup(client.get(CODE).data, "html.parser")
    hrefs = {a["href"] for a in page.select("main a[href]")}
    assert {YOUNG_PRIVACY, "/privacy", "/cookies", "/track", "/young-people"} <= hrefs
    assert "mailto:dataprotection@bradford.gov.uk" in hrefs


def test_what_the_code_page_says_about_cookies_matches_the_cookies_page(client):
    cookies = BeautifulSoup(client.get("/cookies").data, "html.parser")
    # The cookies anyone may get: the staff sign-in cookie is never set for a resident.
    for staff_only in cookies.select("main .yp-staff-only"):
        staff_only.decompose()
    named = [dd for dt, dd in zip(cookies.select("main dt"), cookies.select("main dd"), strict=True)
             if text_of(dt) == "Name"]
    code = text_of(BeautifulSoup(client.get(CODE).data, "html.parser").select_one("main"))
    assert f"We use only {len(named)} cookies" in code


def test_the_code_page_says_what_the_young_peoples_form_asks_and_no_more(client):
    """Standard 8 names the questions: they must be the journey's steps, no more."""
    from portal.feedback.journeys import YOUNG as YOUNG_JOURNEY

    assert YOUNG_JOURNEY.steps == ("age", "care", "about", "where", "message", "reply")
    page = BeautifulSoup(client.get(CODE).data, "html.parser")
    heading = page.find("h2", id="data-minimisation")
    asked = [text_of(li) for li in heading.find_next_sibling("ul").select("li")]
    assert len(asked) == len(YOUNG_JOURNEY.steps)


# ---- the privacy notice for young people --------------------------------------------


def periods(text: str) -> set[str]:
    return set(PERIOD.findall(text))


def test_the_young_peoples_notice_states_the_privacy_notices_periods(client_request):
    privacy = client_request.get("/privacy")
    how_long = [text_of(dd) for dt, dd in zip(privacy.select("main dt"), privacy.select("main dd"), strict=True)
                if text_of(dt) == "How long"]
    stated = periods(" ".join(how_long))
    assert stated >= {"3 years", "90 days", "5 years", "2 hours", "1 year"}

    young = client_request.get(YOUNG_PRIVACY, expected_title="Your privacy: for young people")
    assert periods(text_of(young.select_one("main"))) == stated  # every one, and no other
    # And each with the same thing kept.
    assert "3 years after we answer it" in text_of(young.select_one("#how-long-message"))
    assert "90 days after we answer" in text_of(young.select_one("#how-long-email"))
    assert "as long as your message" in text_of(young.select_one("#how-long-age"))
    assert "5 years" in text_of(young.select_one("#how-long-about-you"))


def test_the_code_page_states_only_the_privacy_notices_periods(client):
    privacy = text_of(BeautifulSoup(client.get("/privacy").data, "html.parser").select_one("main"))
    code = text_of(BeautifulSoup(client.get(CODE).data, "html.parser").select_one("main"))
    assert periods(code) and periods(code) <= periods(privacy)


def test_the_young_peoples_notice_says_what_we_keep_who_sees_it_and_how_to_delete_it(client_request):
    page = client_request.get(YOUNG_PRIVACY)
    main = page.select_one("main")
    text = text_of(main)
    for said in (
        "We never ask for your birthday. We only ask roughly how old you are.",
        "We do not ask for your name.",
        "If you are under 13, we do not ask for your email or any way to contact you.",
        "Only a few council staff who check messages can read what you write.",
        "a trained person at the council will read it",
        "We never put your name, or anything that shows who you are, on the website.",
        "You can ask us to show you, change or delete what you told us.",
        "reference number",
        "A grown-up you trust can help you",
        "You can ask us anything about this.",
    ):
        assert said in text, said
    hrefs = {a["href"] for a in main.select("a[href]")}
    assert "/privacy" in hrefs and CODE in hrefs
    # The same address the privacy notice gives for seeing, changing or deleting.
    privacy = client_request.get("/privacy")
    emails = {a["href"] for a in main.select("a[href^='mailto:']")}
    assert emails == {"mailto:stronger.communities@bradford.gov.uk"}
    assert emails <= {a["href"] for a in privacy.select("main a[href^='mailto:']")}


def test_the_young_peoples_notice_reads_at_the_level_of_a_9_year_old(client, capsys):
    response = client.get(YOUNG_PRIVACY, query_string={"lang": "en"})
    text = main_text(response.get_data(as_text=True))
    grade = textstat.flesch_kincaid_grade(text)
    with capsys.disabled():
        print(f"\n  Flesch-Kincaid grade {grade:4.1f}  {YOUNG_PRIVACY}")
    assert grade <= YOUNG_GRADE_MAXIMUM, f"grade {grade:.1f} > {YOUNG_GRADE_MAXIMUM}\n{text[:1500]}"


@pytest.mark.parametrize("path", [YOUNG_PRIVACY, CODE])
def test_the_new_pages_set_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# ---- links to them ------------------------------------------------------------------


def young_peoples_pages(client):
    """(where, HTML) of the space, the start page, every question, check answers and the
    optional questions about you: every young people's page but the confirmation."""
    pages = [("/young-people", client.get("/young-people")), (YOUNG, client.get(YOUNG))]
    teller = Teller(client, YOUNG)
    for step, value in (("age", "13_15"), ("care", "no"), ("about", "linking-up-schools"), ("where", "shipley")):
        pages.append((f"{YOUNG}/{step}", teller.get(f"/{step}")))
        pages.append((f"{YOUNG}/{step} (error)", teller.post(f"/{step}", {"answer": "not-a-choice"})))
        assert teller.answer(step, value).status_code == 302
    pages.append((f"{YOUNG}/message", teller.get("/message")))
    pages.append((f"{YOUNG}/message (error)", teller.post("/message", {"body": ""})))
    assert teller.post("/message", {"body": "We need more places to play football"}).status_code == 302
    pages.append((f"{YOUNG}/reply", teller.get("/reply")))
    assert teller.post("/reply", {"email": ""}).status_code == 302
    pages.append((f"{YOUNG}/check-your-answers", teller.get("/check-your-answers")))
    sent = teller.send()
    assert sent.headers["Location"] == f"{YOUNG}/equality"
    pages.append((f"{YOUNG}/equality", client.get(sent.headers["Location"])))
    chose = teller.post("/equality", {"choice": "answer"})
    pages.append((chose.headers["Location"], client.get(chose.headers["Location"])))
    return pages


def test_every_young_peoples_page_links_to_their_privacy_notice(client):
    pages = young_peoples_pages(client)
    assert len(pages) >= 15
    missing = []
    for where, response in pages:
        assert response.status_code == 200, (where, response.status_code)
        main = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("main")
        if not main.select(f"a[href='{YOUNG_PRIVACY}']"):
            missing.append(where)
    assert not missing, f"no link to {YOUNG_PRIVACY}: {missing}"


def test_the_adult_journey_keeps_to_the_adult_privacy_notice(client):
    """The line for young people is on their pages only: adults are pointed to /privacy."""
    teller = Teller(client, ADULT)
    for response in (teller.get("/about"), teller.post("/about", {"answer": "not-a-choice"})):
        assert response.status_code == 200
        main = BeautifulSoup(response.data, "html.parser").select_one("main")
        assert not main.select(f"a[href='{YOUNG_PRIVACY}']")


@pytest.mark.parametrize("path", ["/", "/privacy", "/young-people", YOUNG_PRIVACY, CODE, "/no-such-page"])
def test_the_footer_links_to_the_childrens_code_beside_the_statements(client, path):
    footer = BeautifulSoup(client.get(path).data, "html.parser").select_one("footer")
    links = {text_of(a): a["href"] for a in footer.select(".govuk-footer__inline-list a")}
    assert links["Children’s Code"] == CODE
    assert {"Accessibility statement", "Privacy", "Cookies"} <= set(links)


def test_the_privacy_notice_links_to_the_one_for_young_people(client):
    inset = BeautifulSoup(client.get("/privacy").data, "html.parser").select_one("#young-people")
    assert inset.select_one(f"a[href='{YOUNG_PRIVACY}']")
