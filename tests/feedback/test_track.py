"""Tracking by reference: forgiving input, honest statuses, typos caught, guessing limited."""

from datetime import date, timedelta

import pytest
import redis
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from portal.extensions import db, limiter
from portal.feedback.models import Submission
from portal.moderation.models import ModerationItem
from portal.shared.references import ALPHABET, format_reference, parse_reference
from portal.timeutil import utcnow
from tests.support.factories import make_submission
from tests.support.journeys import Teller, stored
from tests.support.redis_server import redis_server


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def make(app, client, **fill) -> str:
    reference, _ = Teller(client).fill(**fill).send_and_follow()
    return reference


def set_fields(app, reference: str, **values) -> None:
    with app.app_context():
        # The moderation state lives on the item's moderation record, which shares its id.
        ident = select(Submission.id).where(Submission.reference == parse_reference(reference))
        db.session.execute(update(ModerationItem).where(ModerationItem.id.in_(ident.scalar_subquery())).values(**values))
        db.session.commit()


def test_the_form_is_a_plain_get_form_that_sets_no_cookie(client):
    response = client.get("/track")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    form = soup(response).select_one("main form")
    assert form["method"] == "get" and form["action"] == "/track" and form["data-hx-boost"] == "false"
    assert soup(response).select_one("label[for=reference]").find_parent("h1")


@pytest.mark.parametrize("shape", [
    lambda r: r.lower().replace("-", " "),  # "yp 7k3q 94md"
    lambda r: r.lower(),
    lambda r: r.replace("-", ""),
    lambda r: r[3:].lower(),  # no prefix
    lambda r: f"  {r}  ",
])
def test_typed_references_are_forgiven(app, client, shape):
    reference = make(app, client)
    response = client.get("/track", query_string={"reference": shape(reference)})
    assert response.status_code == 302 and response.headers["Location"] == f"/track/{reference}"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    assert client.get(f"/track/{shape(reference).strip()}").status_code == 200


def test_an_empty_lookup_asks_for_the_reference(client):
    response = client.get("/track", query_string={"reference": "  "})
    assert response.status_code == 200
    assert [a.get_text() for a in soup(response).select(".govuk-error-summary__list a")] == ["Enter your reference number"]
    assert soup(response).title.get_text().startswith("Error: ")


def test_a_mistyped_reference_gets_a_helpful_404_never_someone_elses(app, client):
    reference = make(app, client, body="Mine")
    make(app, client, body="Someone else's")
    stored_form = parse_reference(reference)
    for position in range(8):
        for char in ALPHABET[:6]:
            if char == stored_form[position]:
                continue
            typo = stored_form[:position] + char + stored_form[position + 1:]
            typed = f"BD-{typo[:4]}-{typo[4:]}"
            for response in (client.get(f"/track/{typed}"), client.get("/track", query_string={"reference": typed})):
                assert response.status_code == 404, typed
                html = response.get_data(as_text=True)
                assert "We could not find that reference" in html
                assert "Someone else" not in html and "Mine" not in html
                assert soup(response).select_one("input[name=reference]")["value"] == typed


def test_an_unknown_but_well_formed_reference_is_a_404(client):
    for typed in ("BD-2345-6789", "YP-2345-6789"):
        response = client.get(f"/track/{typed}")
        assert response.status_code in (404,)
        assert "We could not find that reference" in response.get_data(as_text=True)


def test_references_start_with_bd(app, client):
    reference = make(app, client)
    assert reference.startswith("BD-")
    assert "YP-" not in client.get(f"/track/{reference}").get_data(as_text=True)


@pytest.mark.parametrize("shape", [
    lambda r: r,  # "YP-7K3Q-94MD", as printed on confirmations before the prefix changed
    lambda r: r.lower().replace("-", " "),  # "yp 7k3q 94md"
    lambda r: r.replace("-", ""),
])
def test_an_old_yp_reference_still_tracks_the_same_feedback(app, client, shape):
    reference = make(app, client)
    old = shape("YP-" + reference.removeprefix("BD-"))
    page = client.get(f"/track/{old}")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    response = client.get("/track", query_string={"reference": old})
    assert response.status_code == 302 and response.headers["Location"] == f"/track/{reference}"


def test_status_received_with_the_answer_date(app, client):
    reference = make(app, client)
    page = soup(client.get(f"/track/{reference}"))
    assert page.select_one("h1").get_text(strip=True) == "Received"
    text = page.select_one("main").get_text(" ", strip=True)
    from portal.timeutil import uk_date

    assert f"We aim to answer by {uk_date(stored(app, reference).due_on)}" in text
    assert "Received (now)" in text and "Being reviewed" in text and "Answered" in text


def test_status_being_reviewed(app, client):
    reference = make(app, client)
    set_fields(app, reference, status="in_review", reviewed_at=utcnow())
    page = soup(client.get(f"/track/{reference}"))
    assert page.select_one("h1").get_text(strip=True) == "Being reviewed"
    assert "Received (done)" in page.get_text(" ", strip=True)


def test_a_hidden_item_is_described_honestly_and_never_as_answered(app, client):
    reference = make(app, client)
    set_fields(app, reference, status="hidden", hidden_reason="Personal details")
    page = soup(client.get(f"/track/{reference}"))
    text = page.select_one("main").get_text(" ", strip=True)
    assert page.select_one("h1").get_text(strip=True) == "Reviewed"
    assert "We will not publish it on this website" in text
    assert "Answered (" not in text and "We have answered" not in text
    assert "Personal details" not in text


