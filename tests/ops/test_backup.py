"""Backups: `flask --app portal backup` copies SQLite while the portal is writing, the copy
restores and holds every row, old copies are pruned; on PostgreSQL scripts/pg_backup.sh
and scripts/pg_restore.sh do the same with pg_dump and pg_restore."""

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections import Counter
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

import portal.backup
from portal.backup import BackupError
from portal.extensions import db
from tests.support import REPO_ROOT
from tests.support.factories import bulk_submissions

SCRIPTS = REPO_ROOT / "scripts"
DUMP_NAME = r"portal-\d{4}-\d{2}-\d{2}T\d{6}Z\.dump"
# Tables the demo content fills, among others: each capability's own.
FILLED = ("submission", "moderation_item", "equality_answers", "response", "response_update", "idea", "idea_support",
          "event", "advisory_application", "advisory_meeting", "staff_user", "audit_event", "safeguarding_phrase")


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        reason = ("SQLite only: the test database is PostgreSQL, which `flask backup` does not copy "
                  "(scripts/pg_backup.sh does, tested by test_pg_backup_and_restore_scripts)")
        print(reason)
        pytest.skip(reason)
    return Path(make_url(database_url).database)


@pytest.fixture
def postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        reason = ("PostgreSQL only: the test database is SQLite (set TEST_DATABASE_URL=postgresql://... to test "
                  "scripts/pg_backup.sh and scripts/pg_restore.sh)")
        print(reason)
        pytest.skip(reason)
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        assert shutil.which(tool), f"{tool} is not installed"
    return make_url(database_url).set(drivername="postgresql")


def run_backup(app, *args: str):
    result = app.test_cli_runner().invoke(args=["backup", *args])
    return result


def tables_of(connection: sqlite3.Connection) -> list[str]:
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def rows_of(connection: sqlite3.Connection, table: str) -> Counter:
    return Counter(connection.execute(f'SELECT * FROM "{table}"'))


def counts_of(connection: sqlite3.Connection) -> dict[str, int]:
    return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables_of(connection)}


