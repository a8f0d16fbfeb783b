"""Backups of the SQLite database: `flask --app portal backup` (run from cron).

The copy is made with SQLite's online backup API while the portal keeps serving: the
database is in write-ahead-log mode, so the backup reads one consistent snapshot and
writers carry on meanwhile. It is written under a temporary name, checked with
`PRAGMA integrity_check`, and only then renamed to `portal-YYYY-MM-DDTHHMMSSZ.sqlite`,
so a half-written file never looks like a backup. The newest N are kept.

PostgreSQL is backed up with pg_dump instead: scripts/pg_backup.sh and scripts/pg_restore.sh.
"""

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.extensions import db
from portal.timeutil import utcnow

BACKUP_NAME = re.compile(r"^portal-\d{4}-\d{2}-\d{2}T\d{6}Z\.sqlite$")
DEFAULT_KEEP = 14


class BackupError(Exception):
    """The backup could not be made (nothing was left that looks like one)."""


def backup_name(moment: datetime) -> str:
    return moment.strftime("portal-%Y-%m-%dT%H%M%SZ.sqlite")


def backups_in(directory: Path) -> list[Path]:
    """The backups in a folder, oldest first (the dated names sort in time order)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if BACKUP_NAME.match(path.name) and path.is_file())


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; other files in the folder are left alone."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    old = backups_in(directory)[:-keep]
    for path in old:
        path.unlink()
    return old


def backup_sqlite(source: str | os.PathLike, directory: str | os.PathLike, *, now: datetime | None = None) -> Path:
    """Copy the SQLite database at `source` into `directory`; returns the new file."""
    source, directory = Path(source), Path(directory)
    if not source.is_file():
        raise BackupError(f"There is no database file at {source}.")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_name(now or utcnow())
    if target.exists():
        raise BackupError(f"{target} already exists (a backup was made this second); not replacing it.")
    partial = directory / f".{target.name}.partial"
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        if target.exists():
            raise BackupError(f"{target} appeared while the backup was being made; not replacing it.")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _fsync_directory(directory)
    return target


def _copy(source: Path, destination: Path) -> None:
    # Read-write, as the app opens it: a read-only connection to a WAL database needs
    # its -shm file to exist already. Nothing is written through this connection.
    src = sqlite3.connect(source, timeout=20)
    try:
        src.execute("PRAGMA busy_timeout=20000")
        dst = sqlite3.connect(destination)
        try:
            # In one step (pages=-1): one read transaction, so one consistent snapshot.
            # Copied step by step, any write to the source would restart the copy.
            src.backup(dst, pages=-1)
            # The copy is one self-contained file: no -wal or -shm beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError("The copy failed its integrity check: " + "; ".join(problems[:10]))
        finally:
            dst.close()
    finally:
        src.close()
    with open(destination, "rb") as copied:
        os.fsync(copied.fileno())


def _fsync_directory(directory: Path) -> None:
    """So the rename itself survives a crash (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _size(n: float) -> str:
    if n < 1024:
        return f"{n} bytes"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            break
    return f"{n:.1f} {unit}"


@click.command("backup")
@click.option("--to", "directory", type=click.Path(file_okay=False), default=None,
              help="Folder for the backups  [default: instance/backups]")
@click.option("--keep", type=click.IntRange(min=1), default=DEFAULT_KEEP, show_default=True,
              help="How many of the newest backups to keep; older ones are deleted.")
@with_appcontext
def backup_command(directory: str | None, keep: int):
    """Copy the SQLite database, safely while the portal is serving (run from cron)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"This command backs up SQLite only; the database here is {url.get_backend_name()}. "
            "Use scripts/pg_backup.sh (pg_dump) instead, and scripts/pg_restore.sh to restore.")
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise click.ClickException(f"Cannot back up this SQLite database ({url.database or 'in memory'}): "
                                   "it needs to be a file.")
    directory = Path(directory or os.path.join(current_app.instance_path, "backups"))
    try:
        target = backup_sqlite(url.database, directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    removed = prune(directory, keep)
    click.echo(f"Backed up to {target} ({_size(target.stat().st_size)}).")
    if removed:
        click.echo(f"Deleted {len(removed)} older backup{'s' if len(removed) != 1 else ''}; kept the newest {keep}.")
