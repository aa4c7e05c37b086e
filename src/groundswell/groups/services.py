"""Writes for groups and boards. Every one checks its policy first (groups.policies), so
pages, API and demo go through the same rules."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from groundswell.accounts.policies import Refused, RuleError
from groundswell.accounts.services import audit_record
from groundswell.groups import policies, selectors
from groundswell.groups.models import (
    GroupDigest,
    GroupEvent,
    GroupMember,
    Post,
    Response,
    Share,
    WorkingGroup,
)
from groundswell.members.models import Person


class GroupError(RuleError):
    """Input a group or board cannot take; the message says which field and why."""


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")


def _no_contact_details(label: str, text: str) -> None:
    """Contact goes through the exchange (both sides agree, each chooses what to show), so a
    post may not carry a phone number or an email address for anyone who reads the board."""
    if _EMAIL.search(text or ""):
        raise GroupError(
            f"{label}: take out the email address; contacts are exchanged only when you accept a response"
        )
    for m in _PHONE.finditer(text or ""):
        if sum(c.isdigit() for c in m.group()) >= 10:
            raise GroupError(
                f"{label}: take out the phone number; contacts are exchanged only when you accept a response"
            )


def _text(label: str, text: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise GroupError(f"{label}: write something")
    if len(text) > limit:
        raise GroupError(f"{label}: at most {limit} characters")
    return text


@transaction.atomic
def group_create(
    *, user, name: str, purpose: str, branch=None, join_policy: str = "open", visibility: str = "party"
) -> WorkingGroup:
    """Starts a group; its creator (if a member) is its first facilitator."""
    policies.may_create(user, branch=branch)
    if join_policy not in WorkingGroup.JoinPolicy.values:
        raise GroupError("join policy: choose open, request or invite")
    if visibility not in WorkingGroup.Visibility.values:
        raise GroupError("visibility: choose party, members or hidden")
    group = WorkingGroup.objects.create(
        name=_text("name", name, 120),
        purpose=_text("purpose", purpose, 5000),
        branch=branch,
        join_policy=join_policy,
        visibility=visibility,
        created_by=user,
    )
    person = getattr(user, "person", None)
    if person is not None:
        GroupMember.objects.create(
            group=group, person=person, status=GroupMember.Status.ACTIVE, facilitator=True
        )
    audit_record(actor=user, action="group.create", target=f"group:{group.pk}")
    return group


@transaction.atomic
def group_join(*, user, group: WorkingGroup) -> GroupMember:
    """Open: in at once. Request: waits for a facilitator. Invite: only an invitation
    (accepted here) lets you in."""
    person = policies.may_join(user, group)
    place = GroupMember.objects.select_for_update().filter(group=group, person=person).first()
    if place is not None and place.status == GroupMember.Status.INVITED:
        place.status, place.since = GroupMember.Status.ACTIVE, timezone.now()
        place.save(update_fields=["status", "since"])
        return place
    if place is not None:
        return place
    if group.join_policy == WorkingGroup.JoinPolicy.INVITE:
        raise Refused("groups.invite_only", "this group is by invitation only", status=403)
    status = (
        GroupMember.Status.ACTIVE
        if group.join_policy == WorkingGroup.JoinPolicy.OPEN
        else GroupMember.Status.REQUESTED
    )
    return GroupMember.objects.create(group=group, person=person, status=status)


@transaction.atomic
def group_approve(*, user, group: WorkingGroup, person_id: int) -> GroupMember:
    policies.may_facilitate(user, group)
    place = (
        GroupMember.objects.select_for_update()
        .filter(group=group, person_id=person_id, status=GroupMember.Status.REQUESTED)
        .first()
    )
    if place is None:
        raise Refused("groups.no_request", "nobody by that id asked to join", status=404)
    place.status, place.since = GroupMember.Status.ACTIVE, timezone.now()
    place.save(update_fields=["status", "since"])
    audit_record(actor=user, action="group.approve", target=f"group:{group.pk}", detail={"person": person_id})
    return place


@transaction.atomic
def group_invite(*, user, group: WorkingGroup, person: Person) -> GroupMember:
    policies.may_facilitate(user, group)
    if not selectors.eligible(person, group):
        raise GroupError("that person is not a current member of the group's branch")
    place, created = GroupMember.objects.get_or_create(
        group=group, person=person, defaults={"status": GroupMember.Status.INVITED}
    )
    if not created and place.status == GroupMember.Status.REQUESTED:
        place.status = GroupMember.Status.ACTIVE
        place.save(update_fields=["status"])
    audit_record(actor=user, action="group.invite", target=f"group:{group.pk}", detail={"person": person.pk})
    return place


@transaction.atomic
def group_leave(*, user, group: WorkingGroup) -> None:
    """Leaving (or declining an invitation, or withdrawing a request) removes the place."""
    person = getattr(user, "person", None)
    if person is not None:
        GroupMember.objects.filter(group=group, person=person).delete()


@transaction.atomic
def group_remove(*, user, group: WorkingGroup, person_id: int) -> None:
    """A facilitator removes a member (or refuses a request)."""
    policies.may_facilitate(user, group)
    GroupMember.objects.filter(group=group, person_id=person_id).delete()
    audit_record(actor=user, action="group.remove", target=f"group:{group.pk}", detail={"person": person_id})


@transaction.atomic
def group_mute(*, user, group: WorkingGroup, muted: bool) -> GroupMember:
    """A member stops (or restarts) the group's mail-outs to them."""
    place = selectors.place_of(user, group)
    if place is None:
        raise Refused("groups.not_member", "you are not in this group", status=404)
    place.muted = muted
    place.save(update_fields=["muted"])
    return place


