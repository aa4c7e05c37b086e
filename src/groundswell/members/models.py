"""Members and supporters: people, their memberships of branches, consents and imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Category(models.TextChoices):
    MEMBER = "member", "Member"
    REGISTERED_SUPPORTER = "registered_supporter", "Registered supporter"
    AFFILIATED_SUPPORTER = "affiliated_supporter", "Affiliated supporter"


class Branch(models.Model):
    """A constituency party: one per Westminster constituency, keyed by its ONS code."""

    ons_code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name


class Affiliate(models.Model):
    """An affiliated organisation (a trade union, a socialist society) that signs up supporters."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A human being, however many memberships they hold: one person, one vote.

    `email_key` and `name_key` are the normalised forms used to find duplicates.
    Erasure blanks the personal fields and keeps the row, so counts stay right.
    """

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    email_key = models.CharField(max_length=254, blank=True, db_index=True)
    name_key = models.CharField(max_length=260, blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    consent_email_on = models.DateField(null=True, blank=True, help_text="date email consent given")
    consent_phone_on = models.DateField(null=True, blank=True, help_text="date phone consent given")
    consent_data_processing_on = models.DateField(
        null=True, blank=True, help_text="date consent to data processing given"
    )
    synthetic = models.BooleanField(default=False, help_text="made up by the demo loader")
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    # What a members file sets: the order is the importer's column order.
    DETAIL_FIELDS = (
        "first_name", "last_name", "email", "email_key", "name_key", "phone", "postcode",
        "consent_email_on", "consent_phone_on", "consent_data_processing_on",
    )  # fmt: skip

    class Meta:
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        if self.erased_at:
            return f"(erased person {self.pk})"
        return f"{self.first_name} {self.last_name}".strip() or f"person {self.pk}"

    @property
    def consent_email(self) -> bool:
        return self.consent_email_on is not None

    @property
    def consent_phone(self) -> bool:
        return self.consent_phone_on is not None

    @property
    def consent_data_processing(self) -> bool:
        return self.consent_data_processing_on is not None


class Membership(models.Model):
    """One membership number: a category in a branch over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    membership_number = models.CharField(max_length=32, unique=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="memberships")
    category = models.CharField(max_length=24, choices=Category.choices, db_index=True)
    affiliate = models.ForeignKey(
        Affiliate, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField()
    lapsed_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            # covers the dashboard's counts of current memberships by branch and category
            models.Index(fields=["branch", "category", "lapsed_on"], name="membership_branch_cat_lapsed"),
            models.Index(fields=["category", "joined_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lapsed_on__isnull=True) | Q(lapsed_on__gte=models.F("joined_on")),
                name="membership_lapses_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(category="affiliated_supporter", affiliate__isnull=False)
                | (~Q(category="affiliated_supporter") & Q(affiliate__isnull=True)),
                name="affiliate_only_for_affiliated_supporters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_number} ({self.get_category_display()}, {self.branch})"


class DuplicateCandidate(models.Model):
    """Two person records that look like one human, waiting for someone to merge or dismiss."""

    class Reason(models.TextChoices):
        EMAIL = "email", "same email address"
        NAME_POSTCODE = "name_postcode", "same name and postcode"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    found_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="one_candidate_per_pair")]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id} ({self.get_reason_display()})"


class ImportJob(models.Model):
    """An uploaded members file on its way in: validation, then an all-or-nothing import."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        VALIDATING = "validating", "Checking every row"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected: nothing imported"
        FAILED = "failed", "Failed: nothing imported"

    class Kind(models.TextChoices):
        MEMBERS = "members", "Members"
        REGISTER = "register", "Electoral register"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MEMBERS)
    params = models.JSONField(
        default=dict, blank=True, help_text="what the importer needs, e.g. the constituency"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    path = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        # validation is the first half of the work, the import the second
        half = 50 if self.status == self.Status.IMPORTING else 0
        return min(99, half + int(50 * self.rows_done / self.rows_total))
