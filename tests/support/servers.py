"""Real portal server processes on 127.0.0.1, against the test database.

The same approach as tests/feedback/test_feedback_durability.py: `flask --app portal run`
(Werkzeug's threaded server) in a subprocess, configured by environment variables,
ready once `/healthz` answers. Use it where a test needs more than one process, or a
server it can kill.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortalServer:
    """``with PortalServer(database_url, secret_key, log) as server: server.port``."""

    def __init__(self, database_url: str, secret_key: str, log_path: Path, app: str = "portal", **env: str):
        self.app = app  # what `flask --app` is given
        self.database_url = database_url
        self.secret_key = secret_key
        self.log_path = Path(log_path)
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 30) -> PortalServer:
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key,
               "PYTHONUNBUFFERED": "1", **self.env}
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (the server writes to it until it stops)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", self.app, "run", "--port", str(self.port),
             "--no-reload", "--no-debugger", "--with-threads"],
            cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the portal server on port {self.port} did not start:\n{self.log()}")
            time.sleep(0.1)
        return self

    def _healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
