"""The published criteria for exclusion (national admins add others in the admin). Those
on political grounds need a second officer to confirm an exclusion."""

from django.db import migrations

CRITERIA = [
    ("supports_another_party", "Member or supporter of another party", True,
     "A member of, candidate for, or public supporter of a party that stands against ours."),
    ("does_not_share_aims", "Does not support the aims and values", True,
     "Public statements incompatible with the declaration of support for our aims and values."),
    ("abuse", "Abusive or threatening conduct", False,
     "Abuse, threats or harassment of members, staff or the public, including online."),
    ("duplicate", "Duplicate registration", False,
     "The same person registered more than once: one person, one vote."),
    ("identity_unverified", "Identity or address could not be verified", False,
     "The name, address or email given could not be matched to a real person at that address."),
]


def add(apps, schema_editor):
    Criterion = apps.get_model("vetting", "Criterion")
    for code, label, political, description in CRITERIA:
        Criterion.objects.update_or_create(
            code=code, defaults={"label": label, "political": political, "description": description}
        )


def remove(apps, schema_editor):
    apps.get_model("vetting", "Criterion").objects.filter(code__in=[c[0] for c in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("vetting", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
