"""The stamp of the search index (see practices/bitmaps.py) and, on PostgreSQL, a search table
holding only the tsvector: a common word's matches are found through the GIN index and then
read from the table's rows, and without a copy of the title and body text those rows take a
third less space (1,211 bytes instead of 1,771 on the benchmark's practices)."""

from django.db import migrations

STAMP = [
    "CREATE TABLE practices_index_stamp (id integer PRIMARY KEY, stamp varchar(32) NOT NULL)",
    "INSERT INTO practices_index_stamp (id, stamp) VALUES (1, '')",
]

POSTGRESQL = [
    "ALTER TABLE practices_search RENAME TO practices_search_old",
    "CREATE TABLE practices_search (practice_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "INSERT INTO practices_search (practice_id, document) "
    "SELECT practice_id, document FROM practices_search_old",
    "DROP TABLE practices_search_old",
    "CREATE INDEX practices_search_document ON practices_search USING gin (document)",
]

POSTGRESQL_BACK = [
    "ALTER TABLE practices_search RENAME TO practices_search_new",
    "CREATE TABLE practices_search ("
    " practice_id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL,"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('simple'::regconfig, title), 'A')"
    "  || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    # The words of each weight, back as text (positions are not needed by the search).
    "INSERT INTO practices_search (practice_id, title, body) SELECT practice_id,"
    " coalesce((SELECT string_agg(lexeme, ' ') FROM unnest(document) WHERE 'A' = ANY(weights)), ''),"
    " coalesce((SELECT string_agg(lexeme, ' ') FROM unnest(document) WHERE 'B' = ANY(weights)), '')"
    " FROM practices_search_new",
    "DROP TABLE practices_search_new",
    "CREATE INDEX practices_search_document ON practices_search USING gin (document)",
]


def forward(apps, schema_editor):
    statements = STAMP
    if schema_editor.connection.vendor == "postgresql":
        statements = [*POSTGRESQL, *STAMP]
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = ["DROP TABLE practices_index_stamp"]
    if schema_editor.connection.vendor == "postgresql":
        statements += POSTGRESQL_BACK
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_search_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
