"""Idea results and integrity, for staff: figures by theme, area, audience and channel with
small groups hidden (page, chart, CSV), and bursts of supports a moderator may void.

Every figure here comes from rows made through the models; the rules are in
`portal/ideas/results.py`.
"""

import csv
import io
import itertools
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, insert, select, update

from portal.extensions import db
from portal.ideas import results as idea_results
from portal.ideas.models import Event, Idea, IdeaSupport, VoidedBurst
from portal.staff.models import AuditEvent
from portal.timeutil import UK, uk_date
from tests.support.ideas import make_idea
from tests.support.queries import QueryCounter
from tests.support.staff import csrf_token_from

RESULTS = "/moderate/ideas/results"
ANOMALIES = "/moderate/ideas/anomalies"
VOID = "/moderate/ideas/anomalies/void"
SHARING = "sharing-spaces-and-places"
JOBS = "employment-opportunities"
_devices = itertools.count(1)


# ---- making rows ---------------------------------------------------------------------


def bulk_supports(idea: Idea | int, count: int, *, start: datetime | None = None, step=timedelta(seconds=1),
                  client: str | None = "client-a", channel: str = "online", event_id: int | None = None,
                  audience: str | None = None, verified: bool = False) -> None:
    """`count` supports on one idea, `step` apart, each from a new device (and, with
    client=None, each from its own address); the idea's tallies move with them."""
    start = start or datetime.now(UTC) - timedelta(hours=1)
    idea_id = idea if isinstance(idea, int) else idea.id
    rows = []
    for i in range(count):
        n = next(_devices)
        rows.append({"idea_id": idea_id, "device": f"device-{n}", "client": client if client is not None else f"c{n}",
                     "channel": channel, "event_id": event_id, "audience": audience, "created_at": start + step * i,
                     "verified_at": start if verified else None})
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(IdeaSupport), rows[first:first + 5000])
    db.session.execute(update(Idea).where(Idea.id == idea_id).values(
        support_count=Idea.support_count + count, verified_count=Idea.verified_count + (count if verified else 0)))
    db.session.commit()


def make_event(name: str = "City Park stall", held_on: date = date(2026, 5, 2)) -> Event:
    event = Event(code=f"EV{next(_devices)}", name=name, place="City Park, Bradford", held_on=held_on, state="open")
    db.session.add(event)
    db.session.commit()
    return event


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def groups(page: BeautifulSoup) -> dict[str, list[str]]:
    """Both results tables as {group name: [ideas, verified, not verified, voided]}."""
    found = {}
    for row in page.select("#results-ideas tbody tr"):
        found[row.th.get_text(" ", strip=True)] = [row.td.get_text(" ", strip=True)]
    for body in page.select("#results-supports tbody"):
        header, figures = body.select("tr")
        found[header.get_text(" ", strip=True)] += [cell.get_text(" ", strip=True) for cell in figures.select("td")]
    return found


