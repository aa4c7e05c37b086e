"""Vetting: excluding a person from a ballot's electorate, with a reason, notice and appeal.

In 2015 supporters were rejected with no reason and no appeal, and votes already cast were
cancelled. Here every exclusion names a published criterion and the evidence; one on
political grounds needs a second officer; the person is told the reason and a deadline,
and may appeal to a named panel, whose decision is recorded with reasons. While excluded
(and while an appeal could still reinstate them) their code casts only a tendered paper
(ballots.TenderedPaper), counted only if the appeal is allowed before the count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Criterion(models.Model):
    """A published reason for exclusion. Exclusion counts are published by criterion with
    the result. `political`: a judgement about someone's politics (support for another
    party, not sharing the aims and values), which needs a second officer to confirm."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    political = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Exclusion(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed: waits for a second officer (political grounds)"
        IN_FORCE = "in_force", "Excluded"
        REINSTATED = "reinstated", "Reinstated on appeal"

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="exclusions")
    evidence = models.TextField(help_text="what the officer relies on; the person is shown it")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_force_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateTimeField(null=True, blank=True)
    notified_by_email = models.BooleanField(default=False)
    refund_reference = models.CharField(max_length=140, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "person"], name="one_exclusion_per_ballot_and_person")
        ]
        indexes = [models.Index(fields=["ballot", "state"])]

    def __str__(self) -> str:
        return f"exclusion {self.pk} ({self.criterion_id})"

    def appeal_window_open(self, now=None) -> bool:
        """In force and before the deadline (whether an appeal was lodged is the Appeal's)."""
        now = now or timezone.now()
        return (
            self.state == self.State.IN_FORCE
            and self.appeal_deadline is not None
            and now < self.appeal_deadline
        )


class Appeal(models.Model):
    class Decision(models.TextChoices):
        ALLOWED = "allowed", "Allowed: reinstated"
        DISMISSED = "dismissed", "Dismissed: the exclusion stands"

    class Paper(models.TextChoices):
        ADMITTED = "admitted", "the tendered paper was admitted to the count"
        TOO_LATE = "too_late", "the count had begun: the tendered paper stayed set aside"
        NONE = "no_paper", "no tendered paper had been cast"

    exclusion = models.OneToOneField(Exclusion, on_delete=models.CASCADE, related_name="appeal")
    statement = models.TextField()
    lodged_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    paper = models.CharField(max_length=10, choices=Paper.choices, blank=True)

    class Meta:
        ordering = ["lodged_at", "pk"]
        indexes = [models.Index(fields=["decision"], condition=Q(decision=""), name="appeal_pending")]

    def __str__(self) -> str:
        return f"appeal {self.pk}"


class PanelMember(models.Model):
    """A member of the appeal panel, named by a national admin. Nobody decides an appeal
    against an exclusion they proposed or confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"panel member {self.user_id}"
