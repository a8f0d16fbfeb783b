"""`make bench` does not rot: its quick smoke run (BENCH_QUICK=1: 1,000 submissions, 200
ideas, one round of 1 s wrk runs, no profiles) goes end to end on SQLite, every URL answers
as the bench expects (it stops if one does not), and the table is printed and written to
the path given, never to docs/benchmarks.md. About a minute; skipped without wrk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench" / "bench.py"
DOCS = ROOT / "docs" / "benchmarks.md"


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_quick_bench_runs_end_to_end(tmp_path):
    docs_before = DOCS.read_bytes() if DOCS.exists() else None
    output = tmp_path / "benchmarks.md"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BENCH_", "PORTAL_"))}
    for key in ("DATABASE_URL", "ENV_NAME", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "PUBLIC_BASE_URL"):
        env.pop(key, None)
    env.update(BENCH_QUICK="1", BENCH_DIR=str(tmp_path / "bench"), BENCH_OUTPUT=str(output), BENCH_PROFILE="0")
    done = subprocess.run([sys.executable, str(BENCH)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"make bench (quick) failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    out = done.stdout
    assert "| URL | requests/s | ratio to /healthz | p50 ms | p99 ms |" in out
    for row in ("bare Flask app (ceiling)", "`/healthz`", "home: `/`", "ideas: `/ideas`", "board, most supported",
                "board, newest", "board, by area", "idea: `/ideas/", "you said, we did", "response: ",
                "termly report", "answers feed", "ideas feed", "track: `/track/BD-", "advisory group",
                "young people: `/young-people`", "tell us: first question", "support (POST): `POST",
                "moderation queue", "idea results (staff)"):
        assert row in out, f"the table has no row for {row}:\n{out}"
    # Every URL answered 200 in process and through gunicorn (the bench stops otherwise),
    # and nothing under load was a server error.
    assert "answered" not in out.split("Budgets missed:")[-1].split("### Growth")[0]
    assert "server errors in the logs" not in out
    assert "supports added to the database" in out
    assert output.read_text().startswith("# Benchmarks")
    assert (DOCS.read_bytes() if DOCS.exists() else None) == docs_before
