"""The published criteria for exclusion (national admins add others in the admin). Those
on political grounds need a second officer to confirm an exclusion."""

from django.db import migrations

from groundswell.vetting.criteria import CRITERIA, ensure



def add(apps, schema_editor):
    ensure(apps.get_model("vetting", "Criterion"))


def remove(apps, schema_editor):
    apps.get_model("vetting", "Criterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("vetting", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
