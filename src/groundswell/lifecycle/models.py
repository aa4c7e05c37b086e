"""The payments ledger (append-only), the rates, and the files it was imported from.

A membership's standing is never stored here: it is derived, as at any date, from the
ledger and the rates by groundswell.core.lifecycle (see selectors.standing_as_at)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from groundswell.members.models import Membership


class Rate(models.Model):
    """A published membership rate: standard, reduced, unwaged, youth; monthly or yearly."""

    name = models.CharField(max_length=40, unique=True)
    amount_pence = models.PositiveIntegerField()
    period_months = models.PositiveSmallIntegerField(default=1)
    grace_months = models.PositiveSmallIntegerField(
        default=6, help_text="months in arrears before a membership lapses (the rule book's)"
    )
    is_default = models.BooleanField(default=False, help_text="for memberships with no rate set")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="rate_positive"),
            models.CheckConstraint(condition=Q(period_months__gt=0), name="rate_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (£{self.amount_pence / 100:.2f} / {self.period_months} month(s))"


class Subscription(models.Model):
    """How a membership pays: its rate, and the payment references that identify it in files
    (a GoCardless mandate, a Stripe customer, a Bacs reference). The membership number is
    always a reference too."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="subscription")
    rate = models.ForeignKey(Rate, on_delete=models.PROTECT, related_name="+")
    references = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.membership_id} at {self.rate_id}"


class SourceFile(models.Model):
    """One imported file: its bytes' SHA-256 makes importing it twice a no-op."""

    class Format(models.TextChoices):
        GOCARDLESS = "gocardless", "GoCardless payments export (CSV)"
        STRIPE = "stripe", "Stripe payments export (CSV)"
        ARUDD = "arudd", "Bacs ARUDD report (XML): failed debits"
        ADDACS = "addacs", "Bacs ADDACS report (XML): cancelled mandates"
        BANK_CSV = "bank_csv", "Bank statement (CSV)"
        MT940 = "mt940", "Bank statement (SWIFT MT940)"
        OFX = "ofx", "Bank statement (OFX)"

    format = models.CharField(max_length=12, choices=Format.choices)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.JSONField(null=True, blank=True, help_text="branch ids the importer could see (null: all)")
    rows = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_format_display()})"


class Payment(models.Model):
    """One row of the ledger: a payment, a failed collection (negative) or a cancelled
    mandate (zero). Never updated or deleted: the database refuses (migration 0002)."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        FAILED = "failed", "Failed collection"
        MANDATE_CANCELLED = "mandate_cancelled", "Mandate cancelled"

    class Method(models.TextChoices):
        DIRECT_DEBIT = "direct_debit", "Direct Debit"
        CARD = "card", "Card"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount_pence = models.IntegerField(help_text="negative for a failed collection")
    paid_on = models.DateField(help_text="the value date in the file")
    method = models.CharField(max_length=16, choices=Method.choices)
    reference = models.CharField(max_length=140, blank=True)
    external_id = models.CharField(
        max_length=80, blank=True, help_text="the payment network's id, format-prefixed"
    )
    detail = models.CharField(max_length=140, blank=True, help_text="e.g. a Bacs return reason")
    source = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="payments")
    line = models.PositiveIntegerField()
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "line"], name="payment_one_row_per_line"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="payment_external_id_once"
            ),
        ]
        indexes = [models.Index(fields=["membership", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pounds} on {self.paid_on} ({self.reference})"

    @property
    def pounds(self) -> str:
        """The amount as an officer reads it: "£4.17", and for a failed collection or a
        charge-back "-£4.17" with a true minus sign, so it is not lost against a table's dash."""
        sign = "\u2212" if self.amount_pence < 0 else ""
        return f"{sign}£{abs(self.amount_pence) / 100:,.2f}"


