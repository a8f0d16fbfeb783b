"""One support per device, exactly, under load: two real server processes on the suite's
database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set), 200 devices pressing
"Support" on one idea at the same moment.

Each device is a real signed `device` cookie (signed as portal/shared/devices.py signs
it, with the servers' SECRET_KEY) and has its own session and CSRF token from a GET of
the idea's page, as a browser would. Half post the plain form (303), half post as htmx
(200, the control swapped in place with the words announced). Nothing is retried: a
"database is locked" or any other failure shows as a response that is not 303/200, and
the servers' logs are printed with it.

The servers run as `make run` does (their own in-memory rate limits on): each device
posts at most three times, and each server sees about 300 posts from 127.0.0.1, far
under the per-device and per-address limits.
"""

import http.client
import http.cookies
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas.models import Idea, IdeaSupport
from portal.shared.devices import device_hash
from tests.support.ideas import make_idea
from tests.support.servers import PortalServer

THEME = "sharing-spaces-and-places"
DEVICES = 200


@dataclass
class Device:
    token: str
    cookie: str  # the signed `device` cookie's value
    htmx: bool
    cookies: dict = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in {"device": self.cookie, **self.cookies}.items())


@dataclass
class Result:
    device: Device
    port: int
    status: int = 0
    location: str = ""
    body: str = ""
    error: str = ""
    seconds: float = 0.0


