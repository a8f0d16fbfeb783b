"""Nothing lost: a submission whose reference was shown survives the server being killed
(SIGKILL, no chance to flush anything) straight afterwards."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import create_engine, text

from portal.shared.references import parse_reference
from tests.support import REPO_ROOT
from tests.support.journeys import REFERENCE_SHOWN
from tests.support.staff import csrf_token_from


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that never goes through a proxy."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, data=body, timeout=10) as response:
            return response.read().decode()


def test_a_reference_shown_is_still_there_after_kill_9(app, database_url, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "durability-test-secret-key-0123456789abcdef",
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (the server writes to it until it is killed)
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "run", "--port", str(port), "--no-reload", "--no-debugger"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            try:
                browser.get("/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the portal did not start"
                time.sleep(0.1)

        token = csrf_token_from(browser.get("/tell-us/about"))
        body = f"Durability check {time.time_ns()}: please light the canal path in Shipley."
        browser.post("/tell-us/about", {"csrf_token": token, "answer": "sharing-spaces-and-places"})
        browser.post("/tell-us/where", {"csrf_token": token, "answer": "shipley"})
        browser.post("/tell-us/message", {"csrf_token": token, "body": body})
        check = browser.post("/tell-us/reply", {"csrf_token": token, "email": ""})
        draft_token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', check).group(1)
        shown_page = browser.post("/tell-us/check-your-answers", {"csrf_token": token, "draft_token": draft_token})
        reference = REFERENCE_SHOWN.search(shown_page).group(0)
        server.send_signal(signal.SIGKILL)  # the moment the reference is on screen
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
        log.close()
    assert server.returncode == -signal.SIGKILL

    engine = create_engine(database_url)  # the database itself, not through the portal
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT s.body, m.status FROM submission s JOIN moderation_item m ON m.id = s.id WHERE s.reference = :ref"),
                {"ref": parse_reference(reference)},
            ).one_or_none()
    finally:
        engine.dispose()
    assert row is not None, f"{reference} was shown but is not in the database"
    assert row.body == body and row.status == "received"


def test_500_submissions_while_the_server_is_killed_and_restarted_lose_none_and_double_none(app, database_url,
                                                                                             tmp_path):
    """Four senders make 500 submissions in all while the server is killed (SIGKILL) and
    started again four times. A sender cut off while filling in starts again; one cut off
    while sending presses "Send" again with the same draft (its session is on the server),
    as a person pressing it again would. Every reference shown is in the database
    afterwards, with its words, and no message is stored twice."""
    import threading

    from tests.support.servers import PortalServer

    target, senders = 500, 4
    shown: list[tuple[str, str]] = []  # (reference, body)
    lock = threading.Lock()
    count = {"n": 0}
    server = PortalServer(database_url, "durability-test-secret-key-0123456789abcdef", tmp_path / "server.log")
    server.start()
    import http.client

    cut_off = (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException, AttributeError,
               AssertionError)

    def next_body() -> str | None:
        with lock:
            if count["n"] >= target:
                return None
            count["n"] += 1
            return f"Kill test {count['n']} {time.time_ns()}: please light the canal path in Shipley."

    def fill_in(body: str) -> tuple[Browser, str, str]:
        browser = Browser(server.url)
        token = csrf_token_from(browser.get("/tell-us/about"))
        browser.post("/tell-us/about", {"csrf_token": token, "answer": "sharing-spaces-and-places"})
        browser.post("/tell-us/where", {"csrf_token": token, "answer": "shipley"})
        browser.post("/tell-us/message", {"csrf_token": token, "body": body})
        check = browser.post("/tell-us/reply", {"csrf_token": token, "email": ""})
        draft_token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', check).group(1)
        return browser, token, draft_token

    def sender() -> None:
        while (body := next_body()) is not None:
            while True:
                try:
                    browser, token, draft_token = fill_in(body)
                    break
                except cut_off:
                    time.sleep(0.2)  # start this one again
            while True:
                try:
                    page = browser.post("/tell-us/check-your-answers", {"csrf_token": token, "draft_token": draft_token})
                    found = REFERENCE_SHOWN.search(page)
                    assert found, "no reference on the page"
                    with lock:
                        shown.append((found.group(0), body))
                    break
                except cut_off:
                    time.sleep(0.2)  # press Send again, same draft

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    try:
        for thread in threads:
            thread.start()
        for _kill in range(4):
            time.sleep(2.5)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(10)
            server.stop()  # closes its log; the process is gone already
            server.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not any(thread.is_alive() for thread in threads), "the senders did not finish"
    finally:
        server.stop()
    assert len(shown) == target

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT reference, body FROM submission WHERE body LIKE 'Kill test %'")).all()
    finally:
        engine.dispose()
    stored = dict(rows)
    missing = [ref for ref, _body in shown if parse_reference(ref) not in stored]
    assert not missing, f"shown but not stored: {missing[:5]}"
    bodies = [body for _ref, body in rows]
    assert len(bodies) == len(set(bodies)) == target, "a message was stored twice, or one is missing"
    assert all(stored[parse_reference(ref)] == body for ref, body in shown)
