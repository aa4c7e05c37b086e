"""Ballots: elections run by a returning officer, one secret vote per eligible person.

Secrecy is structural (README, "The ballot box"). A paper is sealed to the ballot's public
key before it reaches the database (`SealedBallot`); the key's private half exists only when
k trustees give their shares at the count. The marked register (`SpentCredential`, one row
per elector who voted) is written in the same transaction as the sealed paper, so one vote
each holds at the database level. At the count the papers are opened in memory and written
in a random order, in one transaction, to `Paper`, which shares nothing with either.
"""

from __future__ import annotations

import secrets

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
        CLOSED = "closed", "Closed: the sealed box waits for the count"
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
    voted_by_category = models.JSONField(
        null=True, blank=True, help_text="the marked register's totals, at the close"
    )
    result = models.JSONField(null=True, blank=True)

    class Custody(models.TextChoices):
        TRUSTEES = "trustees", "Trustees: k of n must give their shares to count"
        SERVER = "server", "Server: a key derived from the server's secret (not in the database)"

    key_custody = models.CharField(max_length=10, choices=Custody.choices, default=Custody.TRUSTEES)
    threshold = models.PositiveSmallIntegerField(default=1, help_text="trustees needed to count (k)")
    public_key = models.BinaryField(null=True, blank=True)
    key_fingerprint = models.CharField(max_length=64, blank=True)
    count_progress = models.JSONField(default=dict, blank=True)
    board_head = models.CharField(max_length=64, blank=True)
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
    """One person entitled to vote in one ballot, frozen at opening.

    The voting code is never stored: only its keyed hash (HMAC-SHA256 under a key derived
    from the server's secret, which is not in the database), so a reader of the database
    can neither vote for anyone nor tell whose code is whose. A code exists only in the
    email or the printed letter that carries it; issuing a new one replaces the hash, so
    the old code stops working."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="electors")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=24)
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    code_issued_on = models.DateField(null=True, blank=True)
    codes_issued = models.PositiveSmallIntegerField(default=0)
    credential_sent_on = models.DateField(null=True, blank=True)
    must_tender = models.BooleanField(
        default=False,
        help_text="excluded (vetting) while the ballot runs: the code casts only a tendered paper, "
        "set aside and counted only if an appeal succeeds before the count",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "person"], name="one_elector_per_person")]
        indexes = [
            # the electors still to be sent a code, in key order: each batch of the sending
            # reads the next 500 from here, however large the ballot and its history
            models.Index(
                fields=["ballot", "id"],
                condition=models.Q(credential_sent_on__isnull=True),
                name="elector_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"elector {self.pk} of {self.ballot_id}"


class SpentCredential(models.Model):
    """The marked register: this elector has voted (not how). Its primary key is the
    elector, so the database refuses a second vote even when two casts race from two
    processes, and even with a reissued code. On SQLite the key is the row's rowid, so
    rows are stored by elector, not in the order people voted."""

    elector = models.OneToOneField(Elector, primary_key=True, on_delete=models.CASCADE, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=24)
    spent_on = models.DateField()

    def __str__(self) -> str:
        return f"voted on {self.spent_on}"


def random_key() -> int:
    """A random 63-bit primary key: the row's place (SQLite's rowid, an index order) says
    nothing about when it was written."""
    return secrets.randbits(63)


class SealedBallot(models.Model):
    """A paper as cast: sealed to the ballot's public key, with its tracker (the SHA-256 of
    the sealed bytes) and the elector category. No date, no link to the voter."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="sealed_ballots")
    sealed = models.BinaryField()
    tracker = models.CharField(max_length=64)
    category = models.CharField(max_length=24)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "tracker"], name="one_paper_per_tracker")]

    def __str__(self) -> str:
        return f"sealed ballot {self.tracker}"


class TenderedPaper(models.Model):
    """A paper cast by an elector excluded from the ballot (vetting) while an appeal could
    still reinstate them: sealed exactly like any other, but kept out of the box.

    Unlike a sealed ballot it names its elector: the set-aside must know whose appeal it
    waits on, so a database reader sees who tendered (never how: it is sealed). If the
    appeal is allowed before the count (`admitted`), the count opens it with the box and
    moves it into the box inside the one transaction that rewrites every sealed paper in a
    random order, deleting this row: after the count nothing pairs it with its voter (README,
    "Tendered ballots"). Otherwise it stays here, never opened; publishing erases its sealed
    bytes and only the number of tendered papers not admitted is published."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tendered_papers")
    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="tendered_paper")
    sealed = models.BinaryField(null=True, help_text="erased when the result is published")
    tracker = models.CharField(max_length=64)
    category = models.CharField(max_length=24)
    admitted = models.BooleanField(default=False, help_text="the appeal was allowed before the count")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "tracker"], name="one_tendered_paper_per_tracker")
        ]

    def __str__(self) -> str:
        return f"tendered paper {self.tracker}"


class Paper(models.Model):
    """A paper as opened at the count, written in a random order in one transaction:
    it shares no key, order, transaction or time with the sealed ballots or the marked
    register. `ranking` is null for a paper that did not open to a valid ranking."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="papers")
    category = models.CharField(max_length=24)
    ranking = models.JSONField(null=True)

    def __str__(self) -> str:
        return f"paper of {self.ballot_id}"


class Trustee(models.Model):
    """One holder of a share of a ballot's key; any `threshold` of them can count.

    The server keeps the share's fingerprint. Until the trustee downloads their share it is
    held sealed under the server's own key (derived from its secret, not in the database),
    then erased: the ballot's page says which shares the server still holds."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="trustees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveSmallIntegerField()
    share_fingerprint = models.CharField(max_length=64, blank=True)
    share_pending = models.BinaryField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ballot", "index"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "index"], name="trustee_index_unique"),
            models.UniqueConstraint(fields=["ballot", "user"], name="trustee_once_per_ballot"),
        ]

    def __str__(self) -> str:
        return f"trustee {self.index} of {self.ballot_id}"


class PublishedFile(models.Model):
    """A file published with the result (the board, the papers, the report...), with the
    SHA-256 that anyone can check a download against. Its bytes are in `PublishedChunk`s
    of 1 MiB: written and served as a stream, so memory stays flat however many papers,
    and every app server can serve them with no shared disk (backups include them)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=80)
    content_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "name"], name="published_file_names_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def content(self) -> bytes:
        """The whole file in memory: for small files and tests; pages stream the chunks."""
        return b"".join(bytes(d) for d in self.chunks.order_by("seq").values_list("data", flat=True))


class PublishedChunk(models.Model):
    file = models.ForeignKey(PublishedFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="published_chunk_order")]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.seq}"
