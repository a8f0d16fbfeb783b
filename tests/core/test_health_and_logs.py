"""Health and logs: /healthz for liveness, /readyz for the database and the rate limits'
store (Redis), and the request log: one JSON line a request, with the URL rule and never
the path, and none of what people typed, after full journeys through the test client."""

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from portal import requestlog
from portal.advisory.models import Application
from portal.extensions import db, limiter
from portal.shared.outbox import OutboxMessage
from portal.shared.references import parse_reference
from tests.advisory.test_apply import Applicant
from tests.support.journeys import YOUNG, Teller, stored
from tests.support.proposer import Proposer
from tests.support.servers import free_port
from tests.support.staff import STAFF_PASSWORD, csrf_token_from, sign_in_client

FIELDS = ["ts", "request_id", "method", "route", "endpoint", "status", "duration_ms", "bytes"]
SAFE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


# ---- capturing the log and the requests ---------------------------------------------


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    @property
    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def request_log():
    """What `portal.requests` writes during the test, line by line."""
    handler = Lines()
    logger = logging.getLogger(requestlog.LOGGER_NAME)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@dataclass
class Seen:
    method: str
    path: str
    status: int
    request_id: str | None


class Recorder:
    """WSGI middleware: every request the app answered, as the client saw it."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app
        self.seen: list[Seen] = []

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            request_id = next((value for name, value in headers if name.lower() == "x-request-id"), None)
            self.seen.append(Seen(environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status.split()[0]), request_id))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


@pytest.fixture
def requests_seen(app):
    recorder = Recorder(app.wsgi_app)
    app.wsgi_app = recorder
    yield recorder.seen
    app.wsgi_app = recorder.wsgi_app


@pytest.fixture
def keep_limiter_storage():
    """The limiter is one object for every app made: an app made with another store
    replaces its storage, and a store that does not answer leaves it on its in-memory
    fallback. Put the test app's limiter back as it was afterwards."""
    saved = dict(vars(limiter))
    yield
    vars(limiter).clear()
    vars(limiter).update(saved)
    limiter.enabled = False


def expected_rule(app, method: str, path: str) -> tuple[str | None, str | None]:
    """The URL rule and endpoint the app's URL map gives this request (None for a 404)."""
    try:
        rule, _args = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
    except HTTPException:
        return None, None
    return rule.rule, rule.endpoint


# ---- /healthz and /readyz -----------------------------------------------------------


def assert_no_session(response) -> None:
    assert "Set-Cookie" not in response.headers, response.headers.getlist("Set-Cookie")


def test_healthz_is_ok_without_the_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent-dir/x.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    assert_no_session(response)


def test_readyz_is_ready_on_the_test_database_with_limits_in_memory(client, request_log):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ready", "database": "ok", "rate_limits": "memory"}
    assert response.headers["Cache-Control"] == "no-store"
    assert_no_session(response)
    (line,) = request_log.records
    assert (line["route"], line["endpoint"], line["status"]) == ("/readyz", "core.readyz", 200)


def test_readyz_is_not_rate_limited(app, client, rate_limits):
    for _ in range(130):  # more than the 120 a minute any device may post
        assert client.get("/readyz").status_code == 200
    assert client.head("/readyz").status_code == 200


def assert_says_nothing_of_the_connection(response, *secrets: str) -> None:
    body = response.get_data(as_text=True)
    for word in ("://", "postgres", "sqlite", "redis", "127.0.0.1", "nonexistent", "Traceback", "Error", *secrets):
        assert word.lower() not in body.lower(), (word, body)


def test_readyz_is_503_when_the_sqlite_file_cannot_be_opened(make_app, keep_limiter_storage):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent-dir/x.sqlite")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "failed", "rate_limits": "memory"}
    assert response.headers["Cache-Control"] == "no-store"
    assert_no_session(response)
    assert_says_nothing_of_the_connection(response)


def test_readyz_is_503_when_postgresql_does_not_answer(make_app, keep_limiter_storage, caplog):
    port = free_port()  # nothing listens there
    app = make_app(SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://portal:pg-S3cret-pw@127.0.0.1:{port}/portal")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/readyz")
    assert time.perf_counter() - started < 5
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "failed", "rate_limits": "memory"}
    assert_says_nothing_of_the_connection(response, "pg-S3cret-pw", str(port), "portal:")
    assert "database check failed" in caplog.text and "pg-S3cret-pw" not in caplog.text


