"""Phone banks: call lists built from the register, one household at a time per caller.

A phone result is a groundgame Contact with channel "phone" (one contact history with the
doorstep). Numbers on the Telephone Preference Service list are suppressed unless the
person's consent is recorded with its evidence; "do not call" is kept for ever unless the
person reverses it themselves.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone


class ElectorPhone(models.Model):
    """A phone number for an elector of the register (from a canvass, a petition, a data
    partner). The register itself carries none."""

    elector = models.OneToOneField("groundgame.Elector", on_delete=models.CASCADE, related_name="phone")
    number = models.CharField(max_length=20, db_index=True, help_text="normalised: +44...")
    source = models.CharField(max_length=60, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"elector {self.elector_id}"


class TpsNumber(models.Model):
    """A number on the Telephone Preference Service list (imported from the TPS file)."""

    number = models.CharField(max_length=20, unique=True)
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"TPS …{self.number[-4:]}"


class PhoneConsent(models.Model):
    """The person agreed to be called on this number: lifts TPS suppression. Evidence is
    required (where and how they agreed)."""

    number = models.CharField(max_length=20, db_index=True)
    evidence = models.CharField(max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"consent …{self.number[-4:]}"


class DoNotCall(models.Model):
    """An objection: this number is never called again, by any phone bank, until the person
    themselves reverses it (audited)."""

    number = models.CharField(max_length=20, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"do not call …{self.number[-4:]}"


class PhoneBank(models.Model):
    class Segment(models.TextChoices):
        ELECTORS = "electors", "Electors of the register with a phone number"
        MEMBERS = "members", "Members of the branch (to recruit volunteers)"
        BALLOT = "ballot", "Members of the branch entitled to vote in an open ballot"

    branch = models.ForeignKey("members.Branch", on_delete=models.CASCADE, related_name="phone_banks")
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=16, unique=True, help_text="callers join with it")
    segment = models.CharField(max_length=12, choices=Segment.choices, default=Segment.ELECTORS)
    ballot = models.ForeignKey(
        "ballots.Ballot",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="for a get-out-the-vote list: whose electorate is called",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    busy_delay_minutes = models.PositiveIntegerField(default=15)
    no_answer_delay_hours = models.PositiveIntegerField(default=4)
    opens = models.TimeField(default=time(9, 0), help_text="calling hours, local time")
    closes = models.TimeField(default=time(21, 0))

    def __str__(self) -> str:
        return self.name


class Caller(models.Model):
    bank = models.ForeignKey(PhoneBank, on_delete=models.CASCADE, related_name="callers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bank", "user"], name="reach_caller_once")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.bank_id}"


class CallTarget(models.Model):
    """A household (or, in a members' list, a member) in a phone bank: whose number, its
    recall state and who holds it now."""

    bank = models.ForeignKey(PhoneBank, on_delete=models.CASCADE, related_name="targets")
    household = models.ForeignKey(
        "groundgame.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    elector = models.ForeignKey(
        "groundgame.Elector", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    number = models.CharField(max_length=20)
    state = models.CharField(max_length=10, default="open")
    due_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    held_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_until = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=14, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "household"], name="reach_household_once"),
            models.UniqueConstraint(
                fields=["bank", "person"], condition=models.Q(person__isnull=False), name="reach_member_once"
            ),
        ]
        indexes = [
            models.Index(fields=["bank", "state", "due_at"]),
            models.Index(fields=["bank", "assigned_to"]),
        ]

    def __str__(self) -> str:
        return f"household {self.household_id} in {self.bank_id}"


class CallAttempt(models.Model):
    """Every call a caller wrapped up, answered or not (the phone bank's own log). A call
    that reached the person is also a groundgame Contact (channel "phone"): unanswered
    attempts are not, so four rings unanswered never overwrite a doorstep pledge as the
    elector's current view on the knock-up list."""

    bank = models.ForeignKey(PhoneBank, on_delete=models.CASCADE, related_name="attempts")
    target = models.ForeignKey(CallTarget, on_delete=models.CASCADE, related_name="+")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=14)
    result = models.CharField(max_length=16, blank=True, help_text="a member's answer (members' lists)")
    contact = models.UUIDField(
        null=True, blank=True, help_text="the contact record, when the person was reached"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["bank", "at"])]

    def __str__(self) -> str:
        return f"{self.outcome} at {self.at:%H:%M}"


class Friend(models.Model):
    """Relational organising: someone a volunteer knows, on the volunteer's private list.
    Only the owner reads it; the organisation sees totals, never names."""

    class Outcome(models.TextChoices):
        NOT_ASKED = "", "Not asked yet"
        WILL_VOTE = "will_vote", "Will vote"
        WILL_VOLUNTEER = "will_volunteer", "Will volunteer"
        JOINED = "joined", "Joined"
        NOT_INTERESTED = "not_interested", "Not interested"

    class Ask(models.TextChoices):
        NONE = "", "Nothing yet"
        VOTE = "vote", "Vote"
        VOLUNTEER = "volunteer", "Volunteer"
        JOIN = "join", "Join"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="friends")
    nickname = models.CharField(max_length=60)
    how_known = models.CharField(max_length=60, blank=True, help_text="family, workmate, neighbour ...")
    ask = models.CharField(max_length=10, choices=Ask.choices, blank=True, default="")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True, default="")
    elector = models.ForeignKey(
        "groundgame.Elector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="matched to the register, confirmed by the volunteer",
    )
    shared_contact = models.UUIDField(
        null=True, blank=True, help_text="the contact record the volunteer chose to share with the party"
    )
    asked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return f"friend {self.pk} of {self.owner_id}"


class ReferralLink(models.Model):
    """A member's personal link for the join/supporter pages and events: an unguessable
    token (not their id), so a link passed around says nothing about whose it is and
    nobody can make one up for someone else."""

    person = models.OneToOneField("members.Person", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"referral link of {self.person_id}"


class Referral(models.Model):
    """Someone came in through a member's link: a sign-up (`join`, one per person, the first
    referrer kept) or a reply to an event (`event`, one per reply). Nobody reads these row by
    row: the referrer sees their own counts, branches and national see totals. `branch` is
    the referrer's branch when it happened, so totals survive the referrer's erasure."""

    class Kind(models.TextChoices):
        JOIN = "join", "Signed up"
        EVENT = "event", "Replied to an event"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    referrer = models.ForeignKey("members.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    branch = models.ForeignKey("members.Branch", null=True, on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rsvp = models.ForeignKey("events.Rsvp", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(kind="join"), name="reach_first_referrer_kept"
            ),
            models.UniqueConstraint(
                fields=["rsvp"], condition=models.Q(kind="event"), name="reach_one_referral_per_reply"
            ),
        ]
        indexes = [models.Index(fields=["referrer", "kind"]), models.Index(fields=["branch", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} referral {self.pk}"


class ElectorObjection(models.Model):
    """An elector said "don't phone me" on the doorstep: every number we hold or later find
    for them goes on do-not-call. It stays: the person lifts only objections they made
    themselves on /me/calls/ (a number on a member record is no proof of whose it is)."""

    elector = models.OneToOneField("groundgame.Elector", on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"objection of elector {self.elector_id}"
