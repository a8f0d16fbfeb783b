"""Termly reports stay the same size whatever the term holds: a summary, twenty updates a
page (keyset, no gaps, no repeats), the whole term as a CSV file, and no 500 for any
cursor a person or a crawler makes up. Plus a resident reading and paging on a 320 px phone."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, insert, select

from portal.extensions import db
from portal.responses.models import Response, ResponseUpdate
from portal.responses.terms import term_for
from portal.shared.cache import clear
from portal.timeutil import UK
from tests.support.factories import theme_id
from tests.support.queries import QueryCounter
from tests.support.weight import assert_page_weight

THEMES = ("employment-opportunities", "linking-up-schools", None)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear()
    yield
    clear()


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def current_term():
    return term_for(datetime.now(UTC).astimezone(UK).date())


def fill_term(app, count: int, *, words: str = "More buses to Keighley on Sundays, and later ones.") -> list[int]:
    """`count` answers published in the current term, each with its first update, the
    topics in turn; a third of them updated again. Returns the update ids, oldest first."""
    term = current_term()
    now = datetime.now(UTC)
    start = max(term.start, now - timedelta(days=60))
    step = (now - timedelta(minutes=10) - start) / (count + 1)
    with app.app_context():
        themes = [theme_id(slug) if slug else None for slug in THEMES]
        first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        rows, updates = [], []
        for i in range(count):
            at = start + step * (i + 1)
            rows.append({"id": first + i, "theme_id": themes[i % 3], "you_said": f"{words} ({i})",
                         "we_did": f"We did {i}", "status": "planned", "responsible": "Transport team",
                         "action_date": at.date(), "answers_young_people": i % 2 == 0, "answers_adults": True,
                         "young_people_summary": "We heard you." if i % 2 == 0 else None,
                         "state": "published", "created_at": at, "published_at": at, "updated_at": at})
            updates.append({"response_id": first + i, "published_at": at, "status": "planned",
                            "we_did": f"We did {i}", "note": "First published"})
            if i % 3 == 0:  # the same moment as a later answer's: the id breaks the tie
                updates.append({"response_id": first + i, "published_at": start + step * (i + 2),
                                "status": "done", "we_did": f"Done {i}", "note": f"Finished {i}"})
        for batch in range(0, count, 5000):
            db.session.execute(insert(Response), rows[batch:batch + 5000])
        for batch in range(0, len(updates), 5000):
            db.session.execute(insert(ResponseUpdate), updates[batch:batch + 5000])
        db.session.commit()
        return list(db.session.scalars(
            select(ResponseUpdate.id).where(ResponseUpdate.published_at >= term.start)
            .order_by(ResponseUpdate.published_at, ResponseUpdate.id)))


def walk(client, path: str) -> tuple[list[str], list[str]]:
    """Follow "Next page" from `path` to the end: (the answer link of every entry, the pages)."""
    seen, pages = [], []
    while path:
        response = client.get(path)
        assert response.status_code == 200, path
        page = soup(response)
        pages.append(path)
        seen += [a["href"] for a in page.select("#answers ~ ul.govuk-list li h3 a")]
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        path = following["href"].split("#")[0].replace("&amp;", "&") if following and "?" in following["href"] else None
        assert len(pages) < 200, "the pages never end"
    return seen, pages


def test_the_pages_walk_the_whole_term_with_no_gaps_or_repeats_forwards_and_back(app, client):
    ids = fill_term(app, 70)  # 70 answers, 24 of them updated again: 94 entries
    assert len(ids) == 94
    term = current_term()
    seen, pages = walk(client, f"/you-said-we-did/{term.slug}")
    assert len(seen) == 94 and len(pages) == 5
    with app.app_context():
        expected = [f"/you-said-we-did/{rid}" for rid in db.session.scalars(
            select(ResponseUpdate.response_id).where(ResponseUpdate.id.in_(ids))
            .order_by(ResponseUpdate.published_at, ResponseUpdate.id))]
    assert seen == expected
    # Back from the last page with "Previous page": the same pages, in reverse.
    back, path = [], pages[-1]
    while path:
        page = soup(client.get(path))
        back = [a["href"] for a in page.select("#answers ~ ul.govuk-list li h3 a")] + back
        previous = page.select_one("nav.govuk-pagination a[rel=prev]")
        path = previous["href"].split("#")[0].replace("&amp;", "&") if previous and "?" in previous["href"] else None
    assert back == expected
    # Every page's address is stable: the same page again from its link.
    assert soup(client.get(pages[2])).select("#answers ~ ul.govuk-list li h3 a") == \
        soup(client.get(pages[2])).select("#answers ~ ul.govuk-list li h3 a")


def test_one_topic_pages_through_only_its_answers(app, client):
    fill_term(app, 70)
    term = current_term()
    seen, _pages = walk(client, f"/you-said-we-did/{term.slug}?theme=linking-up-schools")
    with app.app_context():
        schools = theme_id("linking-up-schools")
        expected = [f"/you-said-we-did/{rid}" for rid in db.session.scalars(
            select(ResponseUpdate.response_id).join(Response, Response.id == ResponseUpdate.response_id)
            .where(Response.theme_id == schools).order_by(ResponseUpdate.published_at, ResponseUpdate.id))]
    assert seen == expected and len(seen) == 23
    # The topics table links to each topic's answers, with how many there are.
    page = soup(client.get(f"/you-said-we-did/{term.slug}"))
    row = next(tr for tr in page.select("main table tr") if "Linking Up Schools" in tr.get_text())
    assert row.select_one("a")["href"] == f"/you-said-we-did/{term.slug}?theme=linking-up-schools#answers"
    assert "23 (23 new, 0 updated)" in row.get_text(" ", strip=True)
    assert "There are 70 answers in this report: 70 new and 0 updated." in page.get_text(" ", strip=True)


@pytest.mark.parametrize("query", [
    "after=nonsense", "before=12_x", "after=99999999999999999999999_1", "after=-5_-5", "after=" + "9" * 500,
    "theme=nope", "after=1_2_3", "before=&after=", "page=7", "after=%00%ff",
])
def test_a_made_up_cursor_gives_the_first_page_or_a_clear_404_never_a_500(app, client, query):
    fill_term(app, 30)
    term = current_term()
    first = soup(client.get(f"/you-said-we-did/{term.slug}")).select("#answers ~ ul.govuk-list li h3 a")
    response = client.get(f"/you-said-we-did/{term.slug}?{query}")
    assert response.status_code in (200, 404), query
    if response.status_code == 200:
        assert soup(response).select("#answers ~ ul.govuk-list li h3 a") == first, query
    else:
        assert "Page not found" in response.get_data(as_text=True)


def test_a_cursor_past_the_end_of_the_term_is_not_found(app, client):
    fill_term(app, 30)
    term = current_term()
    far = int((datetime.now(UTC) + timedelta(days=400) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1e6)
    assert client.get(f"/you-said-we-did/{term.slug}?after={far}_1").status_code == 404
    assert client.get(f"/you-said-we-did/{term.slug}?before=5_1").status_code == 404


def test_the_report_weighs_under_60kb_with_thousands_of_updates_and_keeps_its_size(app, client):
    term = current_term()
    fill_term(app, 40, words="Longer words " * 20)
    small = len(client.get(f"/you-said-we-did/{term.slug}").get_data())
    fill_term(app, 2500, words="Longer words " * 20)
    clear()
    weight = assert_page_weight(client, f"/you-said-we-did/{term.slug}")
    assert weight["total"] <= 60 * 1024
    big = len(client.get(f"/you-said-we-did/{term.slug}").get_data())
    assert big < small * 1.2, (small, big)  # the numbers grow a digit or two; the list does not


def test_statements_are_few_and_the_same_at_1k_and_10k_updates(app, client):
    term = current_term()
    with app.app_context():
        engine = db.engine
    counts = []
    for size in (1000, 9000):
        fill_term(app, size)
        path = f"/you-said-we-did/{term.slug}"
        later = soup(client.get(path)).select_one("nav.govuk-pagination a[rel=next]")["href"].split("#")[0]
        for url in (path, later, f"{path}?theme=employment-opportunities", f"/you-said-we-did/{term.slug}.csv"):
            clear()
            with QueryCounter(engine) as counter:
                response = client.get(url)
                response.get_data()
            assert response.status_code == 200
            assert counter.count <= 6, f"{url}\n{counter.format()}"
            counts.append((url.split("?")[0][-4:], counter.count))
    assert counts[:4] == counts[4:], counts


def test_the_csv_has_every_update_of_the_term_with_its_columns_and_no_formulas(app, client):
    term = current_term()
    ids = fill_term(app, 45)
    with app.app_context():
        nasty = db.session.scalar(select(func.max(Response.id))) + 1  # ids given: PostgreSQL's sequence is behind
        db.session.execute(insert(Response), [{
            "id": nasty, "theme_id": None, "you_said": "=HYPERLINK(\"http://evil.example\",\"click\")", "we_did": "+1+1",
            "status": "not_taken_forward", "reason": "@SUM(A1:A9)", "responsible": "-Team",
            "action_date": datetime.now(UTC).date(), "answers_young_people": False, "answers_adults": True,
            "state": "published", "published_at": datetime.now(UTC) - timedelta(minutes=1)}])
        db.session.execute(insert(ResponseUpdate), [{
            "response_id": nasty, "published_at": datetime.now(UTC) - timedelta(minutes=1),
            "status": "not_taken_forward", "we_did": "+1+1", "reason": "@SUM(A1:A9)", "note": "=cmd|' /C calc'!A0"}])
        db.session.commit()
    response = client.get(f"/you-said-we-did/{term.slug}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="you-said-we-did-{term.slug}.csv"'
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Date", "What changed", "Topic", "You said", "We did", "Status", "Why not",
                       "Who is responsible", "When", "Published", "For young people", "Web address"]
    body = rows[1:]
    assert len(body) == len(ids) + 1 == 61
    links = [row[11] for row in body]
    assert all(re.fullmatch(r"http://127\.0\.0\.1/you-said-we-did/\d+", link) for link in links)
    assert {row[1] for row in body} >= {"First published", "Finished 0"}
    assert {row[2] for row in body} == {"Employment Opportunities", "Linking Up Schools", "Something else"}
    last = body[-1]
    assert last[3].startswith("'=HYPERLINK") and last[4] == "'+1+1" and last[6] == "'@SUM(A1:A9)"
    assert last[7] == "'-Team" and last[1].startswith("'=cmd")
    for row in body:
        assert all(not cell or cell[0] not in "=+-@\t\r" for cell in row), row
    # The page links to it.
    page = soup(client.get(f"/you-said-we-did/{term.slug}"))
    assert page.select_one(f'a[href="/you-said-we-did/{term.slug}.csv"]')


def test_the_csv_speaks_the_language_asked_for_and_old_terms_404_as_the_page_does(app, client):
    fill_term(app, 3)
    term = current_term()
    polish = client.get(f"/you-said-we-did/{term.slug}.csv", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    header = next(csv.reader(io.StringIO(polish[1:])))
    assert header[2] == "Temat" and len(header) == 12
    assert client.get(f"/you-said-we-did/{term.previous.previous.slug}.csv").status_code == 404
    assert client.get("/you-said-we-did/2026-05.csv").status_code == 404


def test_a_resident_reads_a_report_and_pages_on_a_320px_phone(app, any_page, html_checker):
    from tests.support.a11y import assert_no_axe_violations
    from tests.support.layout import assert_no_horizontal_scroll, assert_targets_min_size

    fill_term(app, 45, words="A much longer request for more buses to Keighley on Sundays and in the evenings")
    term = current_term()
    any_page.set_viewport_size({"width": 320, "height": 640})
    assert any_page.goto(f"/you-said-we-did/{term.slug}").status == 200
    where = "report, first page"
    assert_no_axe_violations(any_page, where)
    html_checker.assert_valid(any_page.content(), where)
    assert_no_horizontal_scroll(any_page, where)
    assert_targets_min_size(any_page, where=where)
    entries = any_page.locator("#answers ~ ul.govuk-list > li")
    assert entries.count() == 20
    first_page = entries.first.inner_text()
    # Next page, by keyboard as by touch: the list's own heading is where it lands.
    any_page.get_by_role("link", name="Next page").click()
    any_page.wait_for_url(re.compile(r"after="))
    assert entries.count() == 20 and entries.first.inner_text() != first_page
    assert any_page.evaluate("location.hash") == "#answers"
    assert_no_axe_violations(any_page, "report, second page")
    assert_no_horizontal_scroll(any_page, "report, second page")
    any_page.get_by_role("link", name="Previous page").click()
    any_page.wait_for_url(re.compile(r"before="))
    assert entries.first.inner_text() == first_page
    # One topic, chosen with the form (no script needed).
    any_page.get_by_label("Topic", exact=True).select_option("linking-up-schools")
    any_page.get_by_role("button", name="Show answers").click()
    any_page.wait_for_url(re.compile(r"theme=linking-up-schools"))
    assert entries.count() == 15
    assert_no_axe_violations(any_page, "report, one topic")
    assert_no_horizontal_scroll(any_page, "report, one topic")
