#!/usr/bin/env bash
# The restore drill: back up DATABASE_URL, restore it into a scratch database, and compare every
# table's row count and a checksum of the whole audit trail. Exit status 0 only if all match.
#   DATABASE_URL=postgres://... BACKUP_KEY=... scripts/restore-drill.sh
# Run it on a schedule (see README, "Backups"); CI runs it on PostgreSQL.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to drill}"
export BACKUP_KEY="${BACKUP_KEY:?set BACKUP_KEY}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
scratch_name="minqing_drill_$$"
base="${DATABASE_URL%/*}"
scratch="$base/$scratch_name"
cleanup() {
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS $scratch_name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

backup="$(BACKUP_DIR="$work/backups" "$here/backup.sh")"
psql "$base/postgres" -qc "CREATE DATABASE $scratch_name" >/dev/null
"$here/restore.sh" "$backup" "$scratch" "$work/media" >/dev/null

# Row counts of every table, and the audit trail's checksum, as one text per database.
summary() {
  psql "$1" -tAq <<'SQL'
SELECT format('%s %s', c.relname,
              (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public'
ORDER BY c.relname;
SELECT 'audit-trail-md5 ' || coalesce(md5(string_agg(md5(e::text), '' ORDER BY e.id)), 'empty') FROM core_auditevent e;
SQL
}
summary "$DATABASE_URL" > "$work/source.txt"
summary "$scratch" > "$work/restored.txt"
if diff -u "$work/source.txt" "$work/restored.txt"; then
  tables=$(grep -vc '^audit-trail-md5' "$work/source.txt")
  rows=$(grep -v '^audit-trail-md5' "$work/source.txt" | awk '{s+=$2} END {print s}')
  echo "restore drill passed: $tables tables, $rows rows and the audit trail ($(grep '^audit-trail-md5' "$work/source.txt" | cut -d' ' -f2)) restored identically from $(basename "$backup")"
else
  echo "restore drill FAILED: the restored database differs (above)" >&2
  exit 1
fi
