"""A real Redis for tests that need the rate limits shared between processes, as they are
in production (RATELIMIT_STORAGE_URI=redis://…).

``with redis_server(tmp_dir) as url:`` starts Debian's `redis-server` on a free port of
127.0.0.1, with nothing written to disk (`--save '' --appendonly no`, in its own temp
folder), waits until it answers PING, gives its URL and stops it afterwards, also when
the test fails. Without `redis-server` on the PATH the test is skipped, saying why, and
fails instead on CI (CI=true), where scripts/ensure_test_tools.sh installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.support.servers import free_port

INSTALL_HINT = "apt-get install redis-server, or run bash scripts/ensure_test_tools.sh"


def require_redis_server() -> str:
    """The path of `redis-server`, or skip (fail on CI) saying what is missing."""
    path = shutil.which("redis-server")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"redis-server is not installed, and CI must run the tests with rate limits in Redis ({INSTALL_HINT})",
                    pytrace=False)
    pytest.skip(f"these tests were skipped because redis-server is not installed ({INSTALL_HINT})")


@contextmanager
def redis_server(directory: Path, timeout: float = 15) -> Iterator[str]:
    """A fresh, empty Redis on 127.0.0.1: yields its URL, e.g. redis://127.0.0.1:40123/0."""
    executable = require_redis_server()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = directory / "redis.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(directory)],
            cwd=directory, stdout=log, stderr=subprocess.STDOUT,
        )
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1, socket_timeout=2)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if client.ping():
                        break
                except redis.exceptions.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"redis-server on port {port} did not answer PING:\n"
                                         f"{log_path.read_text(errors='replace')}")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            client.close()
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
