"""Working groups and the solidarity board: requests and offers members post and answer.

Contact details are never copied here: a response records only *which* detail each side
chose to share (email or phone), and the value is read from the person's record when, and
only when, the poster has accepted the response (selectors.contact_for).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class WorkingGroup(models.Model):
    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Anyone who can see it joins at once"
        REQUEST = "request", "Ask to join; a facilitator approves"
        INVITE = "invite", "By a facilitator's invitation only"

    class Visibility(models.TextChoices):
        PARTY = "party", "Public within the party (any member reads it and its board)"
        MEMBERS = "members", "Listed; its board and members only for its members"
        HIDDEN = "hidden", "Hidden: only its members know it exists"

    name = models.CharField(max_length=120)
    purpose = models.TextField()
    branch = models.ForeignKey(
        "members.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="empty: a group across branches",
    )
    join_policy = models.CharField(max_length=8, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PARTY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """One person's place in a group: asked, invited, or in (a member or a facilitator)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked to join"
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Member"

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    facilitator = models.BooleanField(default=False)
    muted = models.BooleanField(default=False, help_text="no mail-outs from this group")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="one_place_per_group")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id} ({self.status})"


class Post(models.Model):
    """A request or an offer on a group's board or a branch's board (exactly one of the two)."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Request"
        OFFER = "offer", "Offer"

    class Topic(models.TextChoices):
        LIFT = "lift", "A lift"
        CHILDCARE = "childcare", "Childcare while canvassing"
        FOODBANK = "foodbank", "Food bank shift"
        FORM = "form", "Help with a form"
        OTHER = "other", "Something else"

    group = models.ForeignKey(
        WorkingGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    branch = models.ForeignKey(
        "members.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    topic = models.CharField(max_length=10, choices=Topic.choices, default=Topic.OTHER)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, branch__isnull=True)
                | Q(group__isnull=True, branch__isnull=False),
                name="post_on_one_board",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Share(models.TextChoices):
    EMAIL = "email", "My email address"
    PHONE = "phone", "My phone number"


class Response(models.Model):
    """Someone answering a post. Each side's chosen contact detail is shown to the other only
    once the poster has accepted (status ACCEPTED): the double opt-in."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the poster"
        ACCEPTED = "accepted", "Accepted: contact details exchanged"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="responses")
    responder = models.ForeignKey("members.Person", on_delete=models.CASCADE, related_name="+")
    message = models.TextField(blank=True)
    responder_shares = models.CharField(max_length=5, choices=Share.choices)
    poster_shares = models.CharField(max_length=5, choices=Share.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "responder"], name="one_response_per_person")]

    def __str__(self) -> str:
        return f"response {self.pk} to post {self.post_id}"


class GroupEvent(models.Model):
    """A group's event. One a facilitator (or an organiser) creates is visible at once; one a
    volunteer proposes waits (events.Event.pending_approval) until a facilitator approves."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="group_events")
    event = models.OneToOneField("events.Event", on_delete=models.CASCADE, related_name="group_link")
    proposed_by = models.ForeignKey(
        "members.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event__starts_at", "pk"]

    def __str__(self) -> str:
        return f"event {self.event_id} of group {self.group_id}"


class GroupDigest(models.Model):
    """One group's digest for one period (an ISO week, "2026-W47"): made at most once, so a
    second run of the scheduler for the same week sends nothing again. `mailout` is empty
    when there was nothing new to tell."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=10)
    items = models.PositiveIntegerField(default=0)
    mailout = models.ForeignKey(
        "mailouts.MailOut", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "group"]
        constraints = [models.UniqueConstraint(fields=["group", "period"], name="one_digest_per_period")]

    def __str__(self) -> str:
        return f"digest {self.period} of group {self.group_id}"
