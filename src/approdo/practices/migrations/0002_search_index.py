"""The catalogue's search index (see practices/search.py): a full-text table of pre-stemmed
words and a table of facet values, one per vendor, outside Django's model state."""

from django.db import migrations

FACET_TABLE = [
    "CREATE TABLE practices_facet ("
    " practice_id bigint NOT NULL, facet varchar(20) NOT NULL, value varchar(150) NOT NULL,"
    " PRIMARY KEY (facet, value, practice_id))",
    "CREATE INDEX practices_facet_practice ON practices_facet (practice_id, facet)",
]

SQLITE = [
    "CREATE VIRTUAL TABLE practices_search USING fts5(title, body, tokenize='unicode61')",
    *FACET_TABLE,
]

POSTGRESQL = [
    "CREATE TABLE practices_search ("
    " practice_id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL,"
    " document tsvector GENERATED ALWAYS AS ("
    "  setweight(to_tsvector('simple'::regconfig, title), 'A')"
    "  || setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED)",
    "CREATE INDEX practices_search_document ON practices_search USING gin (document)",
    *FACET_TABLE,
    # Facet and value together are very uneven (a zona vs a status): without these statistics
    # the planner underestimates a value's rows tenfold and picks nested loops.
    "CREATE STATISTICS practices_facet_value_stats (mcv) ON facet, value FROM practices_facet",
]

DROP = ["DROP TABLE IF EXISTS practices_facet", "DROP TABLE IF EXISTS practices_search"]


def create(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
