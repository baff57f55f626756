#!/bin/sh
# Exact row count of every table of the public schema, one "table count" a line, sorted.
set -eu
url="${1:?usage: row-counts.sh DATABASE_URL}"
psql --no-psqlrc --tuples-only --no-align --field-separator=' ' --dbname="$url" --quiet <<'SQL'
CREATE TEMPORARY TABLE row_counts (name text, n bigint);
DO $$
DECLARE t record; n bigint;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('SELECT count(*) FROM public.%I', t.tablename) INTO n;
    INSERT INTO row_counts VALUES (t.tablename, n);
  END LOOP;
END $$;
SELECT name, n FROM row_counts ORDER BY name;
SQL