def test_readyz_is_503_when_redis_does_not_answer(make_app, keep_limiter_storage, caplog):
    port = free_port()
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://:redis-S3cret-pw@127.0.0.1:{port}/0")
    assert limiter.enabled  # on, with its store gone: /readyz must answer all the same
    client = app.test_client()
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        response = client.get("/readyz")
    assert time.perf_counter() - started < 5
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "database": "ok", "rate_limits": "failed"}
    assert response.headers["Cache-Control"] == "no-store"
    assert_no_session(response)
    assert_says_nothing_of_the_connection(response, "redis-S3cret-pw", str(port))
    assert "did not answer" in caplog.text and "redis-S3cret-pw" not in caplog.text
    assert client.get("/healthz").status_code == 200  # alive, only not ready


def test_readyz_is_ready_with_a_redis_that_answers(make_app, keep_limiter_storage, tmp_path):
    from tests.support.redis_server import redis_server

    with redis_server(tmp_path / "redis") as url:
        app = make_app(RATELIMIT_STORAGE_URI=url)
        response = app.test_client().get("/readyz")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == {"status": "ready", "database": "ok", "rate_limits": "ok"}


# ---- the request log ----------------------------------------------------------------


def assert_well_formed(records: list[dict]) -> None:
    for record in records:
        assert list(record) == FIELDS, record
        stamp = datetime.fromisoformat(record["ts"].replace("Z", "+00:00"))
        assert record["ts"].endswith("Z") and stamp.utcoffset().total_seconds() == 0, record
        assert SAFE_ID.fullmatch(record["request_id"]), record
        assert record["method"] in {"GET", "HEAD", "POST", "OTHER"}, record
        assert record["route"] is None or record["route"].startswith("/"), record
        assert (record["route"] is None) == (record["endpoint"] is None), record
        assert isinstance(record["status"], int) and 100 <= record["status"] < 600, record
        assert isinstance(record["duration_ms"], float) and record["duration_ms"] >= 0, record
        assert round(record["duration_ms"], 1) == record["duration_ms"], record
        assert record["bytes"] is None or (isinstance(record["bytes"], int) and record["bytes"] >= 0), record


def reference_forms(shown: str) -> list[str]:
    """BD-7K3Q-94MD as shown, typed without dashes, stored, and in halves."""
    bare = parse_reference(shown)
    return [shown, shown.replace("-", ""), bare, f"{bare[:4]}-{bare[4:]}", f"{bare[:4]} {bare[4:]}"]


def phone_forms(typed: str) -> list[str]:
    digits = re.sub(r"\D", "", typed)
    return [typed, digits, "+44" + digits[1:], digits[1:], typed.replace(" ", "+"), typed.replace(" ", "%20")]


def email_forms(address: str) -> list[str]:
    local, _at, _domain = address.partition("@")
    return [address, address.replace("@", "%40"), local]


def links_in(body: str, base: str) -> list[str]:
    return [url[len(base):] or "/" for url in re.findall(re.escape(base) + r"[^\s<>\"')]*", body)]


ADULT_EMAIL = "hollis.adult.logtest@example.com"
ADULT_PHONE = "07700 900123"
ADULT_POSTCODE = "BD8 7PX"
ADULT_MESSAGE = (f"The swings in Listerwood park are snapped again. Ring me on {ADULT_PHONE}, "
                 f"I live near {ADULT_POSTCODE} by the Quixley bakery.")
YOUNG_EMAIL = "riley.young.logtest@example.org"
YOUNG_PHONE = "07700 900456"
YOUNG_MESSAGE = f"Our skatepark by Wrenthorpe lane needs lights at night, text me on {YOUNG_PHONE}."
IDEA_EMAIL = "ideas.person.logtest@example.net"
IDEA_TITLE = "A climbing wall at Fennimore baths"
IDEA_BODY = "Somewhere for the Fennimore climbing club to train after school."
APPLICANT = {"name": "Zainab Okonkwo-Larsen", "email": "zainab.logtest@example.com", "phone": "07700 900321",
             "why": "I organise the Yarrowby litter pick every month.", "bring": "Patience and a Quillfeather van.",
             "access": "A Thistlecombe ramp, please.", "declaration": "I chair the Marrowdale allotments."}
MESSAGE_WORDS = ["swings", "Listerwood", "snapped", "Quixley", "skatepark", "Wrenthorpe", "climbing", "Fennimore",
                 "Zainab", "Okonkwo", "Larsen", "Yarrowby", "Quillfeather", "Thistlecombe", "Marrowdale"]
SUPPLIED_ID = "lb-7f3a.request_0042"