def schema_of(connection: sqlite3.Connection) -> set:
    return set(connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def open_copy(path: Path) -> sqlite3.Connection:
    """The backup, read-only, so checking it cannot change it (or leave a -wal beside it)."""
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def head_revision() -> str:
    """The newest migration in the repository."""
    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


# ---- SQLite ------------------------------------------------------------------------


def test_backup_while_the_portal_is_writing_is_one_consistent_snapshot(app, sqlite_only, tmp_path):
    from portal.feedback.services import submit_feedback

    source = sqlite_only
    with app.app_context():
        bulk_submissions(20_000)  # some megabytes, so the copy takes a while
    with closing(sqlite3.connect(source)) as connection:
        before = counts_of(connection)

    written: list[tuple[int, float]] = []  # (submission id, when committed), in commit order
    stop, errors = threading.Event(), []

    def writer():
        try:
            with app.app_context():
                n = 0
                while not stop.is_set():
                    n += 1
                    draft = {"token": f"backup-{n}-{secrets.token_hex(8)}", "theme": "sharing-spaces-and-places",
                             "area": "shipley", "body": f"Message {n} sent during the backup: light the canal path."}
                    submitted = submit_feedback(draft, "adult")
                    assert submitted.created
                    written.append((submitted.submission.id, time.monotonic()))
                    db.session.remove()
        except Exception as error:  # reported by the test
            errors.append(error)

    def wait_for(count: int) -> None:
        deadline = time.monotonic() + 120
        while len(written) < count:
            assert not errors, errors
            assert time.monotonic() < deadline, f"the writer only managed {len(written)} submissions"
            time.sleep(0.005)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        wait_for(300)
        started, written_at_start = time.monotonic(), len(written)
        result = run_backup(app, "--to", str(tmp_path / "backups"))
        finished, written_at_end = time.monotonic(), len(written)
        wait_for(written_at_end + 300)  # and it carries on afterwards
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert result.exit_code == 0, result.output

    (backup,) = portal.backup.backups_in(tmp_path / "backups")
    assert f"Backed up to {backup} (" in result.output
    assert not list((tmp_path / "backups").glob(".*")), "the temporary file was left behind"
    assert not Path(f"{backup}-wal").exists() and not Path(f"{backup}-shm").exists()

    with closing(open_copy(backup)) as copy, closing(sqlite3.connect(source)) as live:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
        assert schema_of(copy) == schema_of(live)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == \
            live.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]

        # Every row in the copy is in the database, whole (every column equal).
        for table in tables_of(copy):
            missing = rows_of(copy, table) - rows_of(live, table)
            assert not missing, f"{table}: {len(missing)} rows in the copy that the database never had"

        # The copy is the database as it was after exactly k of the writer's commits: the
        # first k submissions, and in every table the rows those k transactions added.
        copied_ids = {id_ for (id_,) in copy.execute("SELECT id FROM submission")}
        ids_in_order = [id_ for id_, _ in written]
        k = sum(1 for id_ in ids_in_order if id_ in copied_ids)
        assert set(ids_in_order[:k]) <= copied_ids and not set(ids_in_order[k:]) & copied_ids
        after, copied = counts_of(live), counts_of(copy)
        total = len(written)
        for table, count in after.items():
            added = count - before[table]
            assert added % total == 0, f"{table}: {added} rows for {total} submissions"
            assert copied[table] == before[table] + k * (added // total), table
        # Mid-way: after the 300 before the command started, before the 300 after it ended
        # (+1: a commit the writer had made but not yet noted down when the command ended).
        assert written_at_start <= k <= written_at_end + 1 < total, (written_at_start, k, written_at_end, total)

    during = sum(1 for _, when in written if started <= when <= finished)
    assert during, "no submission was committed while the backup ran: did it lock the database?"
    print(f"backup took {finished - started:.3f} s of {written[-1][1] - written[0][1]:.1f} s of writing; "
          f"copy holds {k} of {total} submissions; {during} committed while the command ran")


def test_a_restored_backup_opens_and_holds_every_row(app, make_app, sqlite_only, tmp_path):
    from portal.core.services import seed_demo

    with app.app_context():
        seed_demo(2026)  # every capability's demo content
        bulk_submissions(500)
    result = run_backup(app, "--to", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    (backup,) = portal.backup.backups_in(tmp_path / "backups")

    with closing(open_copy(backup)) as copy, closing(sqlite3.connect(sqlite_only)) as live:
        in_backup = counts_of(copy)
        for table in tables_of(copy):  # nothing was writing: the copy is the database
            assert rows_of(copy, table) == rows_of(live, table), table
    assert all(in_backup[table] for table in FILLED), in_backup

    # Restoring is copying the file into place (over whatever was there) and starting the app.
    restored = tmp_path / "restored" / "portal.sqlite"
    restored.parent.mkdir()
    with closing(sqlite3.connect(restored)) as fresh:
        fresh.execute("CREATE TABLE old_contents (x)")
        fresh.commit()
    shutil.copyfile(backup, restored)

    restored_app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored}")
    with restored_app.app_context():
        assert db.engine.url.database == str(restored)
        assert set(inspect(db.engine).get_table_names()) == set(in_backup)
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        read = {}
        for table in db.metadata.sorted_tables:
            # Every row of every table, each column through its type (dates, JSON, enums).
            read[table.name] = len(db.session.execute(select(table)).all())
        db.session.remove()
    assert read == {name: n for name, n in in_backup.items() if name != "alembic_version"}

    client = restored_app.test_client()
    assert client.get("/healthz").status_code == 200
    with restored_app.app_context():
        from portal.feedback.models import Submission

        submission = db.session.scalars(select(Submission).order_by(Submission.id)).first()
        reference = submission.display_reference
        db.session.remove()
    page = client.get(f"/track/{reference}")
    assert page.status_code == 200 and reference in page.get_data(as_text=True)


def test_keep_3_after_5_backups_leaves_the_3_newest(app, sqlite_only, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    others = {"notes.txt": "not a backup", "portal-by-hand.sqlite": "not ours", ".portal-x.sqlite.partial": "other run"}
    for name, content in others.items():
        (folder / name).write_text(content)

    moments = iter(datetime(2026, 3, 1, 2, 30, tzinfo=UTC) + timedelta(days=day) for day in range(5))
    monkeypatch.setattr(portal.backup, "utcnow", lambda: next(moments))
    made = []
    for _ in range(5):
        result = run_backup(app, "--to", str(folder), "--keep", "3")
        assert result.exit_code == 0, result.output
        made.append(portal.backup.backups_in(folder)[-1].name)

    assert made == [f"portal-2026-03-0{day}T023000Z.sqlite" for day in range(1, 6)]
    assert "Deleted 1 older backup; kept the newest 3." in result.output
    assert [path.name for path in portal.backup.backups_in(folder)] == made[-3:]
    assert sorted(path.name for path in folder.iterdir()) == sorted([*made[-3:], *others])
    for name, content in others.items():
        assert (folder / name).read_text() == content
    for path in portal.backup.backups_in(folder):
        with closing(open_copy(path)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    again = run_backup(app, "--to", str(folder), "--keep", "0")
    assert again.exit_code != 0 and "--keep" in again.output


def test_a_failed_backup_leaves_nothing_that_looks_like_one(app, sqlite_only, tmp_path, monkeypatch):
    folder = tmp_path / "backups"

    def half_written(source, destination):
        Path(destination).write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        raise BackupError("The copy failed its integrity check: page 7 is never used")

    monkeypatch.setattr(portal.backup, "_copy", half_written)
    result = run_backup(app, "--to", str(folder))
    assert result.exit_code == 1
    assert "integrity check" in result.output
    assert list(folder.iterdir()) == []


def test_the_same_second_never_replaces_a_backup(app, sqlite_only, tmp_path, monkeypatch):
    monkeypatch.setattr(portal.backup, "utcnow", lambda: datetime(2026, 3, 1, 2, 30, tzinfo=UTC))
    first = run_backup(app, "--to", str(tmp_path))
    assert first.exit_code == 0, first.output
    (backup,) = portal.backup.backups_in(tmp_path)
    made = backup.stat().st_mtime_ns
    second = run_backup(app, "--to", str(tmp_path))
    assert second.exit_code == 1 and "already exists" in second.output
    assert portal.backup.backups_in(tmp_path) == [backup] and backup.stat().st_mtime_ns == made


def test_on_postgresql_the_command_points_to_pg_dump_and_does_nothing(make_app, tmp_path):
    # Any PostgreSQL URL: the command refuses before it connects.
    pg_app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/portal")
    result = pg_app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 1
    assert "scripts/pg_backup.sh" in result.output
    assert not (tmp_path / "backups").exists()


# ---- PostgreSQL --------------------------------------------------------------------


def _pg_counts(url) -> dict[str, int]:
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            names = connection.scalars(text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")).all()
            return {name: connection.scalar(select(func.count()).select_from(text(f'"{name}"'))) for name in names}
    finally:
        engine.dispose()


def _pg_version(url) -> str:
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def test_pg_backup_and_restore_scripts(app, postgres_only, tmp_path):
    from portal.core.services import seed_demo

    with app.app_context():
        seed_demo(2026)
        bulk_submissions(500)
        db.session.remove()
    source_url = postgres_only
    source = _pg_counts(source_url)
    assert all(source[table] for table in FILLED), source

    folder = tmp_path / "backups"
    folder.mkdir()
    old = [f"portal-2020-01-0{day}T010000Z.dump" for day in (1, 2, 3)]
    for name in [*old, "notes.txt"]:
        (folder / name).write_text("an older file")
    env = {**os.environ, "DATABASE_URL": source_url.set(drivername="postgresql+psycopg").render_as_string(False)}
    started = time.monotonic()
    made = subprocess.run([str(SCRIPTS / "pg_backup.sh"), "--to", str(folder), "--keep", "2"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    dumps = sorted(path.name for path in folder.glob("portal-*.dump"))
    assert len(dumps) == 2 and dumps[0] == old[-1], dumps  # the newest 2: the new one and the last old one
    assert re.fullmatch(DUMP_NAME, dumps[1]) and dumps[1] > old[-1]
    assert (folder / "notes.txt").exists() and not list(folder.glob(".*"))
    backup = folder / dumps[1]
    assert f"Backed up to {backup} (" in made.stdout

    name = f"backup_restore_{uuid.uuid4().hex[:12]}"
    target_url = source_url.set(database=name)
    maintenance = source_url.render_as_string(False)
    subprocess.run(["createdb", f"--maintenance-db={maintenance}", name], check=True, capture_output=True, timeout=60)
    try:
        restored = subprocess.run([str(SCRIPTS / "pg_restore.sh"), str(backup), target_url.render_as_string(False)],
                                  capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stderr
        assert _pg_counts(target_url) == source
        assert _pg_version(target_url) == _pg_version(source_url) == head_revision()
        # Restoring again over the restored database (--clean --if-exists) is safe and leaves the same rows.
        again = subprocess.run([str(SCRIPTS / "pg_restore.sh"), str(backup), target_url.render_as_string(False)],
                               capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert _pg_counts(target_url) == source
    finally:
        subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={maintenance}", name], check=True,
                       capture_output=True, timeout=60)
    print(f"pg_backup.sh and two restores took {time.monotonic() - started:.1f} s; {len(source)} tables")
