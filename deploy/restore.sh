#!/bin/sh
# Restore a backup made by backup.sh: the dump into DATABASE_URL (an empty database: create it
# first with `createdb`), the media archive into APPRODO_MEDIA_ROOT (an empty folder).
#
#     DATABASE_URL=postgres://... APPRODO_MEDIA_ROOT=/var/lib/approdo/media \
#         deploy/restore.sh approdo-20261203T140000Z.dump approdo-media-20261203T140000Z.tar.gz
#
# Stop the application and the worker first (compose: `podman compose stop web1 web2 worker`).
set -eu
dump="${1:?usage: restore.sh DUMP [MEDIA_ARCHIVE]}"
archive="${2:-}"
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:port/name)}"
media="${APPRODO_MEDIA_ROOT:-${APPRODO_DATA_DIR:-./var}/media}"

tables="$(psql --no-psqlrc --tuples-only --no-align --dbname="$DATABASE_URL" \
    --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [ "$tables" != "0" ]; then
    echo "the database already has $tables tables: restore into an empty database" >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$dump"
if [ -n "$archive" ]; then
    mkdir -p "$media"
    if [ -n "$(ls -A "$media")" ]; then
        echo "$media is not empty: restore the files into an empty folder" >&2
        exit 1
    fi
    tar --extract --gzip --file="$archive" --directory="$media"
fi
echo "restored $dump${archive:+ and $archive}"
