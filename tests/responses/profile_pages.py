"""Time and profile the "you said, we did" pages at district scale, through the test client.

    .venv/bin/python -m tests.responses.profile_pages 10000 [--profile PATH] [--db URL]

Builds a fresh database (SQLite in a temporary folder unless --db is given: it is emptied),
fills it with tests/responses/bulk_data.py, then prints the median time per request for the
list, an answer, the termly report (first and a later page), its CSV and the feed, with the
caches cleared before every request (cold) and kept (warm), and the SQL statements of each.
"""

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from datetime import UTC, datetime

from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.core.reference import seed_reference_data
from portal.extensions import db
from portal.responses.terms import term_for
from portal.shared import cache
from portal.timeutil import UK
from tests.conftest import base_test_config
from tests.responses.bulk_data import generate
from tests.support.queries import QueryCounter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--db")
    parser.add_argument("--profile", help="a path: write a cProfile of the paths to PATH.<name>.txt")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/profile.sqlite"
    app = create_app(base_test_config(url, TESTING=False, REQUEST_LOG_ENABLED=False, RATELIMIT_ENABLED=False))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        seed_reference_data()
        began = time.perf_counter()
        made = generate(args.n)
        print(f"generated {made} in {time.perf_counter() - began:.1f}s")
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        engine = db.engine
    client = app.test_client()
    term = term_for(datetime.now(UTC).astimezone(UK).date()).previous
    report = f"/you-said-we-did/{term.slug}"
    second = client.get(report).get_data(as_text=True)
    import re

    later = re.search(r'href="(/you-said-we-did/\d{4}-\d\d\?[^"]*after=[^"]+)"', second)
    paths = {
        "list": "/you-said-we-did",
        "answer": f"/you-said-we-did/{made['first_response'] + 7}",
        "report": report,
        "report-p2": later.group(1).replace("&amp;", "&").split("#")[0] if later else report,
        "report-csv": f"{report}.csv",
        "feed": "/you-said-we-did/feed.atom",
    }
    for name, path in paths.items():
        times = []
        status = None
        for _ in range(args.rounds):
            cache.clear()
            began = time.perf_counter()
            response = client.get(path)
            data = response.get_data()
            times.append(time.perf_counter() - began)
            status = response.status_code
        warm = []
        for _ in range(args.rounds):
            began = time.perf_counter()
            client.get(path).get_data()
            warm.append(time.perf_counter() - began)
        cache.clear()
        with QueryCounter(engine) as counter:
            client.get(path).get_data()
        print(f"{name:<11} {status} cold {statistics.median(times) * 1000:7.2f} ms  "
              f"warm {statistics.median(warm) * 1000:7.2f} ms  {counter.count} SQL  "
              f"{len(data) / 1024:6.1f} KB raw  {path}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.rounds):
                cache.clear()
                client.get(path).get_data()
            profiler.disable()
            with open(f"{args.profile}.{name}.txt", "w") as out:
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
