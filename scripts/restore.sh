#!/usr/bin/env bash
# make restore: put a backup made by scripts/backup.sh back.
#   BACKUP_KEY=... scripts/restore.sh BACKUP_FILE TARGET_DATABASE_URL [MEDIA_DIR]
# The target database must exist; its objects are replaced (pg_restore --clean). The files go
# into MEDIA_DIR (default DJANGO_MEDIA_ROOT, else media/). Stops at the first error.
set -euo pipefail
file="${1:?usage: restore.sh BACKUP_FILE TARGET_DATABASE_URL [MEDIA_DIR]}"
target="${2:?usage: restore.sh BACKUP_FILE TARGET_DATABASE_URL [MEDIA_DIR]}"
media="${3:-${DJANGO_MEDIA_ROOT:-media}}"
: "${BACKUP_KEY:?set BACKUP_KEY: the passphrase the backup was made with}"
if [ -f "$file.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256")
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass env:BACKUP_KEY -in "$file" | tar -C "$work" -xf -
pg_restore --no-owner --no-privileges --clean --if-exists --exit-on-error --dbname "$target" "$work/database.dump"
mkdir -p "$media"
tar -C "$media" -xf "$work/media.tar"
echo "restored $(cat "$work/VERSION") into $target, files into $media"
