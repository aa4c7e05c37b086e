"""The ground game: constituencies and their results, the electoral register, postcodes,
and canvass sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Constituency(models.Model):
    """A Westminster constituency (2010-2023 boundaries), organised by one branch."""

    ons_code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    county = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    country = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    branch = models.OneToOneField(
        "members.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="constituency"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"

    def __str__(self) -> str:
        return self.name


class Election(models.Model):
    polling_day = models.DateField(unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["-polling_day"]

    def __str__(self) -> str:
        return self.name


class Result(models.Model):
    """One constituency at one election. `votes` maps party code to votes."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="results")
    electorate = models.PositiveIntegerField()
    votes = models.JSONField()
    total_votes = models.PositiveIntegerField()
    winner = models.CharField(max_length=5)
    runner_up = models.CharField(max_length=5, blank=True)
    majority = models.PositiveIntegerField()
    turnout = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "constituency"], name="one_result_per_seat")
        ]

    def __str__(self) -> str:
        return f"{self.constituency} {self.election.polling_day.year}"


class Postcode(models.Model):
    """A postcode's location: OS Code-Point Open (`groundswell import-postcodes`), or a
    postcode file the organisation imports."""

    postcode = models.CharField(max_length=8, primary_key=True)  # "DE22 1AB"
    latitude = models.FloatField()
    longitude = models.FloatField()
    country = models.CharField(max_length=1, blank=True, default="")  # E, W, S (Code-Point's country)

    def __str__(self) -> str:
        return self.postcode


class PostcodeArea(models.Model):
    """The centre of a postcode sector ("DE22 1") or district ("DE22"): where an unknown
    full postcode is taken to be, and said so."""

    code = models.CharField(max_length=6, primary_key=True)
    kind = models.CharField(max_length=8)  # sector or district
    latitude = models.FloatField()
    longitude = models.FloatField()
    postcodes = models.PositiveIntegerField()
    country = models.CharField(max_length=1, blank=True, default="")

    def __str__(self) -> str:
        return self.code


class PollingDistrict(models.Model):
    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="polling_districts")
    code = models.CharField(max_length=6)
    lists_named = models.PositiveIntegerField(
        default=0, help_text="walk lists ever named in this district: a new list's number follows it"
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["constituency", "code"], name="district_code_unique")]

    def __str__(self) -> str:
        return self.code


class Household(models.Model):
    """One address: everyone on the register at the same address lines and postcode."""

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="+")
    polling_district = models.ForeignKey(PollingDistrict, on_delete=models.CASCADE, related_name="households")
    key = models.CharField(max_length=400)
    address_1 = models.CharField(max_length=120)
    address_2 = models.CharField(max_length=120, blank=True)
    address_3 = models.CharField(max_length=120, blank=True)
    address_4 = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    street = models.CharField(max_length=120, blank=True)
    house_number = models.PositiveIntegerField(null=True, blank=True)
    house_suffix = models.CharField(max_length=4, blank=True)
    flat = models.CharField(max_length=30, blank=True)
    building = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["constituency", "key"], name="household_key_unique")]
        indexes = [models.Index(fields=["polling_district", "street", "house_number"])]

    def __str__(self) -> str:
        return ", ".join(x for x in (self.address_1, self.address_2, self.postcode) if x)


class Elector(models.Model):
    """A person on the electoral register. Never deleted: one who is gone from a newer
    register is marked `left_on`, so contact records made with them are kept."""

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="+")
    polling_district = models.ForeignKey(PollingDistrict, on_delete=models.CASCADE, related_name="electors")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="electors")
    elector_number = models.CharField(max_length=12)
    number_sort = models.PositiveBigIntegerField()
    markers = models.CharField(max_length=10, blank=True)
    attainer_date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    register_version = models.PositiveIntegerField(default=1)
    left_on = models.DateField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["polling_district", "elector_number"], name="elector_number_unique"
            )
        ]
        indexes = [models.Index(fields=["constituency", "register_version"])]

    def __str__(self) -> str:
        return f"{self.polling_district}-{self.elector_number} {self.first_name} {self.last_name}".strip()


