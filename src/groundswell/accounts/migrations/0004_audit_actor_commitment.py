"""The chain covers a salted commitment to the actor, not the actor's label, so erasing a
person can clear their label from the trail and the chain still verifies. The database now
protects the commitment instead of the label (an older entry's label is still covered by its
hash, so changing it shows up in `audit verify`)."""

from django.db import migrations, models

TABLE = "accounts_auditevent"
OLD = "at, actor_label, action, target, rows, detail, prev_hash, hash"
NEW = "at, actor_commit, action, target, rows, detail, prev_hash, hash"
REFUSE = "the audit trail is append-only"


def _protect(columns):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS audit_no_update ON {TABLE}")
            schema_editor.execute(
                f"CREATE TRIGGER audit_no_update BEFORE UPDATE OF {columns} ON {TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION groundswell_audit_refuse()"
            )
        elif vendor == "sqlite":
            schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            schema_editor.execute(
                f"CREATE TRIGGER audit_no_update BEFORE UPDATE OF {columns} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_commit",
            field=models.CharField(
                blank=True, help_text="salted hash of the label: what the chain covers of the actor", max_length=64
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="actor_salt",
            field=models.CharField(blank=True, help_text="cleared when the actor is erased", max_length=32),
        ),
        migrations.RunPython(_protect(NEW), _protect(OLD)),
    ]
