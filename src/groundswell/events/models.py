"""Events: rallies, canvass days, meetings and watch parties, with RSVPs and a waiting list."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Event(models.Model):
    class Kind(models.TextChoices):
        RALLY = "rally", "Rally"
        CANVASS_DAY = "canvass_day", "Canvass day"
        MEETING = "meeting", "Meeting"
        WATCH_PARTY = "watch_party", "Watch party"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Anyone (public)"
        MEMBERS = "members", "Members"
        BRANCH = "branch", "Members of the branch"

    branch = models.ForeignKey(
        "members.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="the branch running it (empty: a national event)",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    place = models.CharField(max_length=300)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="empty: no limit")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.MEMBERS)
    going_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    pending_approval = models.BooleanField(
        default=False,
        help_text="proposed by a volunteer (a working group's event): seen only by its proposer "
        "and the group's facilitators until one of them approves it",
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["branch", "starts_at"], name="event_branch_start"),
            models.Index(fields=["visibility", "starts_at"], name="event_visibility_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.going_count, 0)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Rsvp(models.Model):
    """One person's reply: going, or waiting in order of arrival. The token lets someone who
    replied by email alone see and cancel their place without an account."""

    class Status(models.TextChoices):
        GOING = "going", "Going"
        WAITING = "waiting", "On the waiting list"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254)
    email_key = models.CharField(max_length=254)
    status = models.CharField(max_length=10, choices=Status.choices)
    queued_at = models.DateTimeField(default=timezone.now, help_text="place in the waiting list")
    attended = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="when the day-before reminder was claimed for sending"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)

    class Meta:
        ordering = ["event", "queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "email_key"], name="one_rsvp_per_email")]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="rsvp_queue")]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_status_display()}"
