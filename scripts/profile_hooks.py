#!/usr/bin/env python3
"""How much the portal's per-request hooks cost: `/healthz` against a bare Flask app.

    .venv/bin/python scripts/profile_hooks.py wrk      # gunicorn (2 sync workers) + wrk, ratio
    .venv/bin/python scripts/profile_hooks.py profile  # cProfile of N /healthz requests, in process
    .venv/bin/python scripts/profile_hooks.py hooks    # each hook's cost, by taking it out

`wrk` serves a bare Flask app (one `/healthz` view, nothing else) and the portal (production
settings, a throwaway SQLite database, rate limits in memory) with the same gunicorn
settings, one after the other, for several rounds, and prints each round's requests/s and
the median ratio portal/bare (budget: at least 0.80, shared/PERFORMANCE.md). Throughput on a
shared machine is noisy; only the ratio within a run means anything.

`profile` calls each app's WSGI callable N times (as a server would, without a test client),
prints the CPU microseconds per request of both and, from cProfile, the portal and extension
functions that take the time (cProfile exaggerates small calls). `hooks` measures each
app-wide hook by taking it out: with it minus without it, paired, fastest of several rounds.

Not `make bench` (scripts/bench/): this only looks at the fixed cost every request pays.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_app():
    """The ceiling: Flask with one plain-text view, as `/healthz` is."""
    from flask import Flask, Response

    app = Flask("bare")

    @app.get("/healthz")
    def healthz():
        return Response("ok", mimetype="text/plain")

    return app


def _portal_env(tmp: str) -> dict:
    env = dict(os.environ)
    env.update({
        "ENV_NAME": "production",
        "SECRET_KEY": "profile-hooks-" + "x" * 40,
        "PUBLIC_BASE_URL": "https://yourplace.example",
        "DATABASE_URL": f"sqlite:///{tmp}/portal.sqlite",
        "RATELIMIT_STORAGE_URI": "memory://",
        "ALLOW_PER_PROCESS_RATE_LIMITS": "1",
    })
    return env


def portal_app():
    """The portal as production runs it (run in a temporary folder by `main`)."""
    from portal import create_app

    return create_app()


# ---- gunicorn + wrk ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, env: dict, extra: list[str]) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
           "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")}
    # The repository's gunicorn.conf.py for both, so both get the same server settings.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *extra, target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                if s.recv(20).startswith(b"HTTP/1."):
                    return server, port
        except OSError:
            time.sleep(0.2)
    _stop(server)
    raise SystemExit(f"{target} did not start on port {port}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wrk(port: int, seconds: int, connections: int) -> tuple[float, int]:
    """(requests/s, requests) from one wrk run."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}/healthz"],
        capture_output=True, text=True, check=True,
    ).stdout
    rate = requests = None
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
        elif "requests in" in line:
            requests = int(line.split()[0])
        elif "Non-2xx" in line:
            raise SystemExit("wrk saw errors:\n" + out)
    if rate is None or requests is None:
        raise SystemExit("wrk printed no Requests/sec:\n" + out)
    return rate, requests


def _server_cpu_seconds(master: int) -> float:
    """CPU time of a gunicorn master's workers so far: the live ones, and those it has
    reaped (max_requests recycles them)."""
    ticks = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str]:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()

    fields = stat(master)
    total = int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])  # own and reaped
    with open(f"/proc/{master}/task/{master}/children") as handle:
        for child in handle.read().split():
            try:
                worker = stat(int(child))
            except FileNotFoundError:
                continue
            total += int(worker[11]) + int(worker[12])
    return total / ticks


def _measure(server: subprocess.Popen, port: int, seconds: int, connections: int) -> tuple[float, float]:
    """(requests/s, server CPU µs per request)."""
    before = _server_cpu_seconds(server.pid)
    rate, requests = _wrk(port, seconds, connections)
    return rate, (_server_cpu_seconds(server.pid) - before) / requests * 1e6


