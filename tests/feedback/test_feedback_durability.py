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
