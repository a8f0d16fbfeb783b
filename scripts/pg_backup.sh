#!/usr/bin/env bash
# Back up the portal's PostgreSQL database (DATABASE_URL) with pg_dump, from cron:
#
#   DATABASE_URL=postgresql://user@host/db scripts/pg_backup.sh [--to DIR] [--keep N]
#
# Writes DIR/portal-YYYY-MM-DDTHHMMSSZ.dump (pg_dump's custom format: compressed, and
# pg_restore can restore all of it or single tables), first under a temporary name and
# renamed once pg_dump has finished and pg_restore can read its table of contents, so a
# half-written file never looks like a backup. Then deletes all but the newest N.
# DIR defaults to instance/backups in the repository, N to 14 (as `flask --app portal backup`).
# Restore with scripts/pg_restore.sh. A password is best kept in ~/.pgpass, not the URL.
set -euo pipefail

usage() {
  echo "Usage: DATABASE_URL=postgresql://... $0 [--to DIR] [--keep N]" >&2
  exit 2
}

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo_root/instance/backups"
keep=14
while [ $# -gt 0 ]; do
  case "$1" in
    --to) [ $# -ge 2 ] || usage; dir="$2"; shift 2 ;;
    --keep) [ $# -ge 2 ] || usage; keep="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "Unknown argument: $1" >&2; usage ;;
  esac
done
if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  echo "--keep must be a whole number, at least 1 (got '$keep')." >&2
  exit 2
fi
if [ -z "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is not set: it names the database to back up." >&2
  exit 2
fi
# The app's spelling for SQLAlchemy (postgresql+psycopg://) is not one libpq knows.
url="$(printf '%s' "$DATABASE_URL" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"

mkdir -p "$dir"
name="portal-$(date -u +%Y-%m-%dT%H%M%SZ).dump"
target="$dir/$name"
partial="$dir/.$name.partial"
if [ -e "$target" ]; then
  echo "$target already exists (a backup was made this second); not replacing it." >&2
  exit 1
fi
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --file="$partial" --dbname="$url"
pg_restore --list "$partial" >/dev/null  # readable, with its table of contents
sync "$partial" 2>/dev/null || true
if ! mv -n "$partial" "$target" || [ -e "$partial" ]; then
  echo "Could not rename the finished backup to $target (did it appear meanwhile?); not replacing it." >&2
  exit 1
fi

# Keep the newest N (the dated names sort in time order); other files are left alone.
removed=0
while IFS= read -r old; do
  rm -f -- "$dir/$old"
  removed=$((removed + 1))
done < <(find "$dir" -maxdepth 1 -type f -printf '%f\n' \
           | grep -E '^portal-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z\.dump$' | sort -r | tail -n +"$((keep + 1))")

echo "Backed up to $target ($(du -h "$target" | cut -f1))."
if [ "$removed" -gt 0 ]; then
  echo "Deleted $removed older backup(s); kept the newest $keep."
fi