def run_wrk(rounds: int, seconds: int, connections: int, extra: list[str]) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk)")
    with tempfile.TemporaryDirectory(prefix="yp-hooks-") as tmp:
        env = _portal_env(tmp)
        bare, bare_port = _serve("scripts.profile_hooks:bare_app()", dict(os.environ), extra)
        portal, portal_port = _serve("portal:create_app()", env, extra)
        try:
            for port in (bare_port, portal_port):  # warm both (imports, first requests)
                _wrk(port, 1, connections)
            ratios, cpu_ratios = [], []
            print(f"wrk -t1 -c{connections} -d{seconds}s, gunicorn 2 sync workers, {rounds} rounds")
            print("(CPU µs/request: the workers' CPU time over the requests served; unlike requests/s it")
            print(" hardly moves when other work shares the machine)")
            print(f"{'round':>5}  {'bare req/s':>10}  {'/healthz req/s':>14}  {'ratio':>6}"
                  f"  {'bare CPU µs':>11}  {'/healthz CPU µs':>15}  {'CPU ratio':>9}")
            for number in range(1, rounds + 1):
                bare_rate, bare_cpu = _measure(bare, bare_port, seconds, connections)
                portal_rate, portal_cpu = _measure(portal, portal_port, seconds, connections)
                ratios.append(portal_rate / bare_rate)
                cpu_ratios.append(bare_cpu / portal_cpu)
                print(f"{number:>5}  {bare_rate:>10.0f}  {portal_rate:>14.0f}  {ratios[-1]:>6.2f}"
                      f"  {bare_cpu:>11.0f}  {portal_cpu:>15.0f}  {cpu_ratios[-1]:>9.2f}")
            for label, values in (("requests/s", ratios), ("CPU per request", cpu_ratios)):
                median = statistics.median(values)
                verdict = "meets" if median >= 0.80 else "MISSES"
                print(f"median ratio /healthz / bare Flask by {label}: {median:.2f} ({verdict} the 0.80 budget)")
        finally:
            _stop(portal)
            _stop(bare)


# ---- in-process profile ------------------------------------------------------------


def _environ() -> dict:
    from werkzeug.test import EnvironBuilder

    # What wrk sends: no cookie, no Accept-Language.
    return EnvironBuilder(path="/healthz", headers={"Host": "127.0.0.1:8000"}).get_environ()


def _call(app, environ: dict) -> None:
    """One request, as a WSGI server makes it (no test client, whose own cost is larger than
    the hooks')."""
    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO()
    body = app(environ, _start_response)
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()


def _start_response(status, headers, exc_info=None):
    if not status.startswith("200"):
        raise SystemExit(f"/healthz answered {status}")


def _per_request_us(app, count: int) -> float:
    environ = _environ()
    for _ in range(200):
        _call(app, environ)
    # CPU time of this process: time other processes take on a shared machine is not counted.
    start = time.process_time()
    for _ in range(count):
        _call(app, environ)
    return (time.process_time() - start) / count * 1e6


def run_profile(count: int, top: int) -> None:
    with tempfile.TemporaryDirectory(prefix="yp-hooks-") as tmp:
        os.environ.update(_portal_env(tmp))
        # The JSON log line is built and written as in production, to /dev/null.
        null = open(os.devnull, "w")  # noqa: SIM115
        sys.stderr, real_stderr = null, sys.stderr
        try:
            bare, portal = bare_app(), portal_app()
            bare_us = min(_per_request_us(bare, count) for _ in range(3))
            portal_us = min(_per_request_us(portal, count) for _ in range(3))
            profiler = cProfile.Profile()
            environ = _environ()
            profiler.enable()
            for _ in range(count):
                _call(portal, environ)
            profiler.disable()
        finally:
            sys.stderr = real_stderr
            null.close()
    print(f"{count} GET /healthz, WSGI calls in process (best of 3, CPU time):")
    print(f"  bare Flask {bare_us:7.1f} µs/request")
    print(f"  portal     {portal_us:7.1f} µs/request  (+{portal_us - bare_us:.1f} µs)")
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():
        if "/portal/" in filename or "flask_limiter" in filename or "flask_babel" in filename \
                or "flask_login" in filename or "flask_wtf" in filename or "htmx_flask" in filename:
            rows.append((cumulative, calls, f"{Path(filename).parent.name}/{Path(filename).name}:{line} {name}"))
    rows.sort(reverse=True)
    print(f"\nportal and extension functions by cumulative time (µs per request), top {top}:")
    for cumulative, calls, where in rows[:top]:
        print(f"  {cumulative / count * 1e6:8.1f}  {calls / count:5.1f}×  {where}")


