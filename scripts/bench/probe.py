"""The benchmark's in-process helpers, each run as its own process by bench.py:

    probe.py targets              the URLs' ids and slugs, read from the database (JSON)
    probe.py signin EMAIL PASS    sign a demo staff member in (a non-production app on the same
                                  database): prints the session token; the session is in the database
    probe.py measure SPEC OUT     for each URL in SPEC (JSON): status, SQL statements (cold and warm),
                                  server time (median of 7 to 41 through the Flask test client) and
                                  compressed first-load weight (tests/support/weight.py)
    probe.py profile PATHS...     cProfile of each path through the test client: the top costs

The app is made by `portal.create_app()` from the environment bench.py sets, so `measure`
and `profile` run with the same production settings as the servers.
"""

from __future__ import annotations

import cProfile
import io
import itertools
import json
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

USER_AGENT = "your-place-bench"
_addresses = itertools.count(1)


def _fresh_address() -> str:
    """A new client address per request, as a proxy would say (production trusts one hop)."""
    n = next(_addresses) + 3_000_000
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def targets() -> dict:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.core.models import Area, Theme
    from portal.extensions import db
    from portal.feedback.models import Submission
    from portal.ideas import services as idea_services
    from portal.ideas.models import Idea
    from portal.moderation.models import ModerationItem
    from portal.responses.models import Response
    from portal.responses.terms import term_for
    from portal.timeutil import UK, as_aware, uk_today

    app = create_app()
    with app.app_context():
        # The theme with the most ideas on the board, and its most supported idea.
        theme_id, _ideas = db.session.execute(
            select(Idea.theme_id, func.count()).where(idea_services.published()).group_by(Idea.theme_id)
            .order_by(func.count().desc())).first()
        theme = db.session.get(Theme, theme_id)
        area = db.session.scalars(select(Area).order_by(Area.position)).first()
        idea_id = db.session.scalar(select(Idea.id).where(Idea.theme_id == theme_id, idea_services.published())
                                    .order_by(Idea.support_count.desc(), Idea.id.desc()).limit(1))
        board = list(db.session.execute(
            select(Theme.slug, Idea.id).join(Theme, Theme.id == Idea.theme_id).where(idea_services.published())
            .order_by(Idea.id).limit(2000)))
        response_id = db.session.scalar(
            select(ModerationItem.response_id).where(ModerationItem.response_id.is_not(None))
            .group_by(ModerationItem.response_id).order_by(func.count().desc()).limit(1))
        reference = db.session.scalar(select(Submission.reference).where(Submission.status == "answered")
                                      .order_by(Submission.id).limit(1)) \
            or db.session.scalar(select(Submission.reference).order_by(Submission.id).limit(1))
        first = db.session.scalar(select(func.min(Response.published_at)).where(Response.state == "published"))
        term = term_for(uk_today())
        if first is not None and term_for(as_aware(first).astimezone(UK).date()) < term:
            term = term.previous  # the last whole term
        counts = {kind: n for kind, n in db.session.execute(
            select(ModerationItem.kind, func.count()).group_by(ModerationItem.kind))}
        waiting = db.session.scalar(select(func.count()).select_from(ModerationItem).where(ModerationItem.is_waiting))
        updates_in_term = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.state == "published",
                                                             Response.published_at >= term.start,
                                                             Response.published_at < term.end))
        from portal.shared.references import format_reference
        return {
            "theme": theme.slug, "area": area.slug, "idea": idea_id, "response": response_id,
            "reference": format_reference(reference), "report": term.slug,
            "board": [[slug, ident] for slug, ident in board], "counts": counts, "waiting": waiting,
            "published_in_report_term": updates_in_term,
        }


def signin(email: str, password: str) -> str:
    """Sign in through the real forms (password, then the authenticator's code)."""
    from portal import create_app
    from portal.extensions import db
    from portal.staff.models import StaffUser
    from portal.staff.services import current_code

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    client = app.test_client()
    headers = {"User-Agent": USER_AGENT}

    def csrf(path: str) -> str:
        page = client.get(path, headers=headers)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        if not found:
            raise SystemExit(f"signin: no CSRF token on {path} ({page.status_code})")
        return found.group(1)

    answer = client.post("/staff/login", data={"csrf_token": csrf("/staff/login"), "email": email,
                                               "password": password}, headers=headers)
    if answer.status_code not in (302, 303) or "/login/code" not in answer.location:
        raise SystemExit(f"signin: the password step answered {answer.status_code} {answer.location}")
    with app.app_context():
        user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))
        code = current_code(user)
    answer = client.post("/staff/login/code", data={"csrf_token": csrf("/staff/login/code"), "code": code},
                         headers=headers)
    if answer.status_code not in (302, 303):
        raise SystemExit(f"signin: the code step answered {answer.status_code}")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        raise SystemExit("signin: no session cookie after signing in")
    return cookie.value


def _counter(engine):
    from sqlalchemy import event

    ignored = re.compile(r"^\s*(SAVEPOINT|RELEASE|BEGIN|COMMIT|ROLLBACK|PRAGMA)\b", re.I)
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not ignored.match(statement):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return statements