class HandMatch(models.Model):
    """An officer's match of an unmatched payment to a membership (the ledger row stays as it
    was imported: a match is a row of its own, one per payment, audited)."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="hand_match")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="hand_matches")
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"payment {self.payment_id} -> membership {self.membership_id}"


class RulesVersion(models.Model):
    """One published version of a ballot's eligibility rules (a JSON document read by
    groundswell.core.lifecycle.eligibility). Never changed once published: a correction is a
    new version, and the database refuses UPDATE (and, on PostgreSQL, DELETE; migration 0005).
    A version is published only while the ballot is a draft and before it (and the supporter
    window it names) opens, so nobody learns the rules after they could have met them."""

    ballot = models.ForeignKey("ballots.Ballot", on_delete=models.PROTECT, related_name="rules_versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    note = models.CharField(max_length=300, blank=True, help_text="what changed, in words")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [models.UniqueConstraint(fields=["ballot", "number"], name="rules_version_once")]

    def __str__(self) -> str:
        return f"rules v{self.number} for ballot {self.ballot_id}"


class SupporterWindow(models.Model):
    """A registered-supporter sign-up window: the public page takes sign-ups only between
    `opens_at` and `closes_at` (2016: 48 hours in July, £25). Sign-ups are registered
    supporters of `branch` until an officer moves them."""

    slug = models.SlugField(max_length=40, unique=True, help_text="the short name rules refer to")
    name = models.CharField(max_length=120)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    fee_pence = models.PositiveIntegerField()
    declaration = models.TextField(
        default="I support the aims and values of the party, and I am not a member of another "
        "political party or a supporter of any organisation opposed to it."
    )
    branch = models.ForeignKey("members.Branch", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="window_closes_after"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def fee(self) -> str:
        return f"£{self.fee_pence / 100:.2f}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class SupporterSignup(models.Model):
    """A person's sign-up in a window: the declaration they ticked (its text as shown), the
    fee's payment reference, and the registered-supporter membership it made. One per email
    per window."""

    window = models.ForeignKey(SupporterWindow, on_delete=models.PROTECT, related_name="signups")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    email_key = models.CharField(max_length=254)
    declaration = models.TextField()
    fee_reference = models.CharField(max_length=60)
    signed_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window", "email_key"], name="signup_once_per_window")]

    def __str__(self) -> str:
        return f"sign-up {self.pk} in {self.window_id}"


class ElectorateFreeze(models.Model):
    """When a ballot's opening began (what the organisation knew then is what counts: a
    payment matched later does not change the frozen electorate), the rules version it used
    and how many people each rule left out (published with the result)."""

    ballot = models.OneToOneField("ballots.Ballot", on_delete=models.PROTECT, related_name="+")
    began_at = models.DateTimeField(default=timezone.now)
    rules_version = models.ForeignKey(
        RulesVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exclusions = models.JSONField(default=dict, blank=True, help_text="reason code -> people left out")
    electorate = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"freeze of ballot {self.ballot_id} at {self.began_at:%Y-%m-%d %H:%M}"


class ArrearsNotice(models.Model):
    """A reminder emailed to a member for one spell of arrears (the spell is named by the
    date it began), so a re-run of the task never sends it twice."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    arrears_since = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "arrears_since"], name="one_notice_per_spell")
        ]

    def __str__(self) -> str:
        return f"arrears reminder to {self.membership_id} for arrears since {self.arrears_since}"


class LapseEvent(models.Model):
    """A lapse, as derived from the ledger and the rate's grace period, recorded when the
    scheduled task first saw it (a fact for reports; standing itself is always derived)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    lapsed_on = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "lapsed_on"], name="one_lapse_event")]

    def __str__(self) -> str:
        return f"{self.membership_id} lapsed on {self.lapsed_on}"


class DailyRun(models.Model):
    """A scheduled job's run on one day, claimed by inserting this row, so the tick (every
    minute, on several machines) does the day's arrears pass once."""

    task = models.CharField(max_length=40)
    on = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "on"], name="one_run_a_day")]

    def __str__(self) -> str:
        return f"{self.task} on {self.on}"