def _hook_name(hook) -> str:
    inner = getattr(hook, "func", hook)  # functools.partial (Flask-Limiter's after_request)
    return f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', repr(inner))}"


def run_hooks(count: int, rounds: int) -> None:
    """Each app-wide hook's cost, measured by taking it out: the time per request with all
    hooks minus the time without that one (median of several interleaved rounds)."""
    with tempfile.TemporaryDirectory(prefix="yp-hooks-") as tmp:
        os.environ.update(_portal_env(tmp))
        null = open(os.devnull, "w")  # noqa: SIM115
        sys.stderr, real_stderr = null, sys.stderr
        try:
            bare, portal = bare_app(), portal_app()
            lists = {"before_request": portal.before_request_funcs.get(None, []),
                     "after_request": portal.after_request_funcs.get(None, []),
                     "teardown_request": portal.teardown_request_funcs.get(None, [])}
            results = []
            bare_samples, with_samples, without_samples = [], {}, {}
            for _ in range(rounds):
                bare_samples.append(_per_request_us(bare, count))
                for kind, hooks in lists.items():
                    for index in range(len(hooks)):
                        # Paired: with it, then without it, so the machine's load cancels out.
                        with_samples.setdefault((kind, index), []).append(_per_request_us(portal, count))
                        hook = hooks.pop(index)
                        try:
                            without_samples.setdefault((kind, index), []).append(_per_request_us(portal, count))
                        finally:
                            hooks.insert(index, hook)
            # Fastest of the rounds on each side: other work on a shared machine only adds time.
            every = statistics.median(min(samples) for samples in with_samples.values())
            for kind, hooks in lists.items():
                for index, hook in enumerate(hooks):
                    key = (kind, index)
                    results.append((min(with_samples[key]) - min(without_samples[key]), kind, _hook_name(hook)))
            bare_us = min(bare_samples)
        finally:
            sys.stderr = real_stderr
            null.close()
    print(f"GET /healthz, WSGI calls in process, {count} requests × {rounds} rounds (fastest round, CPU time):")
    print(f"  bare Flask {bare_us:7.1f} µs/request")
    print(f"  portal     {every:7.1f} µs/request  (+{every - bare_us:.1f} µs)")
    print("  each hook, by what taking it out saves (µs/request; below ~2 µs is noise):")
    for saved, kind, name in sorted(results, reverse=True):
        print(f"    {saved:6.1f}  {kind:<16} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    wrk = sub.add_parser("wrk", help="gunicorn + wrk: requests/s and the ratio")
    wrk.add_argument("--rounds", type=int, default=3)
    wrk.add_argument("--seconds", type=int, default=5)
    wrk.add_argument("--connections", type=int, default=16)
    wrk.add_argument("gunicorn_args", nargs="*", help="more gunicorn options for both servers, after --")
    profile = sub.add_parser("profile", help="cProfile N requests in process")
    profile.add_argument("-n", "--requests", type=int, default=5000)
    profile.add_argument("--top", type=int, default=30)
    hooks = sub.add_parser("hooks", help="each hook's cost, by taking it out (no profiler)")
    hooks.add_argument("-n", "--requests", type=int, default=2000)
    hooks.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.mode == "wrk":
        run_wrk(args.rounds, args.seconds, args.connections, args.gunicorn_args)
    elif args.mode == "hooks":
        run_hooks(args.requests, args.rounds)
    else:
        run_profile(args.requests, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