def group_mailout(*, user, group: WorkingGroup, subject: str, body: str):
    """Emails the group's members who have not muted it and who consented to email, through
    the mail-outs outbox (batches, unsubscribe link, resumable)."""
    policies.may_mailout(user, group)
    from groundswell.mailouts.services import mailout_create

    return mailout_create(user=user, subject=subject, body=body, segment="group", group=group)


# ---- the solidarity board


@transaction.atomic
def post_create(
    *,
    user,
    kind: str,
    title: str,
    body: str = "",
    topic: str = "other",
    group: WorkingGroup | None = None,
    branch=None,
) -> Post:
    person = policies.may_post(user, group=group, branch=branch)
    if kind not in Post.Kind.values:
        raise GroupError("kind: choose request or offer")
    if topic not in Post.Topic.values:
        raise GroupError("topic: choose lift, childcare, foodbank, form or other")
    _no_contact_details("title", title)
    _no_contact_details("details", body)
    return Post.objects.create(
        group=group,
        branch=None if group is not None else branch,
        author=person,
        kind=kind,
        topic=topic,
        title=_text("title", title, 200),
        body=(body or "").strip()[:5000],
    )


def _share(person: Person, share: str) -> str:
    if share not in Share.values:
        raise GroupError("contact: choose email or phone")
    if not (person.phone if share == Share.PHONE else person.email):
        other = "email" if share == Share.PHONE else "phone"
        if not (person.email if share == Share.PHONE else person.phone):
            raise GroupError(
                "contact: your record has no email address or phone number to exchange; "
                "ask your branch organiser to add one"
            )
        raise GroupError(f"contact: your record has no {share}; choose {other}")
    return share


@transaction.atomic
def response_create(*, user, post: Post, message: str = "", share: str) -> Response:
    """Answers a post, saying which of your details you would share. The poster sees it only
    if they accept (and they choose which of theirs you see)."""
    person = policies.may_respond(user, post)
    share = _share(person, share)
    response, created = Response.objects.get_or_create(
        post=post,
        responder=person,
        defaults={"message": (message or "").strip()[:2000], "responder_shares": share},
    )
    if not created and response.status == Response.Status.WITHDRAWN:
        response.status, response.responder_shares = Response.Status.PENDING, share
        response.message = (message or "").strip()[:2000]
        response.save(update_fields=["status", "responder_shares", "message"])
    return response


@transaction.atomic
def response_accept(*, user, response: Response, share: str) -> Response:
    """The poster accepts: both chosen details are now shown to the other side."""
    response = Response.objects.select_for_update().select_related("post", "post__author").get(pk=response.pk)
    policies.may_decide(user, response)
    response.poster_shares = _share(response.post.author, share)
    response.status, response.decided_at = Response.Status.ACCEPTED, timezone.now()
    response.save(update_fields=["poster_shares", "status", "decided_at"])
    return response


@transaction.atomic
def response_decline(*, user, response: Response) -> Response:
    response = Response.objects.select_for_update().select_related("post").get(pk=response.pk)
    policies.may_decide(user, response)
    response.status, response.decided_at = Response.Status.DECLINED, timezone.now()
    response.save(update_fields=["status", "decided_at"])
    return response


@transaction.atomic
def post_close(*, user, post: Post) -> Post:
    policies.may_close(user, post)
    if post.closed_at is None:
        post.closed_at = timezone.now()
        post.save(update_fields=["closed_at"])
    return post


@transaction.atomic
def post_hide(*, user, post: Post, reason: str) -> Post:
    """A moderator hides an abusive post (with a reason moderators see); audited."""
    policies.may_moderate(user, post)
    post.hidden_at, post.hidden_by = timezone.now(), user
    post.hidden_reason = _text("reason", reason, 300)
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    audit_record(
        actor=user, action="board.hide", target=f"post:{post.pk}", detail={"reason": post.hidden_reason}
    )
    return post


# ---- group events


