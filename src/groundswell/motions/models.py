"""Motions: proposed by a member in their branch, supported, amended, debated, voted on.

The vote itself is a `ballots.Ballot` (first past the post over For / Against / Abstain,
`in_app`, limited to the branch): eligibility, one vote each and secrecy are the ballot
machinery's, so a motion only points at its ballot.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MotionRules(models.Model):
    """The organisation's rules for motions (one row; national admins edit it in the admin)."""

    support_count = models.PositiveIntegerField(
        default=5, help_text="supports (besides the proposer) that send a motion to a vote"
    )
    support_share_percent = models.FloatField(
        default=0.0,
        help_text="or this share of the branch's members, whichever is larger (0 to ignore)",
    )
    vote_days = models.PositiveSmallIntegerField(default=7, help_text="how long a motion vote stays open")
    amendment_vote_days = models.PositiveSmallIntegerField(default=3)
    vote_categories = models.JSONField(
        default=list, blank=True, help_text='who votes on motions; empty means ["member"]'
    )

    class Meta:
        verbose_name = verbose_name_plural = "motion rules"

    def __str__(self) -> str:
        share = f" or {self.support_share_percent:g}% of members" if self.support_share_percent else ""
        return f"{self.support_count} supports{share}"

    @classmethod
    def current(cls) -> MotionRules:
        return cls.objects.get_or_create(pk=1)[0]

    def categories(self) -> list[str]:
        return list(self.vote_categories or ["member"])


class Motion(models.Model):
    class Status(models.TextChoices):
        GATHERING = "gathering", "Gathering support"
        AMENDING = "amending", "Voting on amendments"
        VOTING = "voting", "Voting"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"

    branch = models.ForeignKey(
        "members.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
        help_text="empty for a national (composite) motion",
    )
    proposer = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    subject = models.CharField(max_length=80, db_index=True)
    text = models.TextField(help_text="as it stands: amended once amendments are carried")
    proposed_text = models.TextField(help_text="as proposed (the last version), before amendments")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.GATHERING)
    supports_needed = models.PositiveIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0, help_text="supports of the current version")
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="motion"
    )
    composite = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sources",
        help_text="the national composite this motion was merged into",
    )
    sent_to_national_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["branch", "status", "-created_at"], name="motion_branch_status"),
            models.Index(fields=["status", "-created_at"], name="motion_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return self.branch_id is None


class Support(models.Model):
    """A member's support for one version of a motion (a new version starts again)."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "person", "version"], name="one_support_per_version")
        ]

    def __str__(self) -> str:
        return f"support for {self.motion_id} (version {self.version})"


class Amendment(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        VOTING = "voting", "Being voted on"
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"
        FELL = "fell", "Fell"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="amendments")
    proposer = models.ForeignKey("members.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    delete_text = models.TextField(blank=True, help_text="the passage replaced (empty: add at the end)")
    insert_text = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    against_version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    fell_because = models.CharField(max_length=200, blank=True)
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="amendment"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["motion", "created_at", "pk"]

    def __str__(self) -> str:
        return f"amendment {self.pk} to {self.motion_id}"


class Comment(models.Model):
    """Debate on a motion, threaded by `parent`. Moderators hide, never delete."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["motion", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.motion_id}"
