"""Mail-outs: an organiser's email to a segment of people who consented to email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class MailOut(models.Model):
    class Segment(models.TextChoices):
        BRANCH = "branch", "Members of a branch"
        CATEGORY = "category", "A category (members, supporters)"
        EVENT = "event", "People going to an event"
        MOTION = "motion", "Supporters of a motion"
        GROUP = "group", "A working group's members who have not muted it"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DONE = "done", "Sent"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    segment = models.CharField(max_length=10, choices=Segment.choices)
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=24, blank=True)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    motion = models.ForeignKey(
        "motions.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "groups.WorkingGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="recipients with consent when sending began")
    sent = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def percent(self) -> int:
        return (
            int(100 * self.sent / self.total)
            if self.total
            else (100 if self.status == self.Status.DONE else 0)
        )


class Delivery(models.Model):
    """One person's copy of a mail-out, in the outbox: claimed (sent_at empty) before it is
    sent, confirmed when the SMTP server accepts it. A re-run after a crash sends only the
    unconfirmed ones, with the same Message-ID (services.mailout_send)."""

    mailout = models.ForeignKey(MailOut, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="empty: claimed, not yet accepted by the SMTP server"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailout", "person"], name="one_delivery_per_person")]
        indexes = [
            models.Index(
                fields=["mailout"], name="delivery_unconfirmed", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"mail-out {self.mailout_id} to person {self.person_id}"
