#!/bin/sh
# Collect the static files (our own and the npm packages) with WhiteNoise's compressed manifest
# storage, as production serves them. Run by the Containerfile at build time; a host
# installation runs it after `npm ci` with APPRODO_NODE_MODULES and APPRODO_STATIC_ROOT set.
set -eu
# Build time has no secrets and no database: placeholders that no request ever sees.
export DEBUG=0
export SECRET_KEY="${SECRET_KEY:-build-only-not-a-secret}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///tmp/approdo-build.sqlite3}"
for package in bootstrap-italia/dist htmx.org/dist leaflet/dist @fontsource/noto-naskh-arabic/files; do
    if [ ! -d "${APPRODO_NODE_MODULES:?set APPRODO_NODE_MODULES}/$package" ]; then
        echo "missing npm package folder: $APPRODO_NODE_MODULES/$package (run npm ci)" >&2
        exit 1
    fi
done
approdo collectstatic --no-input --clear -v 0
test -s "${APPRODO_STATIC_ROOT:?set APPRODO_STATIC_ROOT}/staticfiles.json"
approdo check
echo "static files collected in $APPRODO_STATIC_ROOT"