@transaction.atomic
def group_event_propose(
    *,
    user,
    group: WorkingGroup,
    title: str,
    place: str,
    starts_at,
    ends_at,
    kind: str = "meeting",
    capacity: int | None = None,
    description: str = "",
) -> GroupEvent:
    """A member proposes an event of the group. A facilitator's (or a national admin's) is
    approved at once; anyone else's is seen only by them and the facilitators until one
    approves it."""
    from groundswell.events.services import event_create_for_group

    if not selectors.may_facilitate(user, group):
        policies.may_propose_event(user, group)  # who may, before what they typed
    if starts_at <= timezone.now():
        when = timezone.localtime(starts_at)
        raise GroupError(f"day and time: the event must start in the future, not {when:%-d %B %Y %H:%M}")
    if ends_at <= starts_at:
        raise GroupError("hours: the event must end after it starts")
    if selectors.may_facilitate(user, group):
        mine = selectors.place_of(user, group)
        person = mine.person if mine is not None else None
        approved = True
    else:
        person = policies.may_propose_event(user, group)
        approved = False
    event = event_create_for_group(
        user=user,
        branch=group.branch,
        kind=kind,
        title=title,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        visibility="branch" if group.branch_id else "members",
        description=description or f"An event of {group.name}.",
        pending=not approved,
    )
    now = timezone.now()
    ge = GroupEvent.objects.create(
        group=group,
        event=event,
        proposed_by=person,
        approved_at=now if approved else None,
        approved_by=user if approved else None,
    )
    audit_record(
        actor=user,
        action="group.event_propose" if not approved else "group.event_create",
        target=f"group:{group.pk}",
        detail={"event": event.pk},
    )
    return ge


@transaction.atomic
def group_event_approve(*, user, group_event: GroupEvent) -> GroupEvent:
    from groundswell.events.services import event_approve

    group_event = (
        GroupEvent.objects.select_for_update().select_related("group", "event").get(pk=group_event.pk)
    )
    policies.may_approve_event(user, group_event.group)
    if group_event.approved_at is None:
        event_approve(event=group_event.event)
        group_event.approved_at, group_event.approved_by = timezone.now(), user
        group_event.save(update_fields=["approved_at", "approved_by"])
        audit_record(
            actor=user,
            action="group.event_approve",
            target=f"group:{group_event.group_id}",
            detail={"event": group_event.event_id},
        )
    return group_event


@transaction.atomic
def group_event_decline(*, user, group_event: GroupEvent) -> None:
    """A facilitator turns a proposal down: it goes (nobody but its proposer ever saw it)."""
    group_event = (
        GroupEvent.objects.select_for_update().select_related("group", "event").get(pk=group_event.pk)
    )
    policies.may_approve_event(user, group_event.group)
    if group_event.approved_at is not None:
        raise Refused("groups.approved", "this event is approved: cancel it on its page instead", status=409)
    event = group_event.event
    group_event.delete()
    event.delete()
    audit_record(actor=user, action="group.event_decline", target=f"group:{group_event.group_id}")


# ---- digests


def digest_period(now) -> tuple[str, object, object]:
    """The ISO week before `now`'s: its label ("2026-W47") and its start and end (Monday 00:00
    local time, end exclusive)."""
    from datetime import datetime, time, timedelta

    tz = timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    this_monday = today - timedelta(days=today.weekday())
    start_day = this_monday - timedelta(days=7)
    year, week, _ = start_day.isocalendar()
    start = datetime.combine(start_day, time(0), tz)
    end = datetime.combine(this_monday, time(0), tz)
    return f"{year}-W{week:02d}", start, end


def group_digests_send(*, now=None) -> int:
    """Each group's weekly digest of last week's new board posts and approved events,
    through the mail-outs outbox (so only members who consented to email and have not muted
    the group get it, with an unsubscribe link, resumable after a crash). At most one digest
    per group per week whoever runs this and however often: the GroupDigest row is claimed
    first. Returns how many digests were queued."""
    from django.db import IntegrityError

    from groundswell.mailouts.services import mailout_create

    now = now or timezone.now()
    period, start, end = digest_period(now)
    queued = 0
    done = set(GroupDigest.objects.filter(period=period).values_list("group_id", flat=True))
    for group in WorkingGroup.objects.exclude(pk__in=done).order_by("pk"):
        posts, events = selectors.digest_items(group, start, end)
        try:
            with transaction.atomic():
                digest = GroupDigest.objects.create(
                    group=group, period=period, items=len(posts) + len(events)
                )
                if not (posts or events):
                    continue
                lines = [f"What is new in {group.name}, week {period}:", ""]
                if posts:
                    lines.append("On the board:")
                    lines += [f"- {p.get_kind_display()}: {p.title}" for p in posts]
                if events:
                    lines.append("Events:")
                    for g in events:
                        when = timezone.localtime(g.event.starts_at)
                        lines.append(f"- {g.event.title}, {when:%A %d %B %H:%M}, {g.event.place}")
                lines += ["", "Mute the group's emails on its page at any time."]
                digest.mailout = mailout_create(
                    user=None,
                    subject=f"{group.name}: this week's digest"[:200],
                    body="\n".join(lines),
                    segment="group",
                    group=group,
                )
                digest.save(update_fields=["mailout"])
                queued += 1
        except IntegrityError:
            continue  # another run claimed this group's digest for the period
    return queued
