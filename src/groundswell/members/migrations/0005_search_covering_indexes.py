"""The name search's prefix indexes, now covering (they hold the id and both names): the
people matching a common surname come sorted by name from the index alone, without a visit
to each one's row in the table (see `selectors._name_search_page`). They replace 0004's,
which they serve for every condition those did."""

from django.db import migrations

OLD = {
    "person_upper_last_name": "UPPER((last_name)::text) text_pattern_ops",
    "person_upper_first_name": "UPPER((first_name)::text) text_pattern_ops",
}
NEW = {
    "person_upper_last_name_cover": "UPPER((last_name)::text) text_pattern_ops",
    "person_upper_first_name_cover": "UPPER((first_name)::text) text_pattern_ops",
}
INCLUDE = "INCLUDE (id, last_name, first_name)"


def _swap(schema_editor, make: dict, include: str, drop: dict) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in make.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_person ({expression}) {include}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    _swap(schema_editor, NEW, INCLUDE, OLD)


def backwards(apps, schema_editor):
    _swap(schema_editor, OLD, "", NEW)


class Migration(migrations.Migration):
    dependencies = [("members", "0004_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