def test_answered_links_to_the_response(app, client):
    from portal.responses.models import Response

    reference = make(app, client)
    with app.app_context():
        response = Response(you_said="More places to meet", we_did="We opened the library on Saturdays", status="done",
                            responsible="Libraries", action_date=date.today(), state="published", answers_adults=True,
                            published_at=utcnow())
        db.session.add(response)
        db.session.commit()
        response_id = response.id
    set_fields(app, reference, status="answered", response_id=response_id, answered_at=utcnow())
    page = soup(client.get(f"/track/{reference}"))
    assert page.select_one("h1").get_text(strip=True) == "Answered"
    if "responses.show" in app.view_functions:
        assert page.select_one(f"a[href='/you-said-we-did/{response_id}']").get_text(strip=True) == "read what we did"


def test_answered_without_a_response_is_not_claimed_as_answered(app, client):
    reference = make(app, client)
    set_fields(app, reference, status="answered")
    assert soup(client.get(f"/track/{reference}")).select_one("h1").get_text(strip=True) == "Being reviewed"


def test_overdue_items_say_sorry(app, client):
    reference = make(app, client)
    set_fields(app, reference, due_on=date.today() - timedelta(days=3))
    assert "taking longer than we aimed for" in client.get(f"/track/{reference}").get_data(as_text=True)


def test_a_flagged_item_looks_exactly_like_any_other(app, client):
    flagged = make(app, client, body="I want to kill myself")
    plain = make(app, client, body="More benches please")
    assert stored(app, flagged).safeguarding_state == "open"

    def main_text(reference):
        text = soup(client.get(f"/track/{reference}")).select_one("main").get_text(" ", strip=True)
        return text.replace(reference, "REF")

    assert main_text(flagged) == main_text(plain)
    assert "safeguard" not in main_text(flagged).lower()


def test_the_track_page_never_shows_what_was_written_or_the_email(app, client):
    reference = make(app, client, body="A very private message", email="private@example.com")
    html = client.get(f"/track/{reference}").get_data(as_text=True)
    assert "A very private message" not in html and "private@example.com" not in html


def test_wrong_references_are_rate_limited_but_the_empty_form_is_not(app, client, rate_limits):
    mine = make(app, client)
    for _ in range(40):
        assert client.get("/track").status_code == 200
    for i in range(30):
        assert client.get(f"/track/BD-2345-{i:04d}").status_code == 404
    response = client.get("/track", query_string={"reference": "BD-2345-6789"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"  # 30 a minute
    assert "You have tried too many times" in response.get_data(as_text=True)
    assert client.get("/track/BD-2345-6789").status_code == 429
    # Past the limit even a right reference is refused: a 200 would tell a guesser which
    # guess was right. Another address is not refused.
    assert client.get(f"/track/{mine}").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert other.get(f"/track/{mine}").status_code == 200


def test_looking_up_your_own_reference_is_never_counted(app, client, rate_limits):
    """A class on one school connection checks its references again and again: only wrong
    guesses count (30 a minute would otherwise refuse the 31st child)."""
    mine = make(app, client)
    for n in range(100):
        response = client.get(f"/track/{mine}")
        assert response.status_code == 200, n
    assert client.get("/track", query_string={"reference": mine.lower()}).status_code == 302
    for i in range(29):  # the wrong guesses are all still there to be made
        assert client.get(f"/track/BD-2345-{i:04d}").status_code == 404
    assert client.get(f"/track/{mine}").status_code == 200


@pytest.fixture
def redis_url(tmp_path, make_app):
    with redis_server(tmp_path / "redis") as url:
        yield url
    make_app()  # the limiter (one for every app) back on a store that answers, for the next test


def test_a_worker_that_has_not_seen_the_guessing_learns_at_its_first_wrong_guess(app, make_app, redis_url,
                                                                                  rate_limits):
    """Two apps on one Redis, as two workers are: the wrong guesses are counted in Redis,
    and each app remembers only the ones it served itself."""
    workers = [make_app(RATELIMIT_STORAGE_URI=redis_url).test_client() for _ in range(2)]
    limiter.enabled = True  # each new app set it from its settings
    with app.app_context():
        mine = format_reference(make_submission().reference)
    first, second = workers
    assert first.get(f"/track/{mine}").status_code == 200
    assert redis.Redis.from_url(redis_url).dbsize() == 0  # a right reference asks nothing of the store
    for i in range(30):
        assert first.get(f"/track/BD-2345-{i:04d}").status_code == 404
    assert first.get(f"/track/{mine}").status_code == 429
    assert second.get(f"/track/{mine}").status_code == 200  # not seen guessing here: the store not asked
    wrong = second.get("/track/BD-2345-0099")
    assert wrong.status_code == 429 and wrong.headers["Retry-After"] == "60"  # counted once, in Redis
    assert second.get(f"/track/{mine}").status_code == 429


def test_with_the_store_down_wrong_references_are_still_answered_and_counted_in_memory(make_app, rate_limits, caplog):
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")  # nothing listens on port 1
    limiter.enabled = True
    client = app.test_client()
    statuses = [client.get(f"/track/BD-2345-{i:04d}").status_code for i in range(31)]
    assert statuses == [404] * 30 + [429]
    assert "could not be reached" in caplog.text
    make_app()  # the limiter (one for every app) back on a store that answers, for the fixture's reset
