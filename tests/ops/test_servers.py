"""The portal run as production runs it: gunicorn with gunicorn.conf.py, settings from the
environment (ENV_NAME=production, SECRET_KEY, PUBLIC_BASE_URL, DATABASE_URL,
RATELIMIT_STORAGE_URI, WEB_CONCURRENCY, GUNICORN_BIND).

1. gunicorn.conf.py refuses several workers with rate limits in memory in production,
   unless ALLOW_PER_PROCESS_RATE_LIMITS=1 says someone chose it (then it starts, and warns).
2. Two gunicorn servers of two workers each (four processes) on the suite's database
   (SQLite, or PostgreSQL when TEST_DATABASE_URL is set) and one real Redis, as behind a
   load balancer: the staff sign-in limit (10 a minute per address) is counted once for
   all four processes, a sign-in wait earned on one server holds on the other, and one
   device pressing "Support" on both at once counts once.

The servers talk to the test directly (TRUSTED_PROXY_HOPS=0), so every request comes from
127.0.0.1. Production cookies are `__Host-` and Secure, which a cookie jar would not send
back over plain http, so cookies are kept by hand (Browser). Redis is emptied before each
test, so each starts with no limit used.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import http.cookies
import importlib.util
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from portal.config import ENV_KEYS
from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport
from portal.staff.models import SignInThrottle
from portal.staff.services import create_staff_user, new_totp_secret
from tests.support.ideas import make_idea
from tests.support.paths import REPO_ROOT
from tests.support.redis_server import redis_server
from tests.support.servers import PortalServer, free_port
from tests.support.staff import STAFF_PASSWORD, csrf_token_from

SECRET = secrets.token_hex(32)  # 64 characters, as production asks for
PUBLIC_BASE_URL = "https://yourplace.example"
APP = "portal:create_app()"
THEME = "sharing-spaces-and-places"
WRONG = "The email address or password is not right"
WAIT = re.compile(r"Too many wrong attempts\. Wait (\d+) seconds")
TOO_MANY = "You have tried too many times"

# Settings of ours, and gunicorn's own (GUNICORN_CMD_ARGS), that must not leak into the
# servers from the environment the tests run in.
OWN_SETTINGS = {*ENV_KEYS, *(f"PORTAL_{key}" for key in ENV_KEYS), "WEB_CONCURRENCY", "GUNICORN_BIND",
                "GUNICORN_TIMEOUT", "GUNICORN_CMD_ARGS", "PORT", "ALLOW_PER_PROCESS_RATE_LIMITS",
                "PORTAL_ALLOW_PER_PROCESS_RATE_LIMITS"}


def _gunicorn() -> str:
    """The gunicorn of the environment running the tests (.venv/bin/gunicorn)."""
    beside = Path(sys.executable).with_name("gunicorn")
    found = beside if beside.exists() else REPO_ROOT / ".venv" / "bin" / "gunicorn"
    if found.exists():
        return str(found)
    return shutil.which("gunicorn") or pytest.fail("gunicorn is not installed (pip install -e '.[test]')")


def production_env(database_url: str, port: int, **settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in OWN_SETTINGS}
    env.update({"ENV_NAME": "production", "SECRET_KEY": SECRET, "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "DATABASE_URL": database_url, "WEB_CONCURRENCY": "2", "GUNICORN_BIND": f"127.0.0.1:{port}",
                "PYTHONUNBUFFERED": "1", **settings})
    return env


def _stop_group(process: subprocess.Popen, graceful: float = 25) -> None:
    """Stop gunicorn as a deployment would (SIGTERM: workers finish, then exit); if it
    hangs, kill its process group (started with it, so its workers too)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(graceful)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