def measure(spec_path: str, out_path: str) -> None:
    """Each URL once cold (its first request in this process) and 7 times warm."""
    from itsdangerous import URLSafeSerializer

    from portal import create_app
    from portal.extensions import db
    from portal.shared import cache
    from tests.support.weight import page_weight

    spec = json.loads(Path(spec_path).read_text())
    app = create_app()
    client = app.test_client(use_cookies=False)
    with app.app_context():
        engine = db.engine
    statements = _counter(engine)
    devices = URLSafeSerializer(app.secret_key, salt="device-token")
    results = {}

    def request(url: dict, csrf: dict | None):
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": _fresh_address(), **url.get("headers", {})}
        if url["method"] == "POST":
            token = f"bench-probe-{time.time_ns()}"
            cookies = [csrf["cookie"]] if csrf["cookie"] else []
            headers["Cookie"] = "; ".join([*cookies, f"device={devices.dumps(token)}"])
            headers["HX-Request"] = "true"
            # As the proxy and a browser say: https, same-origin, the page it was posted from.
            headers.update({"X-Forwarded-Proto": "https", "Sec-Fetch-Site": "same-origin",
                            "Origin": "https://localhost", "Referer": f"https://localhost{url['form_page']}"})
            body = url["body"].replace("{csrf}", csrf["token"]) if csrf["token"] else \
                url["body"].replace("csrf_token={csrf}&", "")
            return client.post(url["path"], data=body, headers=headers,
                               content_type="application/x-www-form-urlencoded")
        return client.get(url["path"], headers=headers)

    for url in spec["urls"]:
        csrf = None
        if url["method"] == "POST":
            csrf = _csrf_for(client, url["form_page"], app.config["SESSION_COOKIE_NAME"])
        cache.clear()
        del statements[:]
        started = time.perf_counter()
        first = request(url, csrf)
        first.get_data()
        cold_ms = (time.perf_counter() - started) * 1000
        cold = len(statements)
        status = first.status_code
        first.close()
        # Warm: the median of at least 7 requests, and of up to 41 while they take under 2 s
        # in all (sub-millisecond pages vary by a third between a few samples).
        times, warm = [], []
        probe_began = time.perf_counter()
        while len(times) < 7 or (len(times) < 41 and time.perf_counter() - probe_began < 2.0):
            del statements[:]
            started = time.perf_counter()
            answer = request(url, csrf)
            answer.get_data()
            times.append((time.perf_counter() - started) * 1000)
            warm.append(len(statements))
            answer.close()
        weight = None
        if url["method"] == "GET" and status == 200 and url.get("weigh", True):
            weigher = _WeighingClient(client, url.get("headers", {}))
            try:
                weight = page_weight(weigher, url["path"])["total"]
            except AssertionError as error:
                weight = f"error: {error}".splitlines()[0]
        results[url["name"]] = {"status": status, "sql_cold": cold, "sql_warm": statistics.median(warm),
                                "server_ms": round(statistics.median(times), 2), "cold_ms": round(cold_ms, 2),
                                "weight": weight}
    Path(out_path).write_text(json.dumps(results, indent=1))


class _WeighingClient:
    """What tests/support/weight.py needs of a client, with the URL's headers on each request."""

    def __init__(self, client, headers: dict):
        self.client, self.headers, self.application = client, headers, client.application

    def get(self, path):
        return self.client.get(path, headers={"User-Agent": USER_AGENT, "X-Forwarded-For": _fresh_address(),
                                              **self.headers})


def _csrf_for(client, path: str, cookie_name: str) -> dict:
    page = client.get(path, headers={"User-Agent": USER_AGENT, "X-Forwarded-For": _fresh_address()})
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    cookie = next((value.split(";", 1)[0] for value in page.headers.getlist("Set-Cookie")
                   if value.startswith(cookie_name + "=")), None)
    # A support form may carry no CSRF token (refused cross-site by its headers instead).
    return {"token": found.group(1) if found else None, "cookie": cookie}


def profile(paths: list[str], runs: int = 30, top: int = 12) -> str:
    from portal import create_app

    app = create_app()
    client = app.test_client(use_cookies=False)
    out = io.StringIO()
    for path in paths:
        # With a cookie, as a returning visitor: whole-page caches are passed by, so what is
        # profiled is the page being made, not a cache hit.
        headers = {"User-Agent": USER_AGENT, "Cookie": "bench_profile=1"}
        client.get(path, headers=headers).close()  # warm: imports, caches, compiled templates
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(runs):
            client.get(path, headers=headers).close()
        profiler.disable()
        per = (time.perf_counter() - started) * 1000 / runs
        stats = pstats.Stats(profiler, stream=out)
        out.write(f"\n### {path}: {per:.1f} ms a request under the profiler ({runs} requests)\n\n")
        out.write("Top by own time (tottime):\n\n```\n")
        stats.sort_stats("tottime").print_stats(top)
        out.write("```\n\nTop by cumulative time:\n\n```\n")
        stats.sort_stats("cumulative").print_stats(top + 8)
        out.write("```\n")
    text = out.getvalue()
    # Machine paths out of the report.
    for prefix in (str(ROOT) + "/", sys.prefix + "/", sys.base_prefix + "/"):
        text = text.replace(prefix, "")
    return text


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "targets":
        print(json.dumps(targets()))
    elif command == "signin":
        print(signin(args[0], args[1]))
    elif command == "measure":
        measure(args[0], args[1])
    elif command == "profile":
        print(profile(args))
    else:
        raise SystemExit(f"probe: unknown command {command}")


if __name__ == "__main__":
    main()
