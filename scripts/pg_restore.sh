#!/usr/bin/env bash
# Restore a backup made by scripts/pg_backup.sh into a PostgreSQL database:
#
#   scripts/pg_restore.sh BACKUP.dump postgresql://user@host/db
#
# The database must exist (createdb it first for a new one). Whatever the backup holds is
# dropped first if it is there and recreated (--clean --if-exists), in one transaction:
# if anything fails nothing changes. Objects end up owned by the user connecting
# (--no-owner), so a backup restores under a different role. Stop the app servers before
# restoring over the live database, then run `flask --app portal db upgrade` if the code
# is newer than the backup.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "Usage: $0 BACKUP.dump DATABASE_URL" >&2
  exit 2
fi
backup="$1"
url="$(printf '%s' "$2" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"
if [ ! -f "$backup" ]; then
  echo "No backup file at $backup." >&2
  exit 2
fi

pg_restore --list "$backup" >/dev/null  # a readable custom-format dump, before touching anything
pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$url" "$backup"
echo "Restored $backup."
