"""`make bench`: the portal measured from outside, at district scale (PERFORMANCE.md).

Generates the data set (cached by scale, generator and migration head), serves the portal
with gunicorn (2 sync workers, production settings) on 127.0.0.1 beside a bare Flask app
(the ceiling), drives every URL with wrk interleaved with /healthz (three rounds, median
ratio), counts SQL statements, server time and compressed weight through the Flask test
client, repeats the board, the termly report and the queue at smaller scales for the
growth, and writes docs/benchmarks.md.

Settings (environment):
  BENCH_DURATION      seconds per wrk run (default 5)
  BENCH_SCALES        feedback submissions per data set, comma-separated (default 1000,10000,100000;
                      the largest is the main run, the others only for the growth check)
  BENCH_ROUNDS        rounds per URL (default 3)
  BENCH_QUICK=1       a smoke run: one small set (1,000 submissions, 200 ideas), 1 s runs, one round
  BENCH_DATABASE_URL  postgresql://user@host/db: run on PostgreSQL (databases <db>_c<scale> are the
                      cache, <db>_run<scale> the copy measured; the user needs CREATEDB). Default SQLite.
  BENCH_OUTPUT        where the report goes (default docs/benchmarks.md)
  BENCH_DIR           where SQLite sets and logs are kept (default instance/bench, git-ignored)
  BENCH_PROFILE=0     skip the profiles of the three slowest public pages
  BENCH_RATELIMIT_STORAGE  rate limits' store: redis (a private redis-server, default when installed)
                      or memory (with ALLOW_PER_PROCESS_RATE_LIMITS=1)
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
USER_AGENT = "your-place-bench"
DEMO_STAFF = ("moderator@yourplace.example", "demo-moderator-password")
PEER_RPS = 4.4

# Budgets (PERFORMANCE.md).
HEALTHZ_SHARE = 0.80
PUBLIC_SHARE = 0.25
P99_MS = 100
BOARD_RPS = 300 * PEER_RPS
SUPPORT_RPS = 300
QUEUE_MS = 50
SQL_MAX = 6
WEIGHT_KB = 60
GROWTH_MAX = 1.2
RSS_MB = 150


class Settings:
    def __init__(self, env=os.environ):
        self.quick = env.get("BENCH_QUICK") == "1"
        self.duration = int(env.get("BENCH_DURATION") or (1 if self.quick else 5))
        self.rounds = int(env.get("BENCH_ROUNDS") or (1 if self.quick else 3))
        default_scales = "1000" if self.quick else "1000,10000,100000"
        self.scales = sorted({int(s) for s in (env.get("BENCH_SCALES") or default_scales).split(",") if s.strip()})
        self.main_scale = self.scales[-1]
        self.ideas = 200 if self.quick else None
        self.database_url = env.get("BENCH_DATABASE_URL") or ""
        self.output = Path(env.get("BENCH_OUTPUT") or ROOT / "docs" / "benchmarks.md")
        self.dir = Path(env.get("BENCH_DIR") or ROOT / "instance" / "bench")
        self.profile = env.get("BENCH_PROFILE", "0" if self.quick else "1") == "1"
        self.storage = env.get("BENCH_RATELIMIT_STORAGE") or ("redis" if shutil.which("redis-server") else "memory")

    @property
    def engine_name(self) -> str:
        return "PostgreSQL" if self.database_url else "SQLite"


# ---- processes we start, and stop on every way out ------------------------------------

_children: list[subprocess.Popen] = []


def start(args, **kwargs) -> subprocess.Popen:
    process = subprocess.Popen(args, start_new_session=True, **kwargs)
    _children.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    if process in _children:
        _children.remove(process)


def stop_all() -> None:
    for process in list(_children):
        stop(process)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench: the server on port {port} stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            status, _headers, _body = http_get(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench: nothing answered on port {port} within {timeout} s")


def http_get(port: int, path: str, headers: dict | None = None, method: str = "GET", body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        answer = connection.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        connection.close()


# ---- databases ---------------------------------------------------------------------------


def migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return "-".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def generator_hash() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]


def portal_env(url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "BENCH_"))}
    for key in ("ENV_NAME", "SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "PUBLIC_BASE_URL"):
        env.pop(key, None)
    env.update(DATABASE_URL=url, FLASK_APP="portal", **extra)
    return env


def run(args, env, what: str) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: {what} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def build(url: str, scale: int, ideas: int | None) -> dict:
    """Migrate, seed, generate: a new data set at `url`."""
    env = portal_env(url)
    flask = [str(BIN / "flask"), "--app", "portal"]
    run([*flask, "db", "upgrade"], env, "flask db upgrade")
    run([*flask, "seed-reference"], env, "flask seed-reference")
    run([*flask, "seed-demo"], env, "flask seed-demo")
    args = [sys.executable, str(HERE / "generate.py"), "--scale", str(scale)]
    if ideas is not None:
        args += ["--ideas", str(ideas)]
    return json.loads(run(args, env, "generating the data set").strip().splitlines()[-1])


def pg_url(base: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgres://", "postgresql://", 1))
    return url.set(database=name).render_as_string(hide_password=False)


def pg_admin(base: str, *statements: str) -> None:
    """CREATE/DROP DATABASE, run from the server's maintenance database (`postgres`): the
    database named in BENCH_DATABASE_URL only names the copies and need not exist."""
    from sqlalchemy import create_engine

    url = pg_url(base, "postgres").replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def pg_cache_key(url: str) -> str | None:
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT key FROM bench_meta").scalar()
    except Exception:
        return None
    finally:
        engine.dispose()


def prepare_database(settings: Settings, scale: int, log) -> tuple[str, dict | None, str]:
    """A fresh copy of the cached set for `scale` (built first if missing): (url, build info, how)."""
    key = f"s{scale}-i{settings.ideas or 'd'}-{migration_head()}-{generator_hash()}"
    if not settings.database_url:
        cache_dir = settings.dir / "cache"
        cache_dir.mkdir(parents=True, exist_ok=True)
        cached = cache_dir / f"{key}.sqlite"
        info, how = None, "reused"
        if not cached.exists():
            for old in cache_dir.glob(f"s{scale}-i{settings.ideas or 'd'}-*.sqlite*"):
                old.unlink()
            building = cached.with_suffix(".building")
            building.unlink(missing_ok=True)
            log(f"generating the {scale:,} set into {cached.name} …")
            info = build(f"sqlite:///{building}", scale, settings.ideas)
            building.rename(cached)
            how = "generated"
        run_copy = settings.dir / f"run-{scale}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{run_copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(cached, run_copy)
        return f"sqlite:///{run_copy}", info, how
    base = settings.database_url
    name = base.rsplit("/", 1)[-1].split("?")[0]
    cache_name, run_name = f"{name}_c{scale}", f"{name}_run{scale}"  # one copy per scale: the main one is reread
    cache_url = pg_url(base, cache_name)
    info, how = None, "reused"
    if pg_cache_key(cache_url) != key:
        log(f"generating the {scale:,} set into PostgreSQL database {cache_name} …")
        pg_admin(base, f'DROP DATABASE IF EXISTS "{cache_name}" WITH (FORCE)', f'CREATE DATABASE "{cache_name}"')
        info = build(cache_url, scale, settings.ideas)
        from sqlalchemy import create_engine, text

        engine = create_engine(cache_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE bench_meta (key text)")
            connection.execute(text("INSERT INTO bench_meta VALUES (:key)"), {"key": key})
        engine.dispose()
        how = "generated"
    pg_admin(base, f'DROP DATABASE IF EXISTS "{run_name}" WITH (FORCE)',
             f'CREATE DATABASE "{run_name}" TEMPLATE "{cache_name}"')
    return pg_url(base, run_name), info, how


def count_supports(url: str) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///"):]) as connection:
            return connection.execute("SELECT count(*) FROM idea_support").fetchone()[0]
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT count(*) FROM idea_support").scalar()
    finally:
        engine.dispose()


# ---- servers -----------------------------------------------------------------------------


class Server:
    """gunicorn with the repo's gunicorn.conf.py: 2 sync workers on 127.0.0.1."""

    def __init__(self, name: str, app: str, env: dict, log_dir: Path, pythonpath: str | None = None):
        self.name, self.port = name, free_port()
        self.log = log_dir / f"{name}.log"
        self.errors: list[str] = []
        args = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                # Worker recycling (max_requests=5000) would restart the workers every few seconds
                # under wrk: measured here is serving, so it is off for the run.
                "--max-requests", "0"]
        if pythonpath:
            args += ["--pythonpath", pythonpath]
        env = {**env, "WEB_CONCURRENCY": "2", "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self._log_file = open(self.log, "ab")  # noqa: SIM115 (closed in stop)
        self.process = start([*args, app], env=env, cwd=ROOT, stdout=self._log_file, stderr=subprocess.STDOUT)
        wait_for(self.port, "/healthz", self.process, self.log)

    def take_log(self) -> list[str]:
        """The server's output since last asked (then the file is emptied: it would grow by
        a JSON line a request). Errors are kept in self.errors."""
        self.drain()
        # Requests wrk left in flight still finish (and log) after it stops: wait for quiet.
        size, quiet_since, deadline = -1, time.monotonic(), time.monotonic() + 15
        while time.monotonic() < deadline:
            now_size = self.log.stat().st_size
            if now_size != size:
                size, quiet_since = now_size, time.monotonic()
            elif time.monotonic() - quiet_since > 0.7:
                break
            time.sleep(0.1)
        lines = self.log.read_text(errors="replace").splitlines()
        os.truncate(self.log, 0)
        for line in lines:
            if line.startswith("{"):
                try:
                    if json.loads(line).get("status", 0) >= 500:
                        self.errors.append(line)
                except ValueError:
                    pass
            elif "Traceback" in line or "ERROR" in line or "Error" in line:
                self.errors.append(line)
        return lines

    def drain(self, timeout: float = 120) -> None:
        """Wait until the workers are free: a slow page leaves queued requests behind wrk,
        which would otherwise be counted against the next URL measured."""
        quick, deadline = 0, time.monotonic() + timeout
        while quick < 3 and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                http_get(self.port, "/healthz")
            except OSError:
                time.sleep(0.2)
                continue
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0
            time.sleep(0.05)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in _children_of(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            if found:
                sizes.append(round(int(found.group(1)) / 1024, 1))
        return sizes

    def stop(self) -> None:
        stop(self.process)
        self._log_file.close()


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def start_redis(log_dir: Path) -> str:
    port = free_port()
    redis_dir = Path(tempfile.mkdtemp(prefix="redis-", dir=log_dir))
    process = start(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(redis_dir)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0"
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit("bench: redis-server did not start (set BENCH_RATELIMIT_STORAGE=memory to go without)")


# ---- wrk -----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench: wrk is missing; installing the Debian package (apt-get install -y wrk) …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("bench: wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk; "
                     "macOS: brew install wrk) and run make bench again.")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, duration: int, script: str | None = None, script_args=(), headers=()) -> dict:
    # --timeout as gunicorn's: a slow page is measured slow, not dropped as a timeout.
    args = ["wrk", "-t1", "-c16", f"-d{duration}s", "--timeout", "30s", "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]
    args.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        args += ["--", *map(str, script_args)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=duration + 60)
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    if done.returncode != 0 or not rps or not total:
        raise SystemExit(f"bench: wrk failed on {path}:\n{out}\n{done.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(rps.group(1)), "p50": _ms(p50.group(1)) if p50 else None,
            "p99": _ms(p99.group(1)) if p99 else None, "requests": int(total.group(1)),
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0}


# ---- the URLs ------------------------------------------------------------------------------


def url_list(targets: dict, quick: bool) -> list[dict]:
    theme, area, idea = targets["theme"], targets["area"], targets["idea"]
    public = [
        ("home", "/"),
        ("ideas", "/ideas"),
        ("board, most supported", f"/ideas/{theme}?order=supported"),
        ("board, newest", f"/ideas/{theme}?order=newest"),
        ("board, by area", f"/ideas/{theme}?area={area}"),
        ("idea", f"/ideas/{theme}/{idea}"),
        ("ideas feed", "/ideas/feed.atom"),
        ("you said, we did", "/you-said-we-did"),
        ("response", f"/you-said-we-did/{targets['response']}"),
        ("termly report", f"/you-said-we-did/{targets['report']}"),
        ("answers feed", "/you-said-we-did/feed.atom"),
        ("track", f"/track/{targets['reference']}"),
        ("advisory group", "/advisory-group"),
        ("young people", "/young-people"),
        ("young people: tell us", "/young-people/tell-us"),
        ("tell us: first question", "/tell-us/about"),
    ]
    urls = [{"name": name, "path": path, "method": "GET", "kind": "public", "expect": 200,
             "weigh": not path.endswith(".atom")} for name, path in public]
    for url in urls:
        url["fresh_client"] = url["name"] == "track"  # limited per address: each request a new resident
    urls.append({"name": "support (POST)", "path": f"/ideas/{theme}/{idea}/support", "method": "POST",
                 "kind": "support", "expect": 200, "form_page": f"/ideas/{theme}/{idea}",
                 "body": f"csrf_token={{csrf}}&action=support&next=/ideas/{theme}/{idea}"})
    urls.append({"name": "moderation queue", "path": "/moderate/queue", "method": "GET", "kind": "staff",
                 "expect": 200})
    urls.append({"name": "idea results (staff)", "path": "/moderate/ideas/results", "method": "GET",
                 "kind": "staff", "expect": 200})
    return urls


GROWTH = ("board, most supported", "termly report", "moderation queue")


# ---- a run at one scale ----------------------------------------------------------------------


class Run:
    def __init__(self, settings: Settings, scale: int, log, redis_url: str | None):
        self.settings, self.scale, self.log = settings, scale, log
        self.log_dir = settings.dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        self.url, self.build_info, self.how = prepare_database(settings, scale, log)
        self.prepare_seconds = round(time.perf_counter() - started, 1)
        self.secret = secrets.token_hex(32)
        storage = redis_url or "memory://"
        self.env = portal_env(self.url, ENV_NAME="production", SECRET_KEY=self.secret,
                              PUBLIC_BASE_URL="https://yourplace.bench.invalid", RATELIMIT_STORAGE_URI=storage,
                              **({} if redis_url else {"ALLOW_PER_PROCESS_RATE_LIMITS": "1"}))
        self.targets = json.loads(run([sys.executable, str(HERE / "probe.py"), "targets"], self.env, "probe targets"))
        self.commit, self.code = git_commit(), code_fingerprint()
        self.server = Server(f"portal-{scale}", "portal:create_app()", self.env, self.log_dir)
        self.cookie_name = "__Host-yp_session"
        token = run([sys.executable, str(HERE / "probe.py"), "signin", *DEMO_STAFF],
                    portal_env(self.url), "signing in a demo staff member").strip().splitlines()[-1]
        self.staff_cookie = f"{self.cookie_name}={token}"
        self.urls = url_list(self.targets, settings.quick)
        for url in self.urls:
            if url["kind"] == "staff":
                url["headers"] = {"Cookie": self.staff_cookie}

    def check_statuses(self) -> None:
        for url in self.urls:
            if url["method"] != "GET":
                continue
            status, _h, _b = http_get(self.server.port, url["path"], url.get("headers"),)
            url["served_status"] = status
            if status != url["expect"]:
                raise SystemExit(f"bench: {url['path']} answered {status} from gunicorn, expected {url['expect']}")

    def probe(self) -> dict:
        spec = self.log_dir / "probe-spec.json"
        out = self.log_dir / "probe-out.json"
        spec.write_text(json.dumps({"urls": self.urls}))
        run([sys.executable, str(HERE / "probe.py"), "measure", str(spec), str(out)], self.env, "probe measure")
        return json.loads(out.read_text())

    def support_session(self) -> tuple[str, str]:
        """A session and its CSRF token, from the idea page, as a browser would get them."""
        page = next(url for url in self.urls if url["kind"] == "support")["form_page"]
        _status, headers, body = http_get(self.server.port, page, {"X-Forwarded-For": "10.250.0.1"})
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
        cookie = next((value.split(";", 1)[0] for name, value in headers
                       if name.lower() == "set-cookie" and value.startswith(self.cookie_name + "=")), None)
        # A form without a CSRF token (refused cross-site by its headers instead) needs neither.
        return (token.group(1).decode() if token else "-"), (cookie or "-")

    def device_file(self, count: int, round_number: int) -> Path:
        from itsdangerous import URLSafeSerializer

        serializer = URLSafeSerializer(self.secret, salt="device-token")
        path = self.log_dir / f"devices-{round_number}.txt"
        path.write_text("".join(serializer.dumps(secrets.token_urlsafe(24)) + "\n" for _ in range(count)))
        return path

    def measure(self, url: dict, round_number: int, offset: int) -> dict:
        duration = self.settings.duration
        if url["kind"] == "support":
            targets = self.log_dir / "support-targets.txt"
            targets.write_text("".join(f"/ideas/{slug}/{ident}\n" for slug, ident in self.targets["board"]))
            devices = self.device_file(4000 * duration + 1000, round_number)
            csrf, session = self.support_session()
            self.server.take_log()
            before = count_supports(self.url)
            result = wrk(self.server.port, url["path"], duration, str(HERE / "support.lua"),
                         (devices, targets, csrf, session, offset))
            lines = self.server.take_log()
            after = count_supports(self.url)
            served_ok = sum(1 for line in lines if '"endpoint":"ideas.support"' in line and '"status":200' in line)
            result.update(added=after - before, ok=result["requests"] - result["non_2xx"], logged_ok=served_ok)
            return result
        script, args = (str(HERE / "fresh_client.lua"), (offset,)) if url.get("fresh_client") else (None, ())
        headers = [f"{k}: {v}" for k, v in url.get("headers", {}).items()]
        result = wrk(self.server.port, url["path"], duration, script, args, headers)
        self.server.take_log()
        return result

    def healthz(self) -> dict:
        result = wrk(self.server.port, "/healthz", self.settings.duration)
        self.server.take_log()
        return result


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rounds(run_: Run, urls: list[dict], settings: Settings, log, bare: Server | None = None) -> dict:
    """Each URL after a /healthz run, `rounds` times; the median of each figure and of the ratios."""
    samples: dict[str, list] = {url["name"]: [] for url in urls}
    ceiling: list = []
    offset = 1000
    # Warm every URL (compiled templates, caches, connections) before anything is timed.
    for url in urls:
        if url["method"] == "GET":
            for _ in range(3):
                http_get(run_.server.port, url["path"], url.get("headers"))
    for round_number in range(settings.rounds):
        if bare is not None:
            # Bare, portal, portal, bare: one ratio from both pairs, so neither server is
            # always the one measured first (two runs a few seconds apart differ by up to a
            # tenth on this shared machine).
            runs = []
            for first_bare in (True, False):
                for which in ("bare", "portal") if first_bare else ("portal", "bare"):
                    if which == "bare":
                        runs.append(("bare", wrk(bare.port, "/healthz", settings.duration)))
                        bare.take_log()
                    else:
                        runs.append(("portal", run_.healthz()))
            bare_rps = [result["rps"] for which, result in runs if which == "bare"]
            portal_runs = [result for which, result in runs if which == "portal"]
            ceiling_bare = {"rps": sum(bare_rps) / len(bare_rps)}
            ceiling_portal = {"rps": sum(r["rps"] for r in portal_runs) / len(portal_runs),
                              "p50": median(r["p50"] for r in portal_runs), "p99": median(r["p99"] for r in portal_runs)}
            ceiling.append((ceiling_bare, ceiling_portal))
            each = ", ".join(f"{result['rps']:.0f}" for _which, result in runs)
            log(f"  round {round_number + 1}: bare Flask {ceiling_bare['rps']:.0f}/s, "
                f"/healthz {ceiling_portal['rps']:.0f}/s (bare, /healthz, /healthz, bare: {each})")
        quick_healthz = run_.healthz() if settings.quick else None
        for url in urls:
            healthz = quick_healthz or run_.healthz()
            result = run_.measure(url, round_number, offset)
            offset += result["requests"] + 1000
            result["healthz"] = healthz["rps"]
            result["ratio"] = result["rps"] / healthz["rps"] if healthz["rps"] else None
            samples[url["name"]].append(result)
            extra = ""
            if url["kind"] == "support":
                extra = f" (supports added {result['added']}, successful responses {result['ok']})"
            log(f"  round {round_number + 1}: {url['name']:<24} {result['rps']:8.0f}/s  "
                f"ratio {fmt(result['ratio'], '{:.0%}')}  p99 {fmt(result['p99'], '{:.1f}')} ms{extra}")
    summary = {}
    for name, results in samples.items():
        summary[name] = {
            "rps": median(r["rps"] for r in results), "ratio": median(r["ratio"] for r in results),
            "p50": median(r["p50"] for r in results), "p99": median(r["p99"] for r in results),
            "non_2xx": sum(r["non_2xx"] for r in results),
            "socket_errors": sum(r["socket_errors"] for r in results), "rounds": results,
        }
    if ceiling:
        summary["__ceiling__"] = {
            "bare": median(b["rps"] for b, _ in ceiling), "healthz": median(p["rps"] for _, p in ceiling),
            "ratio": median(p["rps"] / b["rps"] for b, p in ceiling),
            "healthz_p50": median(p["p50"] for _, p in ceiling), "healthz_p99": median(p["p99"] for _, p in ceiling),
        }
    return summary


# ---- the report ----------------------------------------------------------------------------


def fmt(value, pattern="{:.0f}", missed=False):
    text = "—" if value is None else pattern.format(value)
    return f"{text} ✗" if missed else text


def table(urls: list[dict], summary: dict, probe: dict, missed: list[str]) -> list[str]:
    ceiling = summary["__ceiling__"]
    lines = ["| URL | requests/s | ratio to /healthz | p50 ms | p99 ms | server ms | SQL (cold/warm) | "
             "compressed KB |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    share_missed = ceiling["ratio"] < HEALTHZ_SHARE
    if share_missed:
        missed.append(f"/healthz is {ceiling['ratio']:.0%} of the bare Flask app (budget ≥ {HEALTHZ_SHARE:.0%})")
    lines.append(f"| bare Flask app (ceiling) | {ceiling['bare']:.0f} | — | — | — | — | — | — |")
    lines.append(f"| `/healthz` | {ceiling['healthz']:.0f} | "
                 f"{fmt(ceiling['ratio'], '{:.0%}', share_missed)} of bare | {fmt(ceiling['healthz_p50'], '{:.2f}')} | "
                 f"{fmt(ceiling['healthz_p99'], '{:.2f}')} | — | 0 | — |")
    for url in urls:
        name = url["name"]
        row, found = summary[name], probe.get(name, {})
        public = url["kind"] == "public"
        ratio_missed = public and row["ratio"] is not None and row["ratio"] < PUBLIC_SHARE
        p99_missed = public and row["p99"] is not None and row["p99"] > P99_MS
        rps_missed = (name.startswith("board") and row["rps"] < BOARD_RPS) or \
            (url["kind"] == "support" and row["rps"] < SUPPORT_RPS)
        server_missed = name == "moderation queue" and (found.get("server_ms") or 0) > QUEUE_MS
        sql_missed = public and (found.get("sql_cold") or 0) > SQL_MAX
        weight = found.get("weight")
        weight_kb = weight / 1024 if isinstance(weight, int | float) else None
        weight_missed = public and weight_kb is not None and weight_kb > WEIGHT_KB
        status_missed = found.get("status") not in (url["expect"], None) or row["non_2xx"] or row["socket_errors"]
        label = f"`{url['method'] + ' ' if url['method'] != 'GET' else ''}{url['path']}`"
        for flag, words in (
            (ratio_missed, f"{name}: {fmt(row['ratio'], '{:.0%}')} of /healthz (budget ≥ {PUBLIC_SHARE:.0%})"),
            (p99_missed, f"{name}: p99 {fmt(row['p99'], '{:.1f}')} ms (budget ≤ {P99_MS} ms)"),
            (rps_missed, f"{name}: {row['rps']:.0f} requests/s (budget ≥ "
                         f"{BOARD_RPS if name.startswith('board') else SUPPORT_RPS:.0f}/s)"),
            (server_missed, f"{name}: {found.get('server_ms')} ms server time (budget ≤ {QUEUE_MS} ms)"),
            (sql_missed, f"{name}: {found.get('sql_cold')} SQL statements (budget ≤ {SQL_MAX})"),
            (weight_missed, f"{name}: {fmt(weight_kb, '{:.1f}')} KB compressed (budget ≤ {WEIGHT_KB} KB)"),
            (status_missed, f"{name}: answered {found.get('status')} in process; under load "
                            f"{row['non_2xx']} non-2xx/3xx answers, {row['socket_errors']} socket errors"),
        ):
            if flag:
                missed.append(words)
        sql = "—" if not found else f"{found['sql_cold']}/{found['sql_warm']:g}"
        lines.append(
            f"| {name}: {label} | {fmt(row['rps'], '{:.1f}' if row['rps'] < 10 else '{:.0f}', rps_missed or status_missed)} | "
            f"{fmt(row['ratio'], '{:.0%}', ratio_missed)} | {fmt(row['p50'], '{:.1f}')} | "
            f"{fmt(row['p99'], '{:.1f}', p99_missed)} | {fmt(found.get('server_ms'), '{:.1f}', server_missed)} | "
            f"{sql}{' ✗' if sql_missed else ''} | "
            f"{fmt(weight_kb, '{:.1f}', weight_missed) if weight_kb is not None else (weight or '—')} |")
    return lines


def machine() -> dict:
    cpu = "unknown"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else platform.processor()
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, AttributeError):
        pass
    info = {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram, "OS": f"{platform.system()} {platform.release()}",
            "Python": platform.python_version(), "SQLite": sqlite3.sqlite_version}
    for name, args in (("wrk", ["wrk", "-v"]), ("gunicorn", [str(BIN / "gunicorn"), "--version"])):
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=10)
            info[name] = (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            pass
    return info


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "portal", "templates",
                                "static", "migrations"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        return commit + (" (with uncommitted changes in the portal's files)" if dirty else "")
    except OSError:
        return "unknown"


def code_fingerprint() -> str:
    """The portal's code as served (committed or not): other people change it during a run."""
    digest = hashlib.sha256()
    for folder in ("portal", "templates", "migrations", "static"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def pg_version(url: str) -> str | None:
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SHOW server_version").scalar()
    finally:
        engine.dispose()


# ---- main ------------------------------------------------------------------------------------


def main() -> int:
    settings = Settings()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)
    ensure_wrk()
    settings.dir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    printed: list[str] = []

    def log(message: str) -> None:
        print(message, flush=True)

    try:
        return _main(settings, log, printed, began)
    finally:
        stop_all()


def _main(settings: Settings, log, printed: list[str], began: float) -> int:
    log_dir = settings.dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    redis_url = start_redis(log_dir) if settings.storage == "redis" else None
    limits = (f"rate limits on, at their production values, in a private Redis ({redis_url})" if redis_url else
              "rate limits on, at their production values, in each worker's memory (ALLOW_PER_PROCESS_RATE_LIMITS=1)")
    log(f"Your Place benchmark: {settings.engine_name}, scales {', '.join(f'{s:,}' for s in settings.scales)}, "
        f"{settings.rounds} round(s) of {settings.duration} s per URL")
    log(f"  {limits}; no limit is raised or switched off: each wrk request to a per-address limited URL "
        "(track, the support POST) comes from its own X-Forwarded-For address (production trusts one proxy "
        "hop), and each support from its own device cookie, as from separate residents. Worker recycling "
        "(max_requests) is off for the run.")

    main_run = Run(settings, settings.main_scale, log, redis_url)
    log(f"  data set {settings.main_scale:,}: {main_run.how} and copied in {main_run.prepare_seconds} s"
        + (f" (generation {main_run.build_info['seconds']} s: {main_run.build_info['counts']})"
           if main_run.build_info else ""))
    targets = main_run.targets
    log(f"  in the set: {targets['counts']}, {targets['waiting']:,} items waiting in the queue, "
        f"{targets['published_in_report_term']} answers first published in the {targets['report']} report's term")
    bare = Server("bare-flask", "bare:app", portal_env(""), main_run.log_dir, pythonpath=str(HERE))
    main_run.check_statuses()
    log("  every URL answers as expected through gunicorn; counting SQL, server time and weight in process …")
    probe = main_run.probe()
    for url in main_run.urls:
        found = probe[url["name"]]
        if found["status"] != url["expect"]:
            raise SystemExit(f"bench: {url['method']} {url['path']} answered {found['status']} in process, "
                             f"expected {url['expect']}")
    log("  driving every URL with wrk …")
    summary = rounds(main_run, main_run.urls, settings, log, bare=bare)
    rss = main_run.server.worker_rss_mb()
    errors = main_run.server.errors + bare.errors
    support = summary["support (POST)"]["rounds"]
    bare.stop()

    # Growth: the board, the termly report and the queue at each scale.
    growth: dict[int, dict] = {}
    growth[settings.main_scale] = {"wrk": {name: summary[name] for name in GROWTH},
                                   "probe": {name: probe[name] for name in GROWTH},
                                   "code": main_run.code, "commit": main_run.commit}
    main_db, main_targets = main_run.url, main_run.targets
    main_run.server.stop()
    failures: list[str] = []
    for scale in settings.scales[:-1]:
        log(f"  growth: the {scale:,} set …")
        small = None
        try:
            small = Run(settings, scale, log, redis_url)
            small.check_statuses()
            small_urls = [url for url in small.urls if url["name"] in GROWTH]
            small_probe = small.probe()
            small_summary = rounds(small, small_urls, settings, log)
            growth[scale] = {"wrk": small_summary, "probe": {name: small_probe[name] for name in GROWTH},
                             "code": small.code, "commit": small.commit}
            errors += small.server.errors
        except (SystemExit, Exception) as error:  # the main table is still worth writing
            failures.append(f"growth at {scale:,}: {str(error)[:300]}")
            log(f"  growth at {scale:,} failed: {error}")
        finally:
            if small is not None:
                small.server.stop()
    scales_done = [scale for scale in settings.scales if scale in growth]

    profiles = ""
    if settings.profile:
        public = [url for url in main_run.urls if url["kind"] == "public"]
        slowest = sorted(public, key=lambda url: summary[url["name"]]["ratio"] or 0)[:3]
        log(f"  profiling the three slowest public pages: {', '.join(url['path'] for url in slowest)} …")
        profile_env = portal_env(main_db, ENV_NAME="production", SECRET_KEY=secrets.token_hex(32),
                                 PUBLIC_BASE_URL="https://yourplace.bench.invalid", RATELIMIT_STORAGE_URI="memory://")
        try:
            profiles = run([sys.executable, str(HERE / "probe.py"), "profile", *[url["path"] for url in slowest]],
                           profile_env, "profiling")
        except SystemExit as error:
            failures.append(f"profiles: {str(error)[:300]}")

    # ---- the report
    missed: list[str] = []
    lines = table(main_run.urls, summary, probe, missed)
    growth_lines = ["| URL | scale | requests/s | ratio to /healthz | p50 ms | server ms (warm) | server ms (cold) |",
                    "|---|---:|---:|---:|---:|---:|---:|"]
    growth_notes = []
    for name in GROWTH:
        for scale in scales_done:
            row, found = growth[scale]["wrk"][name], growth[scale]["probe"][name]
            growth_lines.append(f"| {name} | {scale:,} | {row['rps']:.0f} | {fmt(row['ratio'], '{:.0%}')} | "
                                f"{fmt(row['p50'], '{:.1f}')} | "
                                f"{found['server_ms']:.1f} | {found['cold_ms']:.1f} |")
        if len(scales_done) >= 2:
            a, b = scales_done[-2], scales_done[-1]
            wa, wb = growth[a]["wrk"][name], growth[b]["wrk"][name]
            pa, pb = growth[a]["probe"][name], growth[b]["probe"][name]
            time_growth = wa["ratio"] / wb["ratio"] if wa["ratio"] and wb["ratio"] else None  # time per request, against /healthz
            warm_growth = pb["server_ms"] / pa["server_ms"] if pa["server_ms"] else None
            cold_growth = pb["cold_ms"] / pa["cold_ms"] if pa["cold_ms"] else None
            over = time_growth is not None and time_growth > GROWTH_MAX
            if over:
                missed.append(f"{name}: time per request grows {time_growth:.2f}× from {a:,} to {b:,} "
                              f"(budget ≤ {GROWTH_MAX}×)")
            growth_notes.append(
                f"- {name}, {a:,} → {b:,}: time per request (1 / ratio to /healthz) ×{fmt(time_growth, '{:.2f}', over)}; "
                f"server time warm ×{fmt(warm_growth, '{:.2f}', (warm_growth or 0) > GROWTH_MAX)}, "
                f"cold ×{fmt(cold_growth, '{:.2f}', (cold_growth or 0) > GROWTH_MAX)}")
    codes = {scale: growth[scale]["code"] for scale in scales_done}
    if len(set(codes.values())) > 1:
        changed = ", ".join(f"{scale:,}: code {code} (commit {growth[scale]['commit']})" for scale, code in codes.items())
        growth_notes.append(f"- ✗ Not comparable: the portal's code changed between these servers ({changed}); "
                            "run again when nobody is committing.")
        failures.append(f"growth compares different code ({changed})")
    rss_missed = any(size > RSS_MB for size in rss)
    if rss_missed:
        missed.append(f"worker memory {max(rss)} MB after the run (budget ≤ {RSS_MB} MB)")
    support_lines = [f"- round {i + 1}: {r['added']} supports added to the database; {r['ok']} successful "
                     f"responses seen by wrk; {r['logged_ok']} answered 200 in the server's request log; "
                     f"{r['non_2xx']} non-2xx/3xx" for i, r in enumerate(support)]
    if any(r["added"] != r["logged_ok"] for r in support):
        missed.append("support POSTs: the supports added differ from the 200s the server answered")
    if errors:
        missed.append(f"{len(errors)} server errors in the logs (first: {errors[0][:200]})")

    info = machine()
    if settings.database_url:
        info["PostgreSQL"] = pg_version(main_db) or "unknown"
    total_seconds = time.perf_counter() - began
    now = datetime.now(UTC)
    build = main_run.build_info
    report = [
        f"## {settings.engine_name}, {now:%Y-%m-%d %H:%M} UTC, commit {main_run.commit}",
        "",
        f"The main table measured the portal's code as it was when its server started: commit {main_run.commit}, "
        f"files fingerprint {main_run.code} (portal/, templates/, migrations/, static/)"
        + ("." if git_commit() == main_run.commit and code_fingerprint() == main_run.code else
           f"; by the end of the run it was commit {git_commit()}, fingerprint {code_fingerprint()} "
           "(other people's changes during the run)."),
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        f"Data set: {main_targets['counts'].get('feedback', 0):,} feedback submissions, "
        f"{main_targets['counts'].get('idea', 0):,} ideas, {count_supports(main_db):,} supports, "
        f"{main_targets['counts'].get('application', 0):,} advisory-group applications (demo data included); "
        f"{main_targets['waiting']:,} items waiting in the moderation queue; the termly report "
        f"({main_targets['report']}) covers {main_targets['published_in_report_term']} newly published answers. "
        + (f"Generated in {build['seconds']} s." if build else "Reused from the cache."),
        "",
        f"gunicorn with gunicorn.conf.py, 2 sync workers, `ENV_NAME=production`, on 127.0.0.1; wrk -t1 -c16 "
        f"-d{settings.duration}s --latency on the same machine; {settings.rounds} round(s), each URL right after a "
        f"/healthz run; medians of the rounds; the ceiling, each round: bare, /healthz, /healthz, bare, the "
        f"means of each pair. {limits.capitalize()}; no limit raised or off: track and the support "
        "POST come from a new X-Forwarded-For address each request (one trusted proxy hop in production), each "
        "support from a new device. Worker recycling (max_requests) off for the run. Server ms: median of 7 to 41 "
        "requests (as many as fit in 2 s) through the Flask test client with the same settings, no load. SQL: statements on the URL's "
        "first request in a process (caches cold) / median warm. Compressed KB: gzip of the HTML plus its CSS, "
        "JS, icons and images on first load (tests/support/weight.py). ✗ marks a budget missed.",
        "",
        *lines,
        "",
        "Budgets missed:" if missed else "Every budget met.",
        *[f"- {item}" for item in missed],
        "",
        f"### Growth, {' → '.join(f'{s:,}' for s in scales_done)} submissions "
        "(ideas a tenth, supports a hundred per idea)",
        "",
        *(growth_lines if len(scales_done) > 1 else ["(one scale only)"]),
        "",
        *growth_notes,
        "",
        "### Support POSTs counted",
        "",
        *support_lines,
        "",
        f"### Worker memory after the run: {', '.join(f'{s} MB' for s in rss)} resident "
        f"(budget ≤ {RSS_MB} MB){' ✗' if rss_missed else ''}",
        "",
        *([""] + [f"Not done: {item}" for item in failures] if failures else []),
        "",
        f"The whole run took {total_seconds / 60:.1f} minutes.",
    ]
    if profiles:
        report += ["", "### Profiles of the three slowest public pages (cProfile through the test client)", "",
                   profiles.strip()]
    text = "\n".join(report) + "\n"
    print("\n" + text)
    write_report(settings, text)
    return 0


def write_report(settings: Settings, text: str) -> None:
    """Newest run first, one section per database engine: the other engine's last run is kept."""
    heading = "# Benchmarks\n\nMeasured by `make bench` (scripts/bench/). Figures are a snapshot of one run on a " \
              "shared machine: the ratios within a run are what count.\n"
    settings.output.parent.mkdir(parents=True, exist_ok=True)
    old = settings.output.read_text() if settings.output.exists() else ""
    sections = re.split(r"(?m)^(?=## )", old)
    kept = [s for s in sections[1:] if not s.startswith(f"## {settings.engine_name},")]
    settings.output.write_text(heading + "\n" + text + "".join("\n" + s.rstrip("\n") + "\n" for s in kept))
    print(f"bench: written to {settings.output}")


if __name__ == "__main__":
    sys.exit(main())