def tables_text(page: BeautifulSoup) -> str:
    return " ".join(table.get_text(" ") for table in page.select("table"))


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def flash_after(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return soup(client.get(response.headers["Location"])).select_one("main").get_text(" ", strip=True)


def tallies(app, idea_id: int) -> tuple[int, int, int]:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        return idea.support_count, idea.verified_count, idea.voided_count


def counts_of(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def moderator(staff_client):
    return staff_client("moderator")


# ---- the figures ---------------------------------------------------------------------


def test_results_count_ideas_and_supports_by_theme_area_audience_and_channel(app, moderator):
    """Every group here has 0 or at least 10 in each figure, so nothing is hidden."""
    client, _user = moderator
    with app.app_context():
        event = make_event()
        ideas = [make_idea(f"Idea {i}", theme=SHARING, area="keighley") for i in range(10)]
        young = [make_idea(f"Young idea {i}", theme=JOBS, area=None, audience="young_person") for i in range(10)]
        hidden = make_idea("Hidden idea", theme=SHARING, area="keighley", status="hidden")
        waiting = make_idea("Waiting idea", theme=SHARING, area="keighley", published=False)
        bulk_supports(ideas[0], 12)  # online, audience not known, not verified
        bulk_supports(ideas[1], 10, audience="young_person", verified=True)
        bulk_supports(young[0], 15, channel="event", event_id=event.id, client=None)
        bulk_supports(young[1], 11, channel="event", event_id=event.id, client=None, verified=True)
        bulk_supports(hidden, 40)  # not published: counted nowhere
        bulk_supports(waiting, 40)
        voided_from = datetime.now(UTC) - timedelta(days=2)
        bulk_supports(ideas[2], 10, start=voided_from)
        db.session.execute(update(IdeaSupport).where(IdeaSupport.created_at < voided_from + timedelta(minutes=1))
                           .values(voided_at=datetime.now(UTC)))
        db.session.commit()
    found = groups(soup(client.get(RESULTS)))
    assert list(found.items()) == [
        ("Employment Opportunities – No area – Young person – Online", ["10", "0", "0", "0"]),
        ("Employment Opportunities – No area – Not known – City Park stall, 2 May 2026", ["0", "11", "15", "0"]),
        ("Sharing Spaces and Places – Keighley – Adult – Online", ["10", "0", "0", "0"]),
        ("Sharing Spaces and Places – Keighley – Young person – Online", ["0", "10", "0", "0"]),
        ("Sharing Spaces and Places – Keighley – Not known – Online", ["0", "0", "12", "10"]),
        ("All groups", ["20", "21", "27", "10"]),
    ]
    # Fewer dimensions: the same rows added up.
    assert groups(soup(client.get(f"{RESULTS}?grouped=1&by=theme"))) == {
        "Employment Opportunities": ["10", "11", "15", "0"],
        "Sharing Spaces and Places": ["10", "10", "12", "10"],
        "All groups": ["20", "21", "27", "10"],
    }
    assert groups(soup(client.get(f"{RESULTS}?grouped=1&by=channel&by=audience"))) == {
        "Adult – Online": ["10", "0", "0", "0"],
        "Young person – Online": ["10", "10", "0", "0"],
        "Not known – Online": ["0", "0", "12", "10"],
        "Not known – City Park stall, 2 May 2026": ["0", "11", "15", "0"],
        "All groups": ["20", "21", "27", "10"],
    }
    assert groups(soup(client.get(f"{RESULTS}?grouped=1&by=audience&theme={JOBS}"))) == {
        "Young person": ["10", "0", "0", "0"], "Not known": ["0", "11", "15", "0"],
        "All groups": ["10", "11", "15", "0"]}
    assert groups(soup(client.get(f"{RESULTS}?grouped=1"))) == {"All published ideas": ["20", "21", "27", "10"]}
    # A tampered query string is ignored, never an error.
    assert groups(soup(client.get(f"{RESULTS}?by=secret&by=area&theme=nope"))) == {
        "Keighley": ["10", "10", "12", "10"], "No area": ["10", "11", "15", "0"], "All groups": ["20", "21", "27", "10"]}


def test_results_query_string_options_are_read_safely():
    from werkzeug.datastructures import MultiDict

    read = idea_results.ResultsOptions.read
    assert read(MultiDict(), ["a"]).by == idea_results.DIMENSIONS
    assert read(MultiDict([("grouped", "1")]), ["a"]).by == ()
    assert read(MultiDict([("by", "channel"), ("by", "theme"), ("by", "x")]), ["a"]).by == ("theme", "channel")
    assert read(MultiDict([("theme", "a")]), ["a"]).theme == "a"
    assert read(MultiDict([("theme", "<script>")]), ["a"]).theme == ""


# ---- small groups --------------------------------------------------------------------


def test_a_group_of_nine_never_shows_nine_and_a_group_of_ten_shows_ten(app, moderator):
    client, _user = moderator
    with app.app_context():
        ten = make_idea("Ten", theme=SHARING, area="keighley")
        nine = make_idea("Nine", theme=JOBS, area="shipley")
        bulk_supports(ten, 10)
        bulk_supports(nine, 9, audience="young_person")
    by_place = groups(soup(client.get(f"{RESULTS}?grouped=1&by=theme&by=area")))
    assert by_place == {
        "Employment Opportunities – Shipley": ["fewer than 10", "0", "fewer than 10", "0"],
        "Sharing Spaces and Places – Keighley": ["fewer than 10", "0", "10", "0"],
        # 19 in all, 9 of them hidden: the total would give the nine away.
        "All groups": ["fewer than 10", "0", "hidden", "0"],
    }
    page = soup(client.get(RESULTS))
    assert groups(page)["Employment Opportunities – Shipley – Young person – Online"] == [
        "0", "0", "fewer than 10", "0"]
    assert "How small numbers are hidden" in page.get_text()
    assert not re.search(r"\b(9|19)\b", tables_text(page))
    assert not re.search(r"\b(9|19)\b", page.select_one("svg desc").get_text())

    rows = read_csv(client.get(f"{RESULTS}.csv?grouped=1&by=theme&by=area"))
    assert rows == [
        ["Theme", "Area", "Ideas", "Supports verified", "Supports not verified", "Supports voided"],
        ["Employment Opportunities", "Shipley", "fewer than 10", "0", "fewer than 10", "0"],
        ["Sharing Spaces and Places", "Keighley", "fewer than 10", "0", "10", "0"],
        ["All groups", "", "fewer than 10", "0", "hidden", "0"],
    ]
    for url in (f"{RESULTS}.csv", f"{RESULTS}.csv?grouped=1&by=audience", f"{RESULTS}.csv?grouped=1&by=theme"):
        rows = read_csv(client.get(url))
        assert not any(cell in ("9", "19") for row in rows for cell in row), url
    # With no grouping there is nothing to take away from the total: it is the board's own
    # figure (every idea's public tally added up), shown.
    assert read_csv(client.get(f"{RESULTS}.csv?grouped=1"))[1] == ["fewer than 10", "0", "19", "0"]


def test_a_small_group_next_to_others_hides_one_more_so_it_cannot_be_worked_out(app, moderator):
    """Sharing spaces, Keighley: 30 online, 5 at one event, 20 at another. The 55 is on the
    public board, so 55 - 30 - 20 would give the 5 away: the 20 is hidden too."""
    client, _user = moderator
    with app.app_context():
        stall, school = make_event("City Park stall"), make_event("School hall", date(2026, 5, 9))
        idea = make_idea("Benches", theme=SHARING, area="keighley")
        bulk_supports(idea, 30)
        bulk_supports(idea, 5, channel="event", event_id=stall.id, client=None)
        bulk_supports(idea, 20, channel="event", event_id=school.id, client=None)
    found = groups(soup(client.get(f"{RESULTS}?grouped=1&by=channel")))
    assert found == {
        "Online": ["fewer than 10", "0", "30", "0"],
        "City Park stall, 2 May 2026": ["0", "0", "fewer than 10", "0"],
        "School hall, 9 May 2026": ["0", "0", "hidden", "0"],
        "All groups": ["fewer than 10", "0", "55", "0"],
    }
    # Every grouping hides the same figures: no choice of grouping shows the 20.
    for url in (RESULTS, f"{RESULTS}?grouped=1&by=channel&by=audience", f"{RESULTS}?grouped=1&by=area&by=channel"):
        assert not re.search(r"\b(5|20|25)\b", tables_text(soup(client.get(url)))), url
    # The chart's "at events" (25) is shown, but no event's own figure can be taken from it.
    desc = soup(client.get(RESULTS)).select_one("svg desc").get_text()
    assert "Sharing Spaces and Places: 30 online, 25 at events." in desc


def fine(*rows):
    """Figures at every level from (theme, area, audience, channel, measure, n) rows."""
    return idea_results.figures_at_every_level([((t, a, au, ch), m, n) for t, a, au, ch, m, n in rows])


def test_protect_hides_the_smallest_other_part_of_a_known_total():
    values = fine((1, 2, "unknown", "online", "unverified", 30), (1, 2, "unknown", "event:1", "unverified", 5),
                  (1, 2, "unknown", "event:2", "unverified", 20), (1, 2, "unknown", "event:3", "unverified", 40))
    hidden = idea_results.protect(values)
    assert ("unverified", 1, 2, "unknown", "event:1") in hidden  # fewer than 10
    assert ("unverified", 1, 2, "unknown", "event:2") in hidden  # the smallest other event
    assert ("unverified", 1, 2, "unknown", "online") not in hidden
    assert ("unverified", 1, 2, "unknown", "event:3") not in hidden


def test_protect_needs_nothing_more_when_the_small_parts_add_up_to_ten():
    values = fine((1, 2, "unknown", "online", "unverified", 30), (1, 2, "unknown", "event:1", "unverified", 5),
                  (1, 2, "unknown", "event:2", "unverified", 6))
    hidden = idea_results.protect(values)
    assert hidden and all(values[key] < 10 for key in hidden)


def test_protect_keeps_every_sum_safe_across_dimensions():
    values = fine((1, 2, "adult", "online", "verified", 3), (1, 2, "young_person", "online", "verified", 40),
                  (1, 3, "adult", "online", "verified", 50), (1, 3, "young_person", "online", "verified", 60),
                  (4, 2, "adult", "event:1", "verified", 12), (4, 2, "young_person", "online", "verified", 7))
    hidden = idea_results.protect(values)
    known = {key for key, value in values.items() if key not in hidden} | {
        key for key in values if idea_results._public(key)}
    for total, parts in idea_results._sums(values):
        unknown = [key for key in (total, *parts) if key not in known]
        assert len(unknown) != 1, (total, parts)
        if total in known:
            unknown_parts = sum(values[key] for key in parts if key not in known)
            assert unknown_parts == 0 or unknown_parts >= 10, (total, parts)
    assert ("verified", 1, 2, "adult", "online") in hidden


def test_a_totals_row_that_would_give_a_hidden_row_away_is_hidden():
    values = {"a": 30, "b": 4, "c": 40, "d": 5, "e": 6}
    assert idea_results.total_gives_away(["a", "b"], values, {"b"})
    assert not idea_results.total_gives_away(["a", "c"], values, set())
    assert idea_results.total_gives_away(["a", "c", "b", "d"], values, {"b", "d"})  # 4 + 5: fewer than 10
    assert not idea_results.total_gives_away(["a", "d", "e"], values, {"d", "e"})  # 11


def test_figures_say_why_they_are_not_shown():
    assert idea_results.Figure.of(9).text == "fewer than 10" and idea_results.Figure.of(9).shown is None
    assert idea_results.Figure.of(10).text == "10"
    assert idea_results.Figure.of(0).text == "0"
    assert idea_results.Figure.of(1200, hidden=True).text == "hidden"
    assert idea_results.Figure.of(1200, hidden=True).shown is None
    assert idea_results.Figure.of(1200).text == "1,200"


# ---- the chart -----------------------------------------------------------------------


def test_the_chart_is_an_svg_image_with_a_title_a_description_and_the_figures(app, moderator):
    client, _user = moderator
    with app.app_context():
        event = make_event()
        idea = make_idea("Benches", theme=SHARING, area="keighley")
        jobs = make_idea("Jobs fair", theme=JOBS, area="shipley")
        bulk_supports(idea, 24, verified=True)
        bulk_supports(idea, 12, channel="event", event_id=event.id, client=None)
        bulk_supports(jobs, 4)
    page = soup(client.get(RESULTS))
    svg = page.select_one("svg.yp-results-chart")
    assert svg["role"] == "img" and svg["width"] == "100%"
    assert svg["viewbox"].startswith("0 0 320 ")
    assert svg["aria-labelledby"] == "results-chart-title" and svg["aria-describedby"] == "results-chart-desc"
    assert svg.select_one("title").get_text() == "Supports by theme, online and at events"
    desc = svg.select_one("desc").get_text()
    assert "Sharing Spaces and Places: 24 online, 12 at events." in desc
    assert "Employment Opportunities: fewer than 10 online, 0 at events." in desc
    # Labels in words, not colour alone; no script, no chart library.
    texts = [text.get_text() for text in svg.select("text")]
    assert "Online" in texts and "At events" in texts
    assert "Online: 24 · At events: 12" in texts and "Online: fewer than 10 · At events: 0" in texts
    assert svg.select("pattern") and not page.select("svg script")
    # Bars scale to the largest figure shown; a hidden figure draws no bar.
    bars = [rect for rect in svg.select("rect") if rect.get("height") in ("16", "15") and rect.get("y") not in ("4", "4.5")]
    widths = sorted(float(rect["width"]) for rect in bars)
    assert widths == [pytest.approx(99, abs=1.5), pytest.approx(200, abs=1)]


def test_no_supports_means_no_chart(app, moderator):
    client, _user = moderator
    page = soup(client.get(RESULTS))
    assert page.select_one("svg.yp-results-chart") is None
    assert "No published idea has any supports yet." in page.get_text()
    assert "There are no published ideas to count yet." in page.get_text()


# ---- CSV -----------------------------------------------------------------------------


def test_csv_download_has_the_same_groups_and_guards_against_formulas(app, moderator):
    client, _user = moderator
    with app.app_context():
        sneaky = make_event("=HYPERLINK(\"http://evil.example\",\"Click\")")
        plus = make_event("+SUM(A1:A9)", date(2026, 6, 1))
        idea = make_idea("Benches", theme=SHARING, area="keighley")
        bulk_supports(idea, 12, channel="event", event_id=sneaky.id, client=None)
        bulk_supports(idea, 10, channel="event", event_id=plus.id, client=None)
    response = client.get(f"{RESULTS}.csv?grouped=1&by=channel")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="idea-results-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["Content-Disposition"])
    rows = read_csv(response)
    assert rows == [
        ["Channel", "Ideas", "Supports verified", "Supports not verified", "Supports voided"],
        ["Online", "fewer than 10", "0", "0", "0"],
        ["'=HYPERLINK(\"http://evil.example\",\"Click\"), 2 May 2026", "0", "0", "12", "0"],
        ["'+SUM(A1:A9), 1 June 2026", "0", "0", "10", "0"],
        ["All groups", "fewer than 10", "0", "22", "0"],
    ]
    # The page shows the same figures.
    assert groups(soup(client.get(f"{RESULTS}?grouped=1&by=channel")))["All groups"] == ["fewer than 10", "0", "22", "0"]
    # And with nothing to group by: one row.
    assert read_csv(client.get(f"{RESULTS}.csv?grouped=1"))[1] == ["fewer than 10", "0", "22", "0"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_csv_cells_starting_like_a_formula_get_an_apostrophe(text):
    assert idea_results.csv_cell(text) == "'" + text


def test_csv_cells_that_are_plain_are_left_alone():
    assert idea_results.csv_cell("City Park – 1") == "City Park – 1"
    assert idea_results.csv_cell(12) == 12


# ---- bursts --------------------------------------------------------------------------


def burst_kinds(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [(burst.kind, burst.count) for burst in idea_results.find_bursts()]


def test_thirty_supports_from_one_address_in_five_minutes_are_a_burst(app):
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="abc123", step=timedelta(seconds=10))
    assert burst_kinds(app) == [("address", 30)]


def test_thirty_supports_over_three_hours_or_from_thirty_addresses_are_not(app):
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="abc123", step=timedelta(minutes=6),
                      start=datetime.now(UTC) - timedelta(hours=4))
        bulk_supports(idea, 30, client=None, step=timedelta(seconds=10))
    assert burst_kinds(app) == []


def test_a_burst_across_a_bucket_boundary_is_still_found(app):
    with app.app_context():
        idea = make_idea("Benches")
        # 13 before a ten-minute boundary and 13 after: no bucket holds 25.
        boundary = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
        bulk_supports(idea, 26, client="abc123", step=timedelta(seconds=20), start=boundary - timedelta(seconds=260))
    assert burst_kinds(app) == [("address", 26)]


def test_bursts_at_one_event_and_on_one_idea(app):
    with app.app_context():
        event = make_event()
        idea, other = make_idea("Benches"), make_idea("Bins")
        start = datetime.now(UTC) - timedelta(hours=5)
        bulk_supports(idea, 60, client=None, channel="event", event_id=event.id, step=timedelta(seconds=5), start=start)
        bulk_supports(other, 50, client=None, step=timedelta(seconds=5))
        # 59 at an event, or 49 on an idea, are not.
        bulk_supports(other, 59, client=None, channel="event", event_id=event.id, step=timedelta(seconds=9),
                      start=start - timedelta(days=2))
        bulk_supports(idea, 49, client=None, step=timedelta(seconds=6), start=start - timedelta(days=3))
        # Older than the 30 days looked at: not listed.
        bulk_supports(idea, 60, client="old", step=timedelta(seconds=1), start=datetime.now(UTC) - timedelta(days=31))
    # Newest first; the 60 at the event were on one idea within 5 minutes too.
    assert burst_kinds(app) == [("idea", 50), ("idea", 60), ("event", 60)]


def test_the_anomaly_page_lists_each_burst_with_when_how_many_ideas_and_voided(app, moderator, client_request):
    _client, user = moderator
    with app.app_context():
        benches = make_idea("Benches in Lister Park")
        bins = make_idea("More bins <b>please</b>")
        start = (datetime.now(UTC) - timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        bulk_supports(benches, 20, client="abc12345xyz", step=timedelta(seconds=5), start=start)
        bulk_supports(bins, 10, client="abc12345xyz", step=timedelta(seconds=5), start=start + timedelta(seconds=101))
    client_request.sign_in(user)
    page = client_request.get(ANOMALIES, expected_title="Unusual bursts of supports")
    main = page.select_one("main").get_text(" ", strip=True)
    assert "25 or more supports from one network address within 10 minutes" in main
    assert "1 burst" in main
    assert "From one address: Address abc12345…" in main
    assert "Benches in Lister Park : 20 supports" in main and "More bins <b>please</b> : 10 supports" in main
    summary = {row.dt.get_text(strip=True): row.dd.get_text(" ", strip=True) for row in page.select(".govuk-summary-list__row")}
    assert summary["Supports"] == "30" and summary["Already voided"] == "0"
    first, last = start.astimezone(UK), (start + timedelta(seconds=146)).astimezone(UK)
    assert summary["When"] == f"{uk_date(first)}, {first:%H:%M:%S} to {last:%H:%M:%S}"
    assert page.select_one("form[action$='/void'] button").get_text(" ", strip=True).startswith("Void 30 supports")


# ---- voiding -------------------------------------------------------------------------


def post_void(client, burst: str, token_from: str = ANOMALIES, **extra):
    token = csrf_token_from(client.get(token_from).get_data(as_text=True))
    return client.post(VOID, data={"csrf_token": token, "burst": burst, **extra})


def the_burst(app) -> str:
    with app.app_context():
        return idea_results.find_bursts()[0].ident


def test_voiding_a_burst_voids_its_supports_recounts_exactly_and_is_audited(app, moderator):
    client, user = moderator
    with app.app_context():
        idea, other = make_idea("Benches"), make_idea("Bins")
        bulk_supports(idea, 7, client="real-1", step=timedelta(minutes=30), start=datetime.now(UTC) - timedelta(days=3))
        bulk_supports(idea, 20, client="bot", step=timedelta(seconds=3))
        bulk_supports(other, 10, client="bot", step=timedelta(seconds=3), verified=True,
                      start=datetime.now(UTC) - timedelta(hours=1) + timedelta(seconds=60))
        idea_id, other_id = idea.id, other.id
    assert tallies(app, idea_id) == (27, 0, 0) and tallies(app, other_id) == (10, 10, 0)
    ident = the_burst(app)
    message = flash_after(client, post_void(client, ident))
    assert "30 supports voided (Address bot…)." in message
    assert "The tallies of 2 ideas now leave them out." in message
    assert tallies(app, idea_id) == (7, 0, 20)
    assert tallies(app, other_id) == (0, 0, 10)
    with app.app_context():
        voided = db.session.scalar(select(func.count()).where(IdeaSupport.voided_at.is_not(None)))
        assert voided == 30
        assert db.session.scalar(select(func.count()).where(IdeaSupport.client == "real-1",
                                                            IdeaSupport.voided_at.is_not(None))) == 0
        record = db.session.scalars(select(VoidedBurst)).one()
        assert record.voided == 30 and record.actor_id == user.id
        assert "30 supports" in record.description
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ideas.burst_voided")).one()
        assert event.subject_type == "idea_support_burst" and event.subject_id == str(record.id)
        assert event.actor_id == user.id
        assert event.before["ideas"][str(idea_id)] == {"supports": 27, "verified": 0, "voided": 0}
        assert event.after["ideas"][str(idea_id)] == {"supports": 7, "verified": 0, "voided": 20}
        assert event.after["ideas"][str(other_id)] == {"supports": 0, "verified": 0, "voided": 10}
        assert event.before["voided"] == 0 and event.after["voided"] == 30

    # The list still shows the burst, all voided, with nothing left to press.
    page = soup(client.get(ANOMALIES))
    assert "Every support in this burst has been voided." in page.get_text()
    assert not page.select("form[action='/moderate/ideas/anomalies/void']")

    # A replay (the same form sent again) changes nothing, and says so.
    message = flash_after(client, post_void(client, ident, token_from=RESULTS))
    assert "Nothing changed: every support in that burst was already voided." in message
    assert tallies(app, idea_id) == (7, 0, 20)
    assert counts_of(app, VoidedBurst) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "ideas.burst_voided")) == 1


def test_the_results_count_voided_supports_apart_after_voiding(app, moderator):
    client, _user = moderator
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        bulk_supports(idea, 12, client=None, step=timedelta(minutes=20), start=datetime.now(UTC) - timedelta(days=1))
    flash_after(client, post_void(client, the_burst(app)))
    found = groups(soup(client.get(f"{RESULTS}?grouped=1&by=theme")))
    assert found["Sharing Spaces and Places"] == ["fewer than 10", "0", "12", "30"]


@pytest.mark.parametrize("burst", [
    "", "nonsense", "address:bot", "address:bot:1:2", "idea:1:2:3", "event:x:1:2", "other:bot:1:2",
    "address:b o t:1:2", "address:bot:-1:2", "address:bot:1:99999999999999999999999", "'; DROP TABLE idea_support; --",
    "address:" + "a" * 300 + ":1:2", "address:bot:١:٢",
])
def test_a_tampered_or_unknown_burst_changes_nothing_with_a_clear_message(app, moderator, burst):
    client, _user = moderator
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        idea_id = idea.id
    message = flash_after(client, post_void(client, burst))
    assert "That burst is not in the list as it is now" in message and "Nothing was voided." in message
    assert tallies(app, idea_id) == (30, 0, 0)
    assert counts_of(app, VoidedBurst) == 0


def test_a_burst_that_changed_since_the_page_was_loaded_is_not_voided(app, moderator):
    client, _user = moderator
    with app.app_context():
        idea = make_idea("Benches")
        start = datetime.now(UTC) - timedelta(minutes=30)
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3), start=start)
        idea_id = idea.id
    ident = the_burst(app)
    kind, key, first, last = ident.split(":")
    # Someone edits the form to reach one more support, or the burst grows meanwhile.
    message = flash_after(client, post_void(client, f"{kind}:{key}:{first}:{int(last) + 3_000_000}"))
    assert "Nothing was voided." in message
    with app.app_context():
        bulk_supports(db.session.get(Idea, idea_id), 5, client="bot", step=timedelta(seconds=3),
                      start=start + timedelta(seconds=90))
    message = flash_after(client, post_void(client, ident))
    assert "Nothing was voided." in message
    assert tallies(app, idea_id) == (35, 0, 0)