class RegisterImport(models.Model):
    """One import of a constituency's register: its version number and what it changed."""

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="register_imports")
    version = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "version"], name="register_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.constituency} register v{self.version}"


class CanvassSession(models.Model):
    """A canvass session: a time and a meeting place in a seat, with a number of places."""

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=120)
    meeting_point = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    signed_up = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["constituency", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(signed_up__lte=F("capacity")), name="session_not_overfull"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.constituency})"

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.signed_up)


class SessionSignup(models.Model):
    session = models.ForeignKey(CanvassSession, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_signups"
    )
    signed_up_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_signup_per_person")]

    def __str__(self) -> str:
        return f"{self.user} at {self.session}"


# -- walk lists, contacts, polling day --------------------------------------------------------


class WalkList(models.Model):
    """Doors in walking order. Canvass lists come from cutting the register; knock-up lists
    from the pledges not yet marked as voted on polling day."""

    class Kind(models.TextChoices):
        CANVASS = "canvass", "Canvass"
        KNOCKUP = "knockup", "Knock-up"

    constituency = models.ForeignKey(Constituency, on_delete=models.CASCADE, related_name="walk_lists")
    polling_district = models.ForeignKey(PollingDistrict, on_delete=models.CASCADE, related_name="walk_lists")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CANVASS)
    name = models.CharField(max_length=40)
    doors = models.PositiveIntegerField(default=0)
    electors = models.PositiveIntegerField(default=0)
    route_length_m = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["polling_district__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["constituency", "name"], name="walk_list_name_unique_in_seat")
        ]

    def __str__(self) -> str:
        return self.name


class WalkListDoor(models.Model):
    walk_list = models.ForeignKey(WalkList, on_delete=models.CASCADE, related_name="stops")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["walk_list", "position"]
        constraints = [models.UniqueConstraint(fields=["walk_list", "household"], name="door_once_per_list")]

    def __str__(self) -> str:
        return f"{self.walk_list} #{self.position}"


class WalkListAssignment(models.Model):
    walk_list = models.ForeignKey(WalkList, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="walk_lists")
    session = models.ForeignKey(
        CanvassSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["walk_list", "user"], name="assigned_once")]

    def __str__(self) -> str:
        return f"{self.walk_list} -> {self.user}"


class Contact(models.Model):
    """What a door said. The id is made by the phone, so a resend is recognised, not doubled."""

    CODES = ("LAB", "CON", "LD", "UKIP", "GRN", "SNP", "PC", "OTH", "DK", "WS", "AG", "NI", "MV", "RF", "DNK")
    PARTIES = ("LAB", "CON", "LD", "UKIP", "GRN", "SNP", "PC", "OTH")

    id = models.UUIDField(primary_key=True)
    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="contacts")
    walk_list = models.ForeignKey(
        WalkList, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    canvasser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    CHANNELS = (("door", "Doorstep"), ("phone", "Phone"), ("friend", "Friend (relational)"))
    channel = models.CharField(
        max_length=8, choices=CHANNELS, default="door", help_text="doorstep, phone, or a volunteer's friend"
    )
    code = models.CharField(max_length=4)
    previous_vote = models.CharField(max_length=4, blank=True)
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    issues = models.CharField(max_length=300, blank=True)
    pledged = models.BooleanField(default=False)
    postal_vote = models.BooleanField(default=False)
    lift = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(help_text="when the canvasser recorded it, on the phone")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["elector", "recorded_at"]),
            models.Index(fields=["walk_list", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.elector_id}: {self.code}"


class RegisterCorrection(models.Model):
    """A canvasser's report that someone new lives at an address, or that an elector moved."""

    class Kind(models.TextChoices):
        NEW = "new", "New elector at this address"
        MOVED = "moved", "Elector has moved away"

    id = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=6, choices=Kind.choices)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    elector = models.ForeignKey(Elector, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, default="pending")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"


class VoteMark(models.Model):
    """A tellers' return: this elector has voted (polling day)."""

    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="vote_mark")
    marked_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, default="teller")

    def __str__(self) -> str:
        return f"{self.elector_id} voted"
