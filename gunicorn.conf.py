"""Gunicorn settings for running the portal: `gunicorn 'portal:create_app()'` reads this
file from the working directory (or pass `-c gunicorn.conf.py`).

Every value can be set from the environment, so each server of a deployment uses the
same file: PORT or GUNICORN_BIND, WEB_CONCURRENCY (workers), GUNICORN_TIMEOUT.

App servers keep no state of their own: sessions, support counts, seat caps and sign-in
waits are in the database, and rate limits must be in Redis (RATELIMIT_STORAGE_URI) once
there is more than one worker, or each worker would count alone and let the limit
through once per worker. So in production this file refuses to start more than one
worker with `memory://` limits, unless ALLOW_PER_PROCESS_RATE_LIMITS=1 says, loudly,
that someone chose it (a trial on one machine, say).
"""

import os
import sys

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"  # the pages are quick and server-rendered; the proxy buffers slow clients
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never grows for months; rarely, since a
# new worker costs about 0.8 s of CPU to start (every 5,000 requests that was 160 µs on
# each request, a third of /healthz's own cost).
max_requests = 200_000
max_requests_jitter = 20_000
accesslog = None  # the reverse proxy logs requests
errorlog = "-"


def rate_limit_problem(env: dict, worker_count: int) -> str | None:
    """Why these settings must not run, or None. Also used by the tests."""
    production = (env.get("ENV_NAME") or env.get("PORTAL_ENV_NAME")) == "production"
    storage = env.get("RATELIMIT_STORAGE_URI") or env.get("PORTAL_RATELIMIT_STORAGE_URI") or "memory://"
    if not production or worker_count <= 1 or not storage.startswith("memory://"):
        return None
    if env.get("ALLOW_PER_PROCESS_RATE_LIMITS") == "1":
        return None
    return (f"Refusing to start {worker_count} workers with rate limits in memory: each worker would count on its "
            "own and let every limit through once per worker. Set RATELIMIT_STORAGE_URI to Redis "
            "(redis://host:6379/0), or run one worker, or set ALLOW_PER_PROCESS_RATE_LIMITS=1 to accept it.")


def on_starting(server):
    problem = rate_limit_problem(dict(os.environ), server.cfg.workers)
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(3)
    if os.environ.get("ALLOW_PER_PROCESS_RATE_LIMITS") == "1" and server.cfg.workers > 1:
        server.log.warning("ALLOW_PER_PROCESS_RATE_LIMITS=1: rate limits are counted per worker, so each limit is "
                           "%s times as loose as it says.", server.cfg.workers)