def test_a_forged_csrf_token_changes_nothing(app, moderator):
    client, _user = moderator
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        idea_id = idea.id
    ident = the_burst(app)
    for data in ({"burst": ident}, {"burst": ident, "csrf_token": "forged"}):
        response = client.post(VOID, data=data)
        assert response.status_code == 400
        assert "Your form could not be sent" in response.get_data(as_text=True)
    assert tallies(app, idea_id) == (30, 0, 0)
    assert counts_of(app, VoidedBurst) == 0


# ---- who may do what -----------------------------------------------------------------


def test_facilitators_see_results_but_cannot_see_or_void_bursts(app, staff_client):
    client, _user = staff_client("facilitator")
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        idea_id = idea.id
    assert client.get(RESULTS).status_code == 200
    assert client.get(f"{RESULTS}.csv").status_code == 200
    assert client.get(ANOMALIES).status_code == 403
    response = post_void(client, the_burst(app), token_from=RESULTS)
    assert response.status_code == 403
    assert tallies(app, idea_id) == (30, 0, 0)


@pytest.mark.parametrize("role", ["safeguarding_lead"])
def test_other_staff_cannot_see_the_results(staff_client, role):
    client, _user = staff_client(role)
    assert client.get(RESULTS).status_code == 403
    assert client.get(f"{RESULTS}.csv").status_code == 403


