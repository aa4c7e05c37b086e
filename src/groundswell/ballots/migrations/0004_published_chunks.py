"""Published files are stored as 1 MiB chunks, written and served as streams."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 1 << 20


def forward(apps, schema_editor):
    File = apps.get_model("ballots", "PublishedFile")
    Chunk = apps.get_model("ballots", "PublishedChunk")
    for f in File.objects.all().iterator():
        data = bytes(f.content or b"")
        Chunk.objects.bulk_create(
            Chunk(file=f, seq=i, data=data[start : start + CHUNK]) for i, start in enumerate(range(0, len(data), CHUNK))
        )


class Migration(migrations.Migration):
    dependencies = [("ballots", "0003_sealed_ballot_box")]

    operations = [
        migrations.CreateModel(
            name="PublishedChunk",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "file",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="chunks", to="ballots.publishedfile"
                    ),
                ),
            ],
            options={"constraints": [models.UniqueConstraint(fields=("file", "seq"), name="published_chunk_order")]},
        ),
        migrations.AlterField(model_name="publishedfile", name="size", field=models.BigIntegerField()),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publishedfile", name="content"),
    ]
