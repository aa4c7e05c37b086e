"""Selecting a branch's candidate: a published timetable, applications, the panel's
longlist/shortlist decisions (each with a reason) and the OMOV ballot made from the shortlist.

Applications are personal data (a statement, a self-declared gender): applicants and the
panel read them; the branch's members see only the confirmed shortlist.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils import timezone

from groundswell.core.selections.balance import BalanceRule
from groundswell.core.selections.eligibility import EligibilityRules
from groundswell.core.selections.timetable import Timetable


class Selection(models.Model):
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=160)
    applications_open = models.DateField()
    applications_close = models.DateField()
    shortlisting = models.DateField()
    hustings = models.DateField()
    ballot_opens = models.DateField()
    ballot_closes = models.DateField()
    min_months = models.PositiveIntegerField(default=0)
    union_required = models.BooleanField(default=False)
    balance_gender = models.CharField(max_length=16, blank=True, help_text="empty: no balance rule")
    balance_percent = models.PositiveSmallIntegerField(default=50)
    shortlist_confirmed_at = models.DateTimeField(null=True, blank=True)
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="selection"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-applications_open", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def timetable(self) -> Timetable:
        return Timetable(
            self.applications_open,
            self.applications_close,
            self.shortlisting,
            self.hustings,
            self.ballot_opens,
            self.ballot_closes,
        )

    @property
    def rules(self) -> EligibilityRules:
        return EligibilityRules(min_months=self.min_months, union_required=self.union_required)

    @property
    def balance_rule(self) -> BalanceRule | None:
        if not self.balance_gender:
            return None
        return BalanceRule(self.balance_gender, Fraction(self.balance_percent, 100))

    def stage_on(self, day: date) -> str:
        return self.timetable.stage_on(day)


class Application(models.Model):
    class Gender(models.TextChoices):
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non-binary", "Non-binary"
        NOT_STATED = "not stated", "Prefer not to say"

    class Status(models.TextChoices):
        APPLIED = "applied", "Received"
        LONGLISTED = "longlisted", "Longlisted"
        SHORTLISTED = "shortlisted", "Shortlisted"
        NOT_SELECTED = "not_selected", "Not taken forward"

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    statement = models.TextField()
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_STATED)
    trade_union = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["selection", "person"], name="one_application_each")]

    def __str__(self) -> str:
        return f"{self.person_id} for {self.selection_id} ({self.status})"


class Decision(models.Model):
    """One panel decision on one application at one stage, with the reason it was made."""

    class Stage(models.TextChoices):
        LONGLIST = "longlist", "Longlist"
        SHORTLIST = "shortlist", "Shortlist"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    include = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.stage} {'in' if self.include else 'out'} for {self.application_id}"
