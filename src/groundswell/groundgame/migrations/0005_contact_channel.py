from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groundgame", "0004_walk_list_names_never_repeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="channel",
            field=models.CharField(
                choices=[("door", "Doorstep"), ("phone", "Phone")],
                default="door",
                help_text="doorstep or phone",
                max_length=8,
            ),
        ),
    ]
