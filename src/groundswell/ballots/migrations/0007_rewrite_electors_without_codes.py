"""Rewrites the electors table so the plaintext voting codes that 0003 dropped leave the
database files too: PostgreSQL's DROP COLUMN and dead row versions keep the old bytes on
disk until the table is rewritten (found by the ballot box's adversarial review), and
SQLite keeps freed pages. Not atomic: VACUUM cannot run inside a transaction."""

from django.db import migrations


def rewrite(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM FULL ballots_elector")
        elif connection.vendor == "sqlite" and not connection.in_atomic_block:
            cur.execute("VACUUM")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ballots", "0006_ballot_voted_by_category")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop, atomic=False)]
