"""Pooled connections are checked only after idling (portal.database.ping_when_idle): a
connection handed back a moment ago is used as it is (no extra round trip on every
request), and one that went stale while idle is found out and replaced before a request
uses it."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from portal.database import ping_when_idle


def _engine(database_url: str, idle_seconds: float):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=idle_seconds)
    return engine


def _count_pings(engine, monkeypatch) -> list:
    pings = []
    real_ping = engine.dialect.do_ping

    def counting_ping(dbapi_connection):
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting_ping)
    return pings


def test_a_connection_used_a_moment_ago_is_not_pinged_and_an_idle_one_is(database_url, monkeypatch):
    busy = _engine(database_url, idle_seconds=60)
    idle = _engine(database_url, idle_seconds=0)
    try:
        busy_pings, idle_pings = _count_pings(busy, monkeypatch), _count_pings(idle, monkeypatch)
        for engine in (busy, idle):
            for _ in range(3):
                with engine.connect() as connection:
                    assert connection.execute(text("SELECT 1")).scalar() == 1
        assert busy_pings == []  # three checkouts within the minute: no ping
        assert len(idle_pings) == 2  # the first checkout is of a new connection
    finally:
        busy.dispose()
        idle.dispose()


def test_a_connection_that_died_while_idle_is_replaced_before_use(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: an SQLite file has no server side to close a connection")
    engine = _engine(database_url, idle_seconds=0)
    try:
        with engine.connect() as connection:
            first_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        # The server closes the pooled connection while it idles, as a restart would.
        admin = create_engine(database_url, poolclass=NullPool)
        with admin.connect() as connection:  # waits up to 5 s for it to end
            ended = connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first_pid})
            assert ended.scalar()
        admin.dispose()
        with engine.connect() as connection:  # no error: the ping found it closed
            second_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second_pid != first_pid
    finally:
        engine.dispose()
