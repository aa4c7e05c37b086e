"""Writes for groups and boards. Every one checks its policy first (groups.policies), so
pages, API and demo go through the same rules."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groundswell.accounts.policies import Refused, RuleError
from groundswell.accounts.services import audit_record
from groundswell.groups import policies, selectors
from groundswell.groups.models import GroupMember, Post, Response, Share, WorkingGroup
from groundswell.members.models import Person


class GroupError(RuleError):
    """Input a group or board cannot take; the message says which field and why."""


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
        raise GroupError(f"contact: your record has no {share}; choose the other")
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
