#!/bin/sh
# Check that backups restore: back up a PostgreSQL database and its media folder with
# deploy/backup.sh, restore both with deploy/restore.sh into a database and a folder created
# for the purpose, and compare the row count of every table and the checksum of every file.
# Exits 1 on any difference. The restore database and the work folder are removed at the end.
#
#     DATABASE_URL=postgres://user@host:5432/approdo APPRODO_MEDIA_ROOT=/srv/media \
#         scripts/check_restore.sh
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
source_url="${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
media="${APPRODO_MEDIA_ROOT:-${APPRODO_DATA_DIR:-./var}/media}"
work="$(mktemp -d)"
target="approdo_restore_check_$$"
target_url="${source_url%/*}/$target"

cleanup() {
    psql --no-psqlrc --quiet --dbname="$source_url" \
        --command="DROP DATABASE IF EXISTS $target" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

checksums() {  # relative path and SHA-256 of every file under $1, sorted
    if [ -d "$1" ]; then
        (cd "$1" && find . -type f -exec sha256sum {} + | sort -k 2)
    fi
}

started=$(date +%s)
APPRODO_MEDIA_ROOT="$media" "$root/deploy/backup.sh" "$work/backup" >/dev/null
dump="$(ls "$work"/backup/*.dump)"
archive="$(ls "$work"/backup/*.tar.gz)"
psql --no-psqlrc --quiet --dbname="$source_url" --command="CREATE DATABASE $target" >/dev/null
DATABASE_URL="$target_url" APPRODO_MEDIA_ROOT="$work/media" \
    "$root/deploy/restore.sh" "$dump" "$archive" >/dev/null

"$root/deploy/row-counts.sh" "$target_url" > "$work/restored.counts"
checksums "$media" > "$work/source.files"
checksums "$work/media" > "$work/restored.files"
status=0
if ! diff -u "$work"/backup/*.counts "$work/restored.counts"; then
    echo "FAIL: row counts differ (backup manifest vs restored database)" >&2
    status=1
fi
if ! diff -u "$work/source.files" "$work/restored.files"; then
    echo "FAIL: media files differ" >&2
    status=1
fi
# The source may have changed since the backup; report it, but the check is backup vs restore.
"$root/deploy/row-counts.sh" "$source_url" | diff -q - "$work/restored.counts" >/dev/null \
    || echo "note: the source database changed since the backup"

tables=$(wc -l < "$work/restored.counts")
rows=$(awk '{ total += $2 } END { print total + 0 }' "$work/restored.counts")
nonempty=$(awk '$2 > 0' "$work/restored.counts" | wc -l)
files=$(wc -l < "$work/restored.files")
bytes=$(du -k "$dump" | cut -f1)
echo "restore check: $tables tables ($nonempty not empty), $rows rows, $files media files;" \
     "dump ${bytes} KiB; $(( $(date +%s) - started )) s;" \
     "$([ $status -eq 0 ] && echo identical || echo DIFFERENT)"
exit $status
