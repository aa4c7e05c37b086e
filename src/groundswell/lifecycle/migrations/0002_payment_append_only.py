"""The ledger is append-only in the database itself, not only in the code: PostgreSQL
refuses UPDATE and DELETE on lifecycle_payment (a trigger), SQLite refuses UPDATE.

SQLite keeps DELETE possible because Django's test flush empties tables with DELETE there
(PostgreSQL's uses TRUNCATE, which row triggers do not see)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION lifecycle_payment_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'the payments ledger is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
---
CREATE TRIGGER lifecycle_payment_append_only
    BEFORE UPDATE OR DELETE ON lifecycle_payment
    FOR EACH ROW EXECUTE FUNCTION lifecycle_payment_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS lifecycle_payment_append_only ON lifecycle_payment;
---
DROP FUNCTION IF EXISTS lifecycle_payment_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER lifecycle_payment_append_only BEFORE UPDATE ON lifecycle_payment
BEGIN SELECT RAISE(ABORT, 'the payments ledger is append-only: UPDATE refused'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS lifecycle_payment_append_only;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = PG_UP if vendor == "postgresql" else SQLITE_UP if vendor == "sqlite" else ""
    for statement in sql.split("---"):
        if statement.strip():
            schema_editor.execute(statement, params=None)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql = PG_DOWN if vendor == "postgresql" else SQLITE_DOWN if vendor == "sqlite" else ""
    for statement in sql.split("---"):
        if statement.strip():
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