def test_admins_may_use_everything(app, staff_client):
    client, _user = staff_client("admin")
    assert client.get(RESULTS).status_code == 200
    assert client.get(ANOMALIES).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    with app.app_context():
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        idea_id = idea.id
    for url in (RESULTS, f"{RESULTS}.csv", ANOMALIES):
        response = client.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    response = client.post(VOID, data={"csrf_token": token, "burst": the_burst(app)})
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert tallies(app, idea_id) == (30, 0, 0)


# ---- pages and statements ------------------------------------------------------------


def test_the_pages_have_valid_html(app, moderator, client_request):
    _client, user = moderator
    with app.app_context():
        event = make_event("Keighley <market> & stall")
        idea = make_idea("Benches & bins <b>now</b>", theme=SHARING, area="keighley")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
        bulk_supports(idea, 12, client=None, channel="event", event_id=event.id, audience="young_person")
    client_request.sign_in(user)
    client_request.get(RESULTS, expected_title="Idea results")
    client_request.get(f"{RESULTS}?grouped=1", expected_title="Idea results")
    client_request.get(f"{RESULTS}?grouped=1&by=channel&theme={JOBS}", expected_title="Idea results")
    client_request.get(ANOMALIES, expected_title="Unusual bursts of supports")


def test_the_results_page_runs_the_same_statements_at_20_and_2000_supports(app, moderator):
    client, _user = moderator
    client.get(RESULTS)  # warm up: session, first-request work
    with app.app_context():
        engine = db.engine
        event = make_event().id
        ideas = [make_idea(f"Idea {i}", theme=theme, area=area).id
                 for i, (theme, area) in enumerate([(SHARING, "keighley"), (JOBS, None), (SHARING, "shipley")])]
        for n, idea in enumerate(ideas):
            bulk_supports(idea, 5 + n, client=None)
        bulk_supports(ideas[0], 2, client=None, channel="event", event_id=event)
    with QueryCounter(engine) as small:
        assert client.get(RESULTS).status_code == 200
    with app.app_context():
        for n, idea in enumerate(ideas):
            bulk_supports(idea, 600 + n, client=None, audience="young_person" if n else None, verified=n == 2)
        bulk_supports(ideas[1], 177, client=None, channel="event", event_id=event)
        assert db.session.scalar(select(func.count()).select_from(IdeaSupport)) == 2000
    with QueryCounter(engine) as large:
        assert client.get(RESULTS).status_code == 200
    with QueryCounter(engine) as download:
        assert client.get(f"{RESULTS}.csv").status_code == 200
    assert small.count == large.count, large.format()
    assert large.count <= 8, large.format()
    assert download.count == large.count


