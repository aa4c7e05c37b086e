"""A published rules version is never changed: PostgreSQL refuses UPDATE and DELETE on
lifecycle_rulesversion (a trigger), SQLite refuses UPDATE (its test flush needs DELETE, as
for the payments ledger in 0002). One change is let through: cutting the link to the
publishing officer's account when that person's data is erased (published_by to NULL)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION lifecycle_rules_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.published_by_id IS NULL AND NEW.ballot_id = OLD.ballot_id
       AND NEW.number = OLD.number AND NEW.document = OLD.document AND NEW.note = OLD.note
       AND NEW.published_at = OLD.published_at THEN
        RETURN NEW;  -- erasure cuts the link to an account; nothing else changes
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'a published rules version is never changed: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
---
CREATE TRIGGER lifecycle_rules_immutable
    BEFORE UPDATE OR DELETE ON lifecycle_rulesversion
    FOR EACH ROW EXECUTE FUNCTION lifecycle_rules_immutable();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS lifecycle_rules_immutable ON lifecycle_rulesversion;
---
DROP FUNCTION IF EXISTS lifecycle_rules_immutable();
"""
SQLITE_UP = """
CREATE TRIGGER lifecycle_rules_immutable
BEFORE UPDATE OF ballot_id, number, document, note, published_at ON lifecycle_rulesversion
BEGIN SELECT RAISE(ABORT, 'a published rules version is never changed: UPDATE refused'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS lifecycle_rules_immutable;"


def _run(schema_editor, pg: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    sql = pg if vendor == "postgresql" else sqlite if vendor == "sqlite" else ""
    for statement in sql.split("---"):
        if statement.strip():
            schema_editor.execute(statement, params=None)


def up(apps, schema_editor):
    _run(schema_editor, PG_UP, SQLITE_UP)


def down(apps, schema_editor):
    _run(schema_editor, PG_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0004_rules_windows_notices")]
    operations = [migrations.RunPython(up, down)]
