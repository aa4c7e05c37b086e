"""The sealed ballot box (README, "The ballot box").

- Voting codes are replaced by their keyed hashes; the plaintext column is dropped.
- The marked register is keyed by elector (one vote each survives a reissued code).
- Cast ballots become sealed papers: ballots already counted keep their results and their
  published files, and their papers move to `Paper` in a random order; a ballot still open
  or closed is given a server-held key (it had no trustees) and its papers are sealed.
- Drafts get their creator as their one trustee (the officer can name others before
  opening); votes inside the app (motions) keep a server-held key.
"""

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import groundswell.ballots.models


def forward(apps, schema_editor):
    from groundswell.ballots import keys
    from groundswell.core.ballotbox import sealing

    Ballot = apps.get_model("ballots", "Ballot")
    Elector = apps.get_model("ballots", "Elector")
    Legacy = apps.get_model("ballots", "LegacySpentCredential")
    Spent = apps.get_model("ballots", "SpentCredential")
    Cast = apps.get_model("ballots", "CastBallot")
    Sealed = apps.get_model("ballots", "SealedBallot")
    Paper = apps.get_model("ballots", "Paper")
    Trustee = apps.get_model("ballots", "Trustee")
    Candidate = apps.get_model("ballots", "Candidate")

    by_code = {}
    batch = []
    for e in Elector.objects.exclude(credential="").iterator(chunk_size=5000):
        e.code_hash = keys.code_hash(e.credential)
        e.code_issued_on = e.credential_sent_on
        e.codes_issued = 1
        by_code[e.credential] = (e.pk, e.category)
        batch.append(e)
        if len(batch) == 5000:
            Elector.objects.bulk_update(batch, ["code_hash", "code_issued_on", "codes_issued"], batch_size=500)
            batch = []
    Elector.objects.bulk_update(batch, ["code_hash", "code_issued_on", "codes_issued"], batch_size=500)
    Spent.objects.bulk_create(
        Spent(elector_id=by_code[s.credential][0], ballot_id=s.ballot_id, category=by_code[s.credential][1], spent_on=s.spent_on)
        for s in Legacy.objects.all().iterator()
        if s.credential in by_code
    )
    rng = secrets.SystemRandom()
    for ballot in Ballot.objects.all():
        rows = list(Cast.objects.filter(ballot=ballot).values_list("ranking", "category"))
        rng.shuffle(rows)
        if ballot.status in ("counted", "published"):
            ballot.key_custody = "server"
            Paper.objects.bulk_create(Paper(ballot=ballot, category=c, ranking=r) for r, c in rows)
        elif ballot.status == "draft" and not ballot.in_app:
            ballot.key_custody = "trustees"
            ballot.threshold = 1
            if ballot.created_by_id:
                Trustee.objects.create(ballot=ballot, user_id=ballot.created_by_id, index=1)
        else:
            ballot.key_custody = "server"
            ballot.threshold = 0
            if ballot.status != "draft":
                key = sealing.key_from_secret(keys.server_ballot_secret(ballot.pk, ballot.created_at.isoformat()))
                ballot.public_key = key.public_bytes
                ballot.key_fingerprint = key.fingerprint
                n = Candidate.objects.filter(ballot=ballot).count()
                info = sealing.info_for(ballot.pk)
                papers = []
                for ranking, category in rows:
                    sealed = sealing.seal(key.public_bytes, info, ranking, n)
                    papers.append(Sealed(ballot=ballot, sealed=sealed, tracker=sealing.tracker(sealed), category=category))
                Sealed.objects.bulk_create(papers)
        ballot.save()


class Migration(migrations.Migration):

    dependencies = [
        ("ballots", "0002_ballot_branch_ballot_in_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("SpentCredential", "LegacySpentCredential"),
        migrations.AddField(
            model_name="ballot",
            name="key_custody",
            field=models.CharField(
                choices=[
                    ("trustees", "Trustees: k of n must give their shares to count"),
                    ("server", "Server: a key derived from the server's secret (not in the database)"),
                ],
                default="trustees",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="threshold",
            field=models.PositiveSmallIntegerField(default=1, help_text="trustees needed to count (k)"),
        ),
        migrations.AddField(model_name="ballot", name="public_key", field=models.BinaryField(blank=True, null=True)),
        migrations.AddField(model_name="ballot", name="key_fingerprint", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(model_name="ballot", name="count_progress", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="ballot", name="board_head", field=models.CharField(blank=True, max_length=64)),
        migrations.AlterField(
            model_name="ballot",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("opening", "Opening: freezing the electorate"),
                    ("open", "Open"),
                    ("closed", "Closed: the sealed box waits for the count"),
                    ("counted", "Counted"),
                    ("published", "Published"),
                ],
                default="draft",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="elector", name="code_hash", field=models.CharField(blank=True, max_length=64, null=True, unique=True)
        ),
        migrations.AddField(model_name="elector", name="code_issued_on", field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name="elector", name="codes_issued", field=models.PositiveSmallIntegerField(default=0)),
        migrations.CreateModel(
            name="SpentCredential",
            fields=[
                (
                    "elector",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="ballots.elector",
                    ),
                ),
                ("category", models.CharField(max_length=24)),
                ("spent_on", models.DateField()),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="ballots.ballot"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="SealedBallot",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=groundswell.ballots.models.random_key, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("sealed", models.BinaryField()),
                ("tracker", models.CharField(max_length=64)),
                ("category", models.CharField(max_length=24)),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="sealed_ballots", to="ballots.ballot"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("ballot", "tracker"), name="one_paper_per_tracker")]
            },
        ),
        migrations.CreateModel(
            name="Paper",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=groundswell.ballots.models.random_key, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("category", models.CharField(max_length=24)),
                ("ranking", models.JSONField(null=True)),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="papers", to="ballots.ballot"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Trustee",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("index", models.PositiveSmallIntegerField()),
                ("share_fingerprint", models.CharField(blank=True, max_length=64)),
                ("share_pending", models.BinaryField(blank=True, null=True)),
                ("downloaded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ballot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="trustees", to="ballots.ballot"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["ballot", "index"],
                "constraints": [
                    models.UniqueConstraint(fields=("ballot", "index"), name="trustee_index_unique"),
                    models.UniqueConstraint(fields=("ballot", "user"), name="trustee_once_per_ballot"),
                ],
            },
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel("LegacySpentCredential"),
        migrations.DeleteModel("CastBallot"),
        migrations.RemoveField(model_name="elector", name="credential"),
    ]
