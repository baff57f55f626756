#!/bin/sh
# Back up the database (pg_dump custom format) and the uploaded files (tar of the media folder)
# into DIRECTORY, with a manifest of row counts per table that check_restore.sh compares.
#
#     DATABASE_URL=postgres://... APPRODO_MEDIA_ROOT=/var/lib/approdo/media deploy/backup.sh DIR
#
# With compose.yaml (the image has pg_dump 15, as the database):
#     podman compose run --rm -v ./backups:/backups worker /opt/approdo/deploy/backup.sh /backups
#
# The dump is consistent on its own (one transaction); files uploaded while it runs may be in
# the tar without their row, never the other way round: media is archived after the dump.
set -eu
directory="${1:?usage: backup.sh DIRECTORY}"
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:port/name)}"
media="${APPRODO_MEDIA_ROOT:-${APPRODO_DATA_DIR:-./var}/media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$directory"
dump="$directory/approdo-$stamp.dump"
archive="$directory/approdo-media-$stamp.tar.gz"

pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"
"$(dirname "$0")/row-counts.sh" "$DATABASE_URL" > "$directory/approdo-$stamp.counts"
if [ -d "$media" ]; then
    tar --create --gzip --file="$archive.partial" --directory="$media" .
else
    tar --create --gzip --file="$archive.partial" --files-from=/dev/null
fi
mv "$archive.partial" "$archive"
echo "database: $dump"
echo "media:    $archive"
echo "counts:   $directory/approdo-$stamp.counts"