def test_the_anomaly_page_runs_a_fixed_number_of_statements(app, moderator):
    client, _user = moderator
    client.get(ANOMALIES)
    with app.app_context():
        engine = db.engine
        event = make_event().id
        idea = make_idea("Benches")
        bulk_supports(idea, 30, client="bot", step=timedelta(seconds=3))
    with QueryCounter(engine) as one:
        client.get(ANOMALIES)
    with app.app_context():
        for n in range(5):
            other = make_idea(f"Other {n}")
            bulk_supports(other, 60, client=f"bot{n}", channel="event", event_id=event, step=timedelta(seconds=1),
                          start=datetime.now(UTC) - timedelta(days=n + 1))
    with QueryCounter(engine) as many:
        page = soup(client.get(ANOMALIES))
    assert len(page.select("form[action='/moderate/ideas/anomalies/void']")) == 1 + 5 * 3
    assert one.count == many.count, many.format()


CEILING_MS = 3000


def test_results_and_bursts_stay_fast_at_100000_supports(app, moderator, capsys):
    client, _user = moderator
    with app.app_context():
        event = make_event()
        ideas = [make_idea(f"Idea {i}", theme=theme, area=area, audience=audience)
                 for i, (theme, area, audience) in enumerate(itertools.product(
                     [SHARING, JOBS, "linking-up-schools"], ["keighley", "shipley", None], ["adult", "young_person"]))]
        started = time.perf_counter()
        start = datetime.now(UTC) - timedelta(days=29)
        # 100,000 supports over 29 days, from 5,000 addresses: about one a minute per idea,
        # and a few real bursts.
        for n, idea in enumerate(ideas):
            bulk_supports(idea, 5_400, client=None, start=start + timedelta(seconds=n), step=timedelta(seconds=460),
                          channel="event" if n % 3 == 0 else "online", event_id=event.id if n % 3 == 0 else None,
                          audience="young_person" if n % 2 else None, verified=n % 4 == 0)
        bulk_supports(ideas[0], 2_800, client="bot", step=timedelta(seconds=2), start=start + timedelta(days=3))
        assert db.session.scalar(select(func.count()).select_from(IdeaSupport)) == 100_000
        if db.session.get_bind().dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE idea_support")
        inserted = time.perf_counter() - started

    def median_ms(url):
        client.get(url)
        runs = []
        for _run in range(5):
            began = time.perf_counter()
            assert client.get(url).status_code == 200
            runs.append((time.perf_counter() - began) * 1000)
        return sorted(runs)[2]

    timings = {url: median_ms(url) for url in (RESULTS, f"{RESULTS}.csv", ANOMALIES)}
    with app.app_context():
        kinds = {burst.kind for burst in idea_results.find_bursts()}
    with capsys.disabled():
        print(f"\n  inserted 100,000 supports in {inserted:.1f} s")
        for url, ms in timings.items():
            print(f"  {url}: {ms:.0f} ms")
    assert kinds == {"address", "idea"}
    # A coarse ceiling (the machines are shared and noisy); the figures are printed above.
    assert all(ms < CEILING_MS for ms in timings.values()), timings


