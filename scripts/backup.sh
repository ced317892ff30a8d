#!/usr/bin/env bash
# make backup: the database (pg_dump, custom format) and the uploaded files, in one file encrypted
# with BACKUP_KEY (AES-256, key stretched with PBKDF2). Keep the key apart from the backups.
#   DATABASE_URL=postgres://... BACKUP_KEY=... [DJANGO_MEDIA_ROOT=media] [BACKUP_DIR=backups] scripts/backup.sh
# Prints the path of the backup written (and writes its SHA-256 beside it).
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
: "${BACKUP_KEY:?set BACKUP_KEY: a long random passphrase, stored apart from the backups}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup: only PostgreSQL is backed up (DATABASE_URL=$DATABASE_URL)" >&2; exit 2;; esac
media="${DJANGO_MEDIA_ROOT:-media}"
out="${BACKUP_DIR:-backups}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

pg_dump --format=custom --no-owner --no-privileges --file "$work/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -cf "$work/media.tar" .
else
  tar -cf "$work/media.tar" --files-from /dev/null
fi
printf 'minqing backup %s\n' "$stamp" > "$work/VERSION"

target="$out/minqing-$stamp.tar.enc"
tar -C "$work" -cf - VERSION database.dump media.tar \
  | openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass env:BACKUP_KEY -out "$target"
(cd "$out" && sha256sum "$(basename "$target")" > "$(basename "$target").sha256")
echo "$target"