def test_full_journeys_log_one_json_line_per_request_and_nothing_anyone_typed(
        app, make_staff, request_log, requests_seen, capsys):
    secrets: list[str] = []

    # An adult tells us something, with an email address, a phone number and a postcode.
    adult = Teller(app.test_client()).fill(body=ADULT_MESSAGE, email=ADULT_EMAIL, area="bradford-west")
    draft_tokens = [adult.draft_token()]
    adult_reference, _html = adult.send_and_follow()
    # A young person does.
    young = Teller(app.test_client(), YOUNG).fill(body=YOUNG_MESSAGE, email=YOUNG_EMAIL, age="13_15", area="shipley")
    draft_tokens.append(young.draft_token())
    young_reference, _html = young.send_and_follow()
    # Someone proposes an idea and asks for updates by email.
    proposer = Proposer(app.test_client())
    idea_reference = proposer.propose(title=IDEA_TITLE, body=IDEA_BODY, email=IDEA_EMAIL)
    draft_tokens.append(proposer.draft_token)
    # Someone applies to the advisory group with a name, an email and a phone number.
    applicant = Applicant(app.test_client())
    application_reference = applicant.apply(**APPLICANT)
    draft_tokens.append(applicant.draft_token)
    references = [adult_reference, young_reference, idea_reference, application_reference]
    assert len(set(references)) == 4

    # Each is tracked: typed into the form (a query string), and straight by its address.
    tracker = app.test_client()
    for reference in references:
        looked_up = tracker.get("/track", query_string={"reference": reference.lower().replace("-", " ")})
        assert looked_up.status_code == 302, reference
        assert tracker.get(looked_up.headers["Location"]).status_code == 200
        assert tracker.get(f"/track/{reference.replace('-', '').lower()}").status_code in (200, 302)
    # A page that does not exist, with an email address in its path.
    assert tracker.get(f"/nothing/{ADULT_EMAIL}").status_code == 404

    # A moderator signs in, opens both messages, and offers the applicant a seat.
    moderator = make_staff("moderator", email="morwenna.staff.logtest@staff.test")
    staff = app.test_client()
    sign_in_client(app, staff, moderator)
    for reference, word in ((adult_reference, "Listerwood"), (young_reference, "Wrenthorpe")):
        page = staff.get(f"/moderate/items/{stored(app, reference).id}")
        assert page.status_code == 200 and word in page.get_data(as_text=True)
    with app.app_context():
        application_id = db.session.scalar(
            select(Application.id).where(Application.reference == parse_reference(application_reference)))
    screen = f"/moderate/advisory-group/applications/{application_id}"
    for stage in ("shortlisted", "offered"):
        token = csrf_token_from(staff.get(screen).get_data(as_text=True))
        moved = staff.post(f"{screen}/move", data={"csrf_token": token, "stage": stage})
        assert moved.status_code == 303, moved.get_data(as_text=True)[:2000]

    # The links in every email sent, opened from the email; the offer is accepted.
    base = app.config["PUBLIC_BASE_URL"]
    with app.app_context():
        bodies = list(db.session.scalars(select(OutboxMessage.body)))
    links = [link for body in bodies for link in links_in(body, base)]
    offer_links = [link for link in links if link.startswith("/advisory-group/offer/")]
    assert len(offer_links) == 1 and any(link.startswith("/track/") for link in links), links
    reader = app.test_client()
    for link in links:
        parts = urlsplit(link)
        secrets.extend(segment for segment in parts.path.split("/") if len(segment) >= 16)
        secrets.extend(value for _key, value in parse_qsl(parts.query) if len(value) >= 6)
        assert reader.get(link).status_code == 200, link
    offer = reader.get(offer_links[0])
    accepted = reader.post(offer_links[0], data={"csrf_token": csrf_token_from(offer.get_data(as_text=True)),
                                                  "answer": "yes"})
    assert accepted.status_code == 200, accepted.get_data(as_text=True)[:2000]
    assert len([secret for secret in secrets if len(secret) >= 16]) >= 1, links

    # A request id from the proxy is kept; one that is not a short safe token is replaced.
    kept = tracker.get("/healthz", headers={"X-Request-Id": SUPPLIED_ID})
    assert kept.headers["X-Request-Id"] == SUPPLIED_ID
    for unsafe in (f"id-{ADULT_EMAIL}", "x" * 65, "two words", "path/like", "quote\"d", ""):
        replaced = tracker.get("/healthz", headers={"X-Request-Id": unsafe})
        assert replaced.headers["X-Request-Id"] != unsafe and SAFE_ID.fullmatch(replaced.headers["X-Request-Id"])

    clients = [adult.client, young.client, proposer.client, applicant.client, tracker, staff, reader]
    cookies = [c.get_cookie(name) for c in clients for name in ("yp_session", "device", "yp_lang")]
    secrets += [cookie.value for cookie in cookies if cookie is not None]
    assert len([cookie for cookie in cookies if cookie is not None and cookie.key == "yp_session"]) >= 5
    secrets += draft_tokens + [adult.token, young.token, proposer.token, applicant._token]

    # Every line is JSON with exactly the documented keys, and says what the client saw.
    records = request_log.records
    assert_well_formed(records)
    assert len(records) == len(requests_seen) > 60, (len(records), len(requests_seen))
    by_id = {record["request_id"]: record for record in records}
    assert len(by_id) == len(records), "request ids repeat"
    for seen in requests_seen:
        record = by_id[seen.request_id]  # the response's X-Request-Id names its line
        route, endpoint = expected_rule(app, seen.method, seen.path)
        assert (record["method"], record["status"], record["route"], record["endpoint"]) == (
            seen.method, seen.status, route, endpoint), (seen, record)
    routes = {record["route"] for record in records}
    for route in ("/track", "/track/<reference>", "/moderate/items/<int:item_id>", "/staff/login",
                  "/staff/login/code", "/advisory-group/offer/<token>", "/ideas/propose/confirmation", None):
        assert route in routes, (route, sorted(map(str, routes)))
    assert by_id[SUPPLIED_ID]["route"] == "/healthz"
    # The same lines went to stderr, each once.
    written = [line for line in capsys.readouterr().err.splitlines() if '"request_id":' in line]
    assert written == request_log.lines

    # And nothing anyone typed or was given is in them, in any form.
    forbidden = [
        *email_forms(ADULT_EMAIL), *email_forms(YOUNG_EMAIL), *email_forms(IDEA_EMAIL),
        *email_forms(APPLICANT["email"]), *email_forms(moderator.email), STAFF_PASSWORD,
        *phone_forms(ADULT_PHONE), *phone_forms(YOUNG_PHONE), *phone_forms(APPLICANT["phone"]),
        ADULT_POSTCODE, ADULT_POSTCODE.replace(" ", ""), ADULT_POSTCODE.replace(" ", "+"),
        *MESSAGE_WORDS, *(form for reference in references for form in reference_forms(reference)),
        *secrets,
    ]
    assert len(secrets) >= 15, secrets
    text = request_log.text.lower()
    found = [word for word in forbidden if word and word.lower() in text]
    assert not found, found
    for word in ("?", "@", "reference=", "127.0.0.1", "werkzeug", "cookie", "user-agent", "yp_session"):
        assert word not in text, word
    print(f"\n  {len(records)} requests logged; {len(forbidden)} strings looked for, none found")


