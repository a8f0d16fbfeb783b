"""The Nu Html Checker (vnu.jar) as one long-lived, offline, local HTTP service.

Starting Java costs a few seconds, so start one ``HtmlChecker`` per test session
and POST every page to it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any, BinaryIO

from .paths import VNU_JAR, require_node_file

# An opener without proxy handling: an http_proxy in the environment must not
# divert requests for 127.0.0.1 elsewhere.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# The checker never needs the network for POSTed documents (schemas and the HTML
# spec are built into the jar); route any Java HTTP(S) client through a closed
# local port anyway, so an accidental fetch fails fast instead of going out.
_OFFLINE_JAVA_OPTS = [
    "-Dnu.validator.servlet.bind-address=127.0.0.1",
    "-Djava.net.useSystemProxies=false",
    "-Dhttp.proxyHost=127.0.0.1",
    "-Dhttp.proxyPort=9",
    "-Dhttps.proxyHost=127.0.0.1",
    "-Dhttps.proxyPort=9",
    "-Dhttp.nonProxyHosts=",
    "-Djava.awt.headless=true",
    # The RELAX NG schema checks recurse deeply; the default 1 MB stack is marginal.
    "-Xss4m",
]

_FAILURE_TYPES = frozenset({"error", "non-document-error"})


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HtmlChecker:
    """A local Nu Html Checker service: ``start()``, ``errors(html)``, ``stop()``."""

    def __init__(self, java: str | None = None, startup_timeout: float = 60.0) -> None:
        self.java = java or shutil.which("java") or "/usr/bin/java"
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.log_path: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: BinaryIO | None = None
        self._ready = False
        self._started_at = 0.0

    @property
    def url(self) -> str:
        """Base URL of the running service."""
        if self.port is None:
            raise RuntimeError("HtmlChecker is not started")
        return f"http://127.0.0.1:{self.port}/"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, wait: bool = True) -> HtmlChecker:
        """Launch the checker on a free 127.0.0.1 port; by default wait until it answers.

        With ``wait=False`` Java starts in the background (it takes a few seconds)
        and the first check waits for it.
        """
        if self._proc is None:
            jar = require_node_file(VNU_JAR, "The Nu Html Checker (vnu-jar)")
            self.port = _free_port()
            fd, self.log_path = tempfile.mkstemp(prefix="vnu-", suffix=".log")
            self._log = os.fdopen(fd, "wb")
            self._ready = False
            self._started_at = time.monotonic()
            self._proc = subprocess.Popen(
                [self.java, *_OFFLINE_JAVA_OPTS, "-cp", str(jar),
                 "nu.validator.servlet.Main", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
            atexit.register(self.stop)
        if wait:
            self.wait_until_ready()
        return self

    def wait_until_ready(self) -> None:
        """Block until the service answers (at most ``startup_timeout`` from start)."""
        if self._ready:
            return
        if self._proc is None:
            raise RuntimeError("HtmlChecker is not started; call start() first")
        deadline = self._started_at + self.startup_timeout
        retries = 2
        while True:
            if self._proc.poll() is not None:
                log = self._log_tail()
                self.stop()
                # Another process may have taken the free port before Java bound it.
                if "Address already in use" in log and retries:
                    retries -= 1
                    self.start(wait=False)
                    deadline = self._started_at + self.startup_timeout
                    continue
                raise RuntimeError(f"The Nu Html Checker exited during start-up:\n{log}")
            try:
                with _OPENER.open(self.url, timeout=2) as resp:
                    resp.read()
                    if resp.status == 200:
                        self._ready = True
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                log = self._log_tail()
                self.stop()
                raise RuntimeError(
                    f"The Nu Html Checker did not answer within {self.startup_timeout:.0f} s:\n{log}"
                )
            time.sleep(0.1)

    def messages(self, html: str) -> list[dict[str, Any]]:
        """Every message the checker gives for ``html`` (errors, warnings, info)."""
        self.wait_until_ready()
        req = urllib.request.Request(
            self.url + "?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        try:
            with _OPENER.open(req, timeout=60) as resp:
                payload = json.load(resp)
        except urllib.error.HTTPError as e:
            with e:
                body = e.read().decode("utf-8", "replace")[:2000]
            raise RuntimeError(f"The Nu Html Checker answered HTTP {e.code}: {body}") from None
        return list(payload.get("messages", []))

    def errors(self, html: str) -> list[dict[str, Any]]:
        """Only the failures: messages of type "error" or "non-document-error"."""
        return [m for m in self.messages(html) if m.get("type") in _FAILURE_TYPES]

    def assert_valid(self, html: str, where: str = "") -> None:
        """Raise AssertionError listing each error with its line, message and extract."""
        errors = self.errors(html)
        if not errors:
            return
        lines = [f"{len(errors)} HTML conformance error(s){' in ' + where if where else ''}:"]
        for e in errors:
            line = e.get("lastLine", e.get("firstLine", "?"))
            kind = "" if e.get("type") == "error" else f" [{e.get('type')}]"
            lines.append(f"  line {line}{kind}: {e.get('message', '')}")
            extract = e.get("extract")
            if extract:
                lines.append(f"      extract: {extract.strip()[:200]!r}")
        raise AssertionError("\n".join(lines))

    def stop(self) -> None:
        """Stop the service and remove its log."""
        atexit.unregister(self.stop)
        self._ready = False
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.log_path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.log_path)
            self.log_path = None

    def _log_tail(self, limit: int = 4000) -> str:
        if self._log is not None:
            self._log.flush()
        if not self.log_path:
            return ""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-limit:]
        except OSError:
            return ""

    def __enter__(self) -> HtmlChecker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