class GunicornServer(PortalServer):
    """PortalServer's life cycle and health check, with `gunicorn -c gunicorn.conf.py`."""

    def launch(self) -> GunicornServer:
        env = production_env(self.database_url, self.port, **self.env)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (the server writes to it until it stops)
        self.process = subprocess.Popen([_gunicorn(), "-c", "gunicorn.conf.py", APP], cwd=REPO_ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.log_mark = 0
        return self

    def wait_until_healthy(self, timeout: float = 30) -> GunicornServer:
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"gunicorn on port {self.port} did not start:\n{self.log()}")
            time.sleep(0.1)
        return self

    def start(self, timeout: float = 30) -> GunicornServer:
        return self.launch().wait_until_healthy(timeout)

    def stop(self) -> None:
        if self.process is not None:
            _stop_group(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def new_log(self) -> str:
        """What it logged since the current test began."""
        return self.log()[self.log_mark:]


# ---- 1. gunicorn.conf.py ------------------------------------------------------------


def _gunicorn_conf():
    spec = importlib.util.spec_from_file_location("portal_gunicorn_conf", REPO_ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRODUCTION = {"ENV_NAME": "production"}


@pytest.mark.parametrize(("env", "workers"), [
    ({"ENV_NAME": "development"}, 4),
    ({}, 4),
    (PRODUCTION, 1),
    ({**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0"}, 4),
    ({"PORTAL_ENV_NAME": "production", "PORTAL_RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0"}, 4),
    ({**PRODUCTION, "ALLOW_PER_PROCESS_RATE_LIMITS": "1"}, 4),
], ids=["development", "no ENV_NAME", "production, one worker", "production, redis", "PORTAL_ names, redis",
        "production, allowed"])
def test_rate_limit_problem_lets_these_run(env, workers):
    assert _gunicorn_conf().rate_limit_problem(env, workers) is None


@pytest.mark.parametrize("env", [
    PRODUCTION,
    {"PORTAL_ENV_NAME": "production"},
    {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"},
    {**PRODUCTION, "ALLOW_PER_PROCESS_RATE_LIMITS": "0"},
], ids=["production", "PORTAL_ENV_NAME", "memory:// said", "allow flag not 1"])
def test_rate_limit_problem_refuses_workers_counting_alone(env):
    problem = _gunicorn_conf().rate_limit_problem(env, 2)
    assert problem and "RATELIMIT_STORAGE_URI" in problem and "2 workers" in problem


def test_production_with_two_workers_and_limits_in_memory_does_not_start(database_url):
    started = time.monotonic()
    process = subprocess.Popen([_gunicorn(), "-c", "gunicorn.conf.py", APP], cwd=REPO_ROOT,
                               env=production_env(database_url, free_port()), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        _stop_group(process, graceful=5)
        stdout, stderr = process.communicate()
        pytest.fail(f"gunicorn was still running after 20 s, with 2 workers and rate limits in memory:\n{stderr}")
    print(f"\n  refused in {time.monotonic() - started:.1f} s with exit status {process.returncode}", end="")
    assert process.returncode != 0, stderr
    assert "RATELIMIT_STORAGE_URI" in stderr, (stdout, stderr)
    assert "Booting worker" not in stderr


def test_allow_per_process_rate_limits_starts_and_warns(app, database_url, tmp_path):
    server = GunicornServer(database_url, SECRET, tmp_path / "allowed.log", ALLOW_PER_PROCESS_RATE_LIMITS="1")
    with server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            assert (response.status, response.read()) == (200, b"ok")
        finally:
            conn.close()
    log = server.log()
    assert re.search(r"\[WARNING\] ALLOW_PER_PROCESS_RATE_LIMITS=1: rate limits are counted per worker, so each "
                     r"limit is 2 times as loose", log), log
    assert "Traceback" not in log, log


# ---- 2. two servers, one database, one Redis ------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def words(self) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", self.body).split())


@dataclass
class Browser:
    """One person's cookies, kept by hand: production's are Secure (`__Host-`), which a
    cookie jar would keep to https."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict | None = None, headers: dict | None = None,
                connect_then=None, keep_cookies: bool = True) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.connect()
            if connect_then is not None:
                connect_then()  # connected: e.g. wait at a barrier, so every request goes at once
            sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                sent["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            result = Response(response.status, response.headers, response.read().decode("utf-8", "replace"))
        finally:
            conn.close()
        if keep_cookies:
            for header in result.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return result

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict, **options) -> Response:
        return self.request(port, "POST", path, form=form, **options)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def cluster(app, database_url, redis_url, tmp_path_factory):
    """Two gunicorn servers (2 workers each) on the test database (`app` has built it)
    and one Redis, started together, stopped at the end of the module."""
    logs = tmp_path_factory.mktemp("gunicorn")
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "TRUSTED_PROXY_HOPS": "0"}
    servers = [GunicornServer(database_url, SECRET, logs / f"server-{name}.log", **settings) for name in "ab"]
    started = time.perf_counter()
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_until_healthy()
        print(f"\n  two gunicorn servers up in {time.perf_counter() - started:.1f} s", end="")
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def servers(cluster, redis_url):
    """The two servers, with every rate limit unused (Redis emptied)."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()
    for server in cluster:
        server.log_mark = len(server.log())
    yield cluster


def assert_no_server_errors(servers) -> None:
    for server in servers:
        log = server.new_log()
        assert "Traceback" not in log and "[ERROR]" not in log, f"server on port {server.port}:\n{log[-6000:]}"


def sign_in_pages(browser: Browser, servers) -> dict[int, str]:
    """The sign-in page from each server, in one session: a CSRF token for each."""
    tokens = {}
    for server in servers:
        page = browser.get(server.port, "/staff/login")
        assert page.status == 200, page.words()[:300]
        tokens[server.port] = csrf_token_from(page.body)
    assert any(name.startswith("__Host-") for name in browser.cookies), browser.cookies  # production's session cookie
    return tokens


def test_the_sign_in_limit_is_counted_once_for_both_servers(app, servers):
    """10 a minute from one address: 40 posts, alternately to each server, let 10 through.
    Counted in each worker's memory it would be up to 40 (2 servers x 2 workers x 10)."""
    browser = Browser()
    tokens = sign_in_pages(browser, servers)
    answers = []
    for n in range(40):
        port = servers[n % 2].port
        answers.append((port, browser.post(port, "/staff/login", {
            "csrf_token": tokens[port], "email": f"nobody{n}@staff.test", "password": "not the password, number " + str(n)})))
    statuses = [response.status for _port, response in answers]
    assert statuses == [200] * 10 + [429] * 30, statuses
    through = [response for _port, response in answers[:10]]
    assert all(WRONG in response.words() for response in through), [r.words()[:200] for r in through]
    refused = [response for _port, response in answers[10:]]
    assert all(TOO_MANY in response.words() for response in refused)
    assert {port for port, response in answers if response.status == 429} == {s.port for s in servers}
    assert_no_server_errors(servers)


def test_a_sign_in_wait_earned_on_one_server_holds_on_the_other(app, servers):
    with app.app_context():
        waiting = create_staff_user("waiting.moderator@staff.test", STAFF_PASSWORD, "moderator",
                                    display_name="Test waiting", totp_secret=new_totp_secret())
        other = create_staff_user("other.moderator@staff.test", STAFF_PASSWORD, "moderator",
                                  display_name="Test other", totp_secret=new_totp_secret())
        db.session.commit()
        email, other_email = waiting.email, other.email
        db.session.remove()
    a, b = servers[0].port, servers[1].port

    # The password is right, and these servers accept it (8 posts in all: under the limit).
    someone = Browser()
    tokens = sign_in_pages(someone, servers)
    accepted = someone.post(b, "/staff/login", {"csrf_token": tokens[b], "email": other_email, "password": STAFF_PASSWORD})
    assert accepted.status == 302 and accepted.headers["Location"].endswith("/staff/login/code"), accepted.words()[:300]

    guesser = Browser()
    tokens = sign_in_pages(guesser, servers)
    for n in range(5):  # the free failures, alternately on each server
        port = (a, b)[n % 2]
        wrong = guesser.post(port, "/staff/login", {"csrf_token": tokens[port], "email": email,
                                                    "password": f"a wrong guess number {n}"})
        assert wrong.status == 200 and WRONG in wrong.words(), (n, wrong.status, wrong.words()[:300])
    with app.app_context():
        failures = db.session.scalars(select(SignInThrottle.failures).where(SignInThrottle.key.like("pair:%"))).all()
        db.session.remove()
    assert failures == [5], failures

    for port in (b, a):  # now even the right password waits, on either server
        right = guesser.post(port, "/staff/login", {"csrf_token": tokens[port], "email": email, "password": STAFF_PASSWORD})
        found = WAIT.search(right.words())
        assert right.status == 200 and found, (port, right.status, right.headers.get("Location"), right.words()[:300])
        assert 1 <= int(found.group(1)) <= 30
        assert WRONG not in right.words()
    assert_no_server_errors(servers)


def test_one_device_supporting_on_both_servers_at_once_counts_once(app, servers):
    with app.app_context():
        idea_id = make_idea(title="Benches along the canal towpath in Shipley").id
        db.session.remove()
    page = f"/ideas/{THEME}/{idea_id}"
    token = secrets.token_urlsafe(24)
    device = Browser({"device": URLSafeSerializer(SECRET, salt="device-token").dumps(token)})
    opened = device.get(servers[0].port, page)
    assert opened.status == 200 and 'value="support"' in opened.body, opened.words()[:300]
    form = {"action": "support", "next": page}  # no token: cross-site posts are told by their headers

    posts = 12  # six on each server, all at the same moment
    barrier = threading.Barrier(posts)
    results: list[Response | BaseException | None] = [None] * posts

    def press(n: int) -> None:
        try:
            results[n] = device.post(servers[n % 2].port, f"{page}/support", form, headers={"HX-Request": "true"},
                                     connect_then=lambda: barrier.wait(timeout=20), keep_cookies=False)
        except BaseException as error:  # noqa: BLE001 (reported below)
            results[n] = error

    threads = [threading.Thread(target=press, args=(n,)) for n in range(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    problems = [r for r in results if not isinstance(r, Response) or r.status != 200]
    assert not problems, [r if not isinstance(r, Response) else (r.status, r.words()[:200]) for r in problems]
    said = [r.words() for r in results]
    assert sum("You support this idea. It now has 1 support." in words for words in said) == 1, said
    assert sum("You already support this idea, so nothing changed. It has 1 support." in words for words in said) \
        == posts - 1, said

    with app.app_context():
        count = db.session.get(Idea, idea_id).support_count
        rows = db.session.scalars(select(IdeaSupport.device).where(IdeaSupport.idea_id == idea_id)).all()
        total = db.session.scalar(select(func.count()).select_from(IdeaSupport))
        db.session.remove()
    assert (count, total) == (1, 1), (count, total)
    assert rows == [hmac.new(SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()]  # devices.device_hash
    assert_no_server_errors(servers)