def test_a_request_that_raises_is_logged_once_as_500(make_app, request_log):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom/<token>")
    def boom(token):
        raise RuntimeError(f"broken for {token}")

    response = app.test_client().get("/boom/hollis.adult.logtest@example.com?email=x@example.com")
    assert response.status_code == 500
    (record,) = request_log.records
    assert_well_formed([record])
    assert (record["status"], record["route"], record["endpoint"]) == (500, "/boom/<token>", "boom")
    assert response.headers["X-Request-Id"] == record["request_id"]
    assert "logtest" not in request_log.text and "example.com" not in request_log.text


def test_an_exception_that_goes_past_every_handler_is_logged_once_as_500(make_app, request_log):
    app = make_app()  # TESTING: exceptions reach the test client

    @app.get("/boom")
    def boom():
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        app.test_client().get("/boom")
    (record,) = request_log.records
    assert (record["status"], record["route"]) == (500, "/boom")


def test_a_refused_request_is_logged_with_its_status(client, request_log, rate_limits):
    for _ in range(40):  # 30 wrong references a minute (TRACK_RATE_LIMIT)
        response = client.get("/track", query_string={"reference": "BD-2222-2222-2222"})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    assert request_log.records[-1]["status"] == 429 and request_log.records[-1]["route"] == "/track"
    assert response.headers["X-Request-Id"] == request_log.records[-1]["request_id"]
    assert "2222" not in request_log.text


def test_unknown_methods_are_written_as_other(client, request_log):
    client.open("/", method="SHOUTED07700900123")
    (record,) = request_log.records
    assert (record["method"], record["status"]) == ("OTHER", 405)


def test_the_log_can_be_switched_off(make_app, request_log):
    app = make_app(REQUEST_LOG_ENABLED=False)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and "X-Request-Id" not in response.headers
    assert request_log.lines == []


def test_the_handler_is_attached_once_however_many_apps_are_made(make_app, request_log):
    make_app()
    make_app()
    logger = logging.getLogger(requestlog.LOGGER_NAME)
    handlers = [h for h in logger.handlers if isinstance(h, requestlog._StderrHandler)]
    assert len(handlers) == 1 and logger.propagate is False and logger.level == logging.INFO
    make_app().test_client().get("/healthz")
    assert len(request_log.lines) == 1
