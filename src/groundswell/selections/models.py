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


class Affiliate(models.Model):
    """What kind of body an affiliated organisation (members.Affiliate) is, for the rules that
    care: a trade-union rule is met by a trade union's members, never by a socialist
    society's. An affiliate with no record here is of no known kind and meets no union rule."""

    class Kind(models.TextChoices):
        TRADE_UNION = "trade_union", "Trade union"
        SOCIALIST_SOCIETY = "society", "Socialist society"

    organisation = models.OneToOneField(
        "members.Affiliate", on_delete=models.PROTECT, related_name="selections_kind"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation.name} ({self.get_kind_display()})"

    @property
    def name(self) -> str:
        return self.organisation.name


class Nomination(models.Model):
    """One body's nomination in a selection: a branch (decided by a vote of its members in
    the app, through the ballots machinery) or an affiliate (a decision recorded with who
    made it, when, and the minutes it is in). One nomination per body per selection."""

    class Method(models.TextChoices):
        MEETING_VOTE = "meeting_vote", "Branch meeting vote"
        RECORDED = "recorded", "Recorded decision"

    class Status(models.TextChoices):
        VOTING = "voting", "Vote open"
        MADE = "made", "Nominated"

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="nominations")
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="nominations"
    )
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    affiliate = models.ForeignKey(
        Affiliate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    status = models.CharField(max_length=8, choices=Status.choices)
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="selection_nomination"
    )
    choices = models.JSONField(
        default=dict, blank=True, help_text="candidate name on the ballot -> application id"
    )
    decided_by = models.CharField(max_length=200, blank=True, help_text="who decided (a recorded decision)")
    decided_on = models.DateField(null=True, blank=True)
    minutes_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(branch__isnull=False, affiliate__isnull=True)
                | models.Q(branch__isnull=True, affiliate__isnull=False),
                name="nomination_from_one_body",
            ),
            models.UniqueConstraint(
                fields=["selection", "branch"],
                condition=models.Q(branch__isnull=False),
                name="one_branch_nomination",
            ),
            models.UniqueConstraint(
                fields=["selection", "affiliate"],
                condition=models.Q(affiliate__isnull=False),
                name="one_affiliate_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"nomination {self.pk} in {self.selection_id} ({self.status})"

    @property
    def body(self) -> str:
        return self.branch.name if self.branch_id else self.affiliate.name


class Hustings(models.Model):
    """A selection's hustings: an ordinary event (members RSVP as for any), linked here."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="hustings_events")
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="hustings")

    class Meta:
        ordering = ["event__starts_at", "pk"]

    def __str__(self) -> str:
        return f"hustings {self.event_id} for {self.selection_id}"


class TriggerBallot(models.Model):
    """Whether a sitting representative faces a full selection: each branch and affiliate
    section records its vote; the thresholds (exact fractions by kind of section, e.g. a
    third of branches OR a third of affiliates) decide, by core.selections.trigger."""

    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=160)
    representative = models.CharField(max_length=160, help_text="who sits now")
    thresholds = models.JSONField(default=dict, help_text='{"branch": "1/3", "affiliate": "1/3"}')
    published_at = models.DateTimeField(null=True, blank=True)
    triggered = models.BooleanField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, help_text="the published report, by section")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def fractions(self) -> dict[str, Fraction]:
        return {k: Fraction(v) for k, v in self.thresholds.items()}


class TriggerSection(models.Model):
    """One section's vote: counts recorded from its meeting (with the minutes reference), or
    a ballot of the branch's members in the app whose count fills them in."""

    class Kind(models.TextChoices):
        BRANCH = "branch", "Branch"
        AFFILIATE = "affiliate", "Affiliate"

    trigger = models.ForeignKey(TriggerBallot, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=160)
    affiliate = models.ForeignKey(
        Affiliate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    ballot = models.OneToOneField(
        "ballots.Ballot", null=True, blank=True, on_delete=models.PROTECT, related_name="trigger_section"
    )
    counted = models.BooleanField(default=False, help_text="its vote is in (recorded, or its ballot counted)")
    minutes_ref = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["trigger", "name"], name="one_section_name_per_trigger")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