# ---- in a real browser ---------------------------------------------------------------


def check(page, html_checker, where):
    from tests.support.a11y import assert_no_axe_violations
    from tests.support.layout import assert_no_horizontal_scroll

    assert_no_axe_violations(page, where)
    html_checker.assert_valid(page.content(), where)
    page.set_viewport_size({"width": 320, "height": 740})
    assert_no_horizontal_scroll(page, where)
    page.set_viewport_size({"width": 360, "height": 740})


def test_a_moderator_reads_the_results_and_voids_a_burst_in_the_browser(app, any_page, html_checker, make_staff):
    from playwright.sync_api import expect

    from tests.support.staff import browser_sign_in

    page = any_page
    with app.app_context():
        event = make_event("Dealing with it: Keighley Library drop-in session")
        themes = ["dealing-with-hate-crime-and-intolerance", SHARING, JOBS]
        for n, theme in enumerate(themes):
            idea = make_idea(f"A long idea title for {theme} that goes on and on", theme=theme, area="bradford-south")
            bulk_supports(idea, 12 + n * 9, client=None, audience="young_person", verified=n == 1)
            bulk_supports(idea, 4 + n * 10, client=None, channel="event", event_id=event.id)
        bot_idea = make_idea("Supported by a script", theme=SHARING, area="keighley")
        bulk_supports(bot_idea, 30, client="bot", step=timedelta(seconds=3))
        bot_id = bot_idea.id
    browser_sign_in(app, page, make_staff("moderator"))

    page.goto(RESULTS)
    expect(page.get_by_role("heading", name="Idea results")).to_be_visible()
    expect(page.get_by_role("img", name="Supports by theme, online and at events")).to_be_visible()
    check(page, html_checker, "results")
    page.get_by_label("Area").uncheck()
    page.get_by_label("Audience").uncheck()
    page.get_by_label("Which themes").select_option(SHARING)
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**theme=sharing-spaces-and-places**")
    expect(page.locator("#results-supports caption")).to_contain_text("by theme, channel, in Sharing Spaces and Places")
    check(page, html_checker, "results, one theme by channel")

    page.goto(ANOMALIES)
    check(page, html_checker, "anomalies")
    page.get_by_role("button", name="Void 30 supports").click()
    expect(page.get_by_text("30 supports voided (Address bot…).")).to_be_visible()
    expect(page.get_by_text("Every support in this burst has been voided.")).to_be_visible()
    check(page, html_checker, "anomalies after voiding")
    assert tallies(app, bot_id) == (0, 0, 30)
