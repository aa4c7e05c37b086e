"""Ballots: elections run by a returning officer, one secret vote per eligible person.

Secrecy is structural. An `Elector` (who may vote, with their credential) and a
`CastBallot` (how someone voted) share no key, no sequence and no timestamp finer than
the day: cast ballots have random UUID keys and a random tracker; the credential is spent
by inserting it into `SpentCredential`, whose primary key makes a second use impossible
at the database level.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Ballot(models.Model):
    class Method(models.TextChoices):
        FPTP = "fptp", "First past the post"
        IRV = "irv", "Instant-runoff (alternative vote)"
        STV = "stv", "Single transferable vote (Scottish rules)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPENING = "opening", "Opening: freezing the electorate"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed: counting"
        COUNTED = "counted", "Counted"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    branch = models.ForeignKey(
        "members.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="only members of this branch may vote (empty: the whole party)",
    )
    in_app = models.BooleanField(
        default=False,
        help_text="electors vote signed in to Groundswell (motion votes); no credential is emailed",
    )
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.IRV)
    seats = models.PositiveSmallIntegerField(default=1)
    eligible_categories = models.JSONField(default=list)
    freeze_date = models.DateField(help_text="who may vote is fixed as of this date")
    min_membership_days = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    electorate_size = models.PositiveIntegerField(default=0)
    electorate_by_category = models.JSONField(default=dict, blank=True)
    credentials_sent = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_accepting_votes(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Candidate(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(help_text="order on the ballot paper, from 0")

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "name"], name="candidate_names_unique"),
            models.UniqueConstraint(fields=["ballot", "position"], name="candidate_positions_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Elector(models.Model):
    """One person entitled to vote in one ballot, frozen at opening, with their credential."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="electors")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=24)
    credential = models.CharField(max_length=32, unique=True)
    credential_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "person"], name="one_elector_per_person")]

    def __str__(self) -> str:
        return f"elector {self.pk} of {self.ballot_id}"


class SpentCredential(models.Model):
    """A used credential. Its primary key is the credential, so the database refuses a
    second use even when two casts race from two processes."""

    credential = models.CharField(max_length=32, primary_key=True)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    spent_on = models.DateField()

    def __str__(self) -> str:
        return f"spent on {self.spent_on}"


class CastBallot(models.Model):
    """A vote as cast: the ranking, the elector category, a tracker. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="cast_ballots")
    ranking = models.JSONField(help_text="candidate positions, first preference first")
    category = models.CharField(max_length=24)
    tracker = models.CharField(max_length=40, unique=True)
    cast_on = models.DateField()

    def __str__(self) -> str:
        return f"ballot {self.tracker}"


class PublishedFile(models.Model):
    """A file published with the result: the shuffled ballots and the trackers, with the
    SHA-256 that anyone can check a download against."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=80)
    content_type = models.CharField(max_length=60)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "name"], name="published_file_names_unique")]

    def __str__(self) -> str:
        return self.name
