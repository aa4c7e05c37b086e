"""Indexes for the member search on PostgreSQL: names matched by case-insensitive prefix
(`UPPER(name) LIKE 'SMI%'`) need an index on the upper-cased name with the pattern
operator class (which works whatever the database's collation). Without them a search
reads all half a million people."""

from django.db import migrations

INDEXES = {
    # the expression exactly as Django writes it for `istartswith`: UPPER("col"::text)
    "person_upper_last_name": "UPPER((last_name)::text) text_pattern_ops",
    "person_upper_first_name": "UPPER((first_name)::text) text_pattern_ops",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_person ({expression})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_import_kinds")]

    operations = [migrations.RunPython(create, drop)]
