#!/bin/sh
# One-off before the servers start (compose.yaml's `migrate`): schema, cache table, territory.
set -eu
approdo migrate --no-input
approdo createcachetable
approdo load-territory
