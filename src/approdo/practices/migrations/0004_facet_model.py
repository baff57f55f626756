"""The facet rows become a normal model (`Facet`), and the index stamp that kept the
in-process bitmaps in step goes: the catalogue now filters and counts in SQL."""

import django.db.models.deletion
from django.db import migrations, models


def keep_old_rows(apps, schema_editor):
    schema_editor.execute("ALTER TABLE practices_facet RENAME TO practices_facet_old")
    schema_editor.execute("DROP TABLE IF EXISTS practices_index_stamp")


def copy_old_rows(apps, schema_editor):
    schema_editor.execute(
        "INSERT INTO practices_facet (practice_id, facet, value) "
        "SELECT practice_id, facet, value FROM practices_facet_old "
        "WHERE practice_id IN (SELECT id FROM practices_practice)"
    )
    schema_editor.execute("DROP TABLE practices_facet_old")
    if schema_editor.connection.vendor == "postgresql":
        # Facet and value together are very uneven (a zona vs a status): without these
        # statistics the planner underestimates a value's rows tenfold.
        schema_editor.execute(
            "CREATE STATISTICS practices_facet_value_stats (mcv) ON facet, value "
            "FROM practices_facet"
        )


def restore_old_table(apps, schema_editor):
    schema_editor.execute(
        "CREATE TABLE practices_facet_old AS SELECT practice_id, facet, value FROM practices_facet"
    )
    schema_editor.execute(
        "CREATE TABLE practices_index_stamp (id integer PRIMARY KEY, stamp varchar(32) NOT NULL)"
    )
    schema_editor.execute("INSERT INTO practices_index_stamp (id, stamp) VALUES (1, '')")


def restore_old_rows(apps, schema_editor):
    schema_editor.execute("ALTER TABLE practices_facet_old RENAME TO practices_facet")


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_narrow_search_index")]

    operations = [
        migrations.RunPython(keep_old_rows, restore_old_rows, elidable=False),
        migrations.CreateModel(
            name="Facet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("facet", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=150)),
                (
                    "practice",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="practices.practice",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["facet", "value", "practice"], name="practices_facet_value"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("practice", "facet", "value"), name="practices_facet_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_old_rows, restore_old_table, elidable=False),
    ]