def _request(port: int, method: str, path: str, device: Device, body: str | None = None,
             headers: dict | None = None, connect_then=None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=45)
    try:
        conn.connect()
        if connect_then is not None:
            connect_then()  # e.g. wait at the barrier, connected, so every request goes at once
        all_headers = {"Cookie": device.cookie_header(), **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if name != "device":
                    device.cookies[name] = morsel.value
        return response.status, dict(response.headers), text
    finally:
        conn.close()


def _prepare(devices: list[Device], servers, page: str, per_server: int = 4) -> None:
    """Each device opens the idea's page once: a session cookie and a CSRF token. A few
    at a time on each server: this is setting up, not the test."""
    errors = []

    def fetch(server, device: Device) -> None:
        try:
            status, _headers, html = _request(server.port, "GET", page, device)
            assert status == 200, (status, _words(html)[:300])
            assert 'value="support"' in html  # this device supports nothing yet
            assert 'name="csrf_token"' not in html  # the board needs no session (portal/shared/origin.py)
        except Exception as error:  # noqa: BLE001 (collected and reported together)
            errors.append(f"{device.token}: {error!r}")

    threads = [threading.Thread(target=_in_threads, args=(
        [(fetch, (server, d)) for d in devices[index::len(servers)]], per_server)) for index, server in enumerate(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"{len(errors)} of {len(devices)} GETs of {page} failed: {errors[:3]}\n" + _logs(servers)


def _in_threads(calls, width: int) -> None:
    """Run (function, args) pairs on `width` threads."""
    pending = list(calls)
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                function, args = pending.pop()
            function(*args)

    threads = [threading.Thread(target=worker) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _wave(sends: list[tuple[Device, int, str]], path: str, next_url: str) -> tuple[list[Result], float]:
    """All the posts at the same moment: one thread each, connected first, then a barrier."""
    barrier = threading.Barrier(len(sends) + 1)
    results = [Result(device=device, port=port) for device, port, _action in sends]

    def post(result: Result, action: str) -> None:
        device = result.device
        body = urllib.parse.urlencode({"action": action, "next": next_url})
        headers = {"HX-Request": "true"} if device.htmx else {}
        clock = {}

        def go() -> None:
            barrier.wait()
            clock["start"] = time.perf_counter()

        try:
            result.status, response_headers, result.body = _request(
                result.port, "POST", path, device, body=body, headers=headers, connect_then=go)
            result.location = response_headers.get("Location", "")
        except Exception as error:  # noqa: BLE001 (reported with the others)
            result.error = repr(error)
        result.seconds = time.perf_counter() - clock.get("start", time.perf_counter())

    threads = [threading.Thread(target=post, args=(result, action))
               for result, (_d, _p, action) in zip(results, sends)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=60)
    return results, time.perf_counter() - started


def _tally(app, idea_id: int) -> tuple[int, int, int, set[str]]:
    """(support_count, verified_count, rows, devices) as the database has them now."""
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        counts = (idea.support_count, idea.verified_count)
        rows = db.session.scalar(select(func.count()).select_from(IdeaSupport).where(IdeaSupport.idea_id == idea_id))
        devices = set(db.session.scalars(select(IdeaSupport.device).where(IdeaSupport.idea_id == idea_id)))
        db.session.remove()
    return *counts, rows, devices


def _check_wave(name: str, results: list[Result], seconds: float, servers, expect_words: str, tally) -> None:
    failed = [r for r in results if r.error or r.status not in (200, 303)]
    for result in results:
        if result.error or result.status not in (200, 303):
            continue
        if result.device.htmx:
            if result.status != 200 or expect_words not in result.body:
                failed.append(result)
        elif result.status != 303 or not re.search(r"#idea-\d+$", result.location):
            failed.append(result)
    times = sorted(r.seconds * 1000 for r in results)
    print(f"\n  {name}: {len(results)} posts in {seconds * 1000:.0f} ms ({len(results) / seconds:.0f}/s); "
          f"each took {times[len(times) // 2]:.0f} ms median, {times[-1]:.0f} ms at most", end="")
    if failed:
        logs = _logs(servers)
        detail = "\n".join(
            f"  port {r.port} {'htmx' if r.device.htmx else 'form'} after {r.seconds * 1000:.0f} ms: status {r.status} {r.error} "
            f"{r.location} {_words(r.body)[:120]}" for r in sorted(failed, key=lambda r: r.seconds)[:10])
        locked = sum("database is locked" in s.log() for s in servers)
        raise AssertionError(
            f"{name}: {len(failed)} of {len(results)} posts failed; (support_count, verified_count, rows) now "
            f"{tally[:3]}"
            f"{' (database is locked in ' + str(locked) + ' server log(s))' if locked else ''}:\n{detail}\n{logs}")


def _logs(servers) -> str:
    return "\n".join(f"--- server on port {s.port} ---\n{_log_tail(s.log())}" for s in servers)


def _words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _log_tail(log: str, lines: int = 60) -> str:
    # The first traceback says most; then the end.
    found = log.find("Traceback")
    head = log[found:found + 4000] if found >= 0 else ""
    return head + "\n...\n" + "\n".join(log.splitlines()[-lines:])


def test_two_servers_200_devices_at_once_count_exactly_once_each(app, database_url, tmp_path):
    secret = app.config["SECRET_KEY"]
    with app.app_context():
        idea = make_idea(title="Benches along the canal towpath in Shipley")
        idea_id = idea.id
        db.session.remove()
    page = f"/ideas/{THEME}/{idea_id}"
    path = f"{page}/support"

    signer = URLSafeSerializer(secret, salt="device-token")
    devices = []
    for i in range(DEVICES):
        token = secrets.token_urlsafe(24)
        devices.append(Device(token=token, cookie=signer.dumps(token), htmx=i % 2 == 1))
    with app.app_context():
        expected = {device_hash(d.token) for d in devices}
        withdrawn = {device_hash(d.token) for d in devices[:100]}
        dialect = db.engine.dialect.name

    started = time.perf_counter()
    with PortalServer(database_url, secret, tmp_path / "a.log") as one, \
            PortalServer(database_url, secret, tmp_path / "b.log") as two:
        servers = [one, two]
        ports = [one.port, two.port]
        print(f"\n  {dialect}: two servers up in "
              f"{time.perf_counter() - started:.1f} s", end="")
        _prepare(devices, servers, page)

        # 1. Every device supports at once, half on each server.
        results, seconds = _wave([(d, ports[i % 2], "support") for i, d in enumerate(devices)], path, page)
        tally = _tally(app, idea_id)
        _check_wave("200 supports", results, seconds, servers, "You support this idea", tally)
        assert tally[:3] == (DEVICES, 0, DEVICES)
        assert tally[3] == expected

        # 2. The same 200 again, each on the other server: nothing changes.
        results, seconds = _wave([(d, ports[(i + 1) % 2], "support") for i, d in enumerate(devices)], path, page)
        tally = _tally(app, idea_id)
        _check_wave("200 repeats", results, seconds, servers, "You already support this idea, so nothing changed", tally)
        assert tally == (DEVICES, 0, DEVICES, expected), tally[:3]

        # 3. 100 of them withdraw, each twice at the same moment (once on each server,
        #    a double click across a load balancer): exactly 100 are taken back.
        twice = [(d, port, "withdraw") for d in devices[:100] for port in ports]
        results, seconds = _wave(twice, path, page)
        tally = _tally(app, idea_id)
        _check_wave("100 withdrawals x 2", results, seconds, servers, "this idea", tally)
        htmx_changed = sum("You no longer support this idea" in r.body for r in results if r.device.htmx)
        htmx_unchanged = sum("You were not supporting this idea" in r.body for r in results if r.device.htmx)
        assert (htmx_changed, htmx_unchanged) == (50, 50), (htmx_changed, htmx_unchanged)
        assert tally == (DEVICES - 100, 0, DEVICES - 100, expected - withdrawn), tally[:3]

        for server in servers:
            assert "Traceback" not in server.log(), _log_tail(server.log())
    print(f"\n  whole test {time.perf_counter() - started:.1f} s")
