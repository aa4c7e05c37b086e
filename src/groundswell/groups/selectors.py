"""Reads for groups: who sees which group and board, and what each side of a response sees.

Everything a page, the API or a mail-out reads about a group goes through these, so a hidden
group is hidden by every route, not only by the page that lists it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.groups.models import GroupMember, Post, Response, Share, WorkingGroup
from groundswell.members.models import Person
from groundswell.members.selectors import current_branch_ids, person_of


def place_of(user, group: WorkingGroup) -> GroupMember | None:
    person = person_of(user)
    if person is None:
        return None
    return GroupMember.objects.filter(group=group, person=person).first()


def is_active_member(user, group: WorkingGroup) -> bool:
    place = place_of(user, group)
    return place is not None and place.status == GroupMember.Status.ACTIVE


def is_facilitator(user, group: WorkingGroup) -> bool:
    place = place_of(user, group)
    return place is not None and place.status == GroupMember.Status.ACTIVE and place.facilitator


def may_facilitate(user, group: WorkingGroup) -> bool:
    """Facilitators run their group; national admins any. A branch organiser is no
    facilitator: they moderate their branch's own board, not its members' groups."""
    return is_national_admin(user) or is_facilitator(user, group)


def eligible(person: Person | None, group: WorkingGroup) -> bool:
    """A current member of the group's branch (any branch for a group across branches)."""
    branches = current_branch_ids(person)
    return bool(branches) if group.branch_id is None else group.branch_id in branches


def visible_groups(user) -> QuerySet[WorkingGroup]:
    """Party-wide and listed groups for current members of a branch they cover (and the
    branch's organisers); a hidden group only for those in it or invited to it."""
    qs = WorkingGroup.objects.select_related("branch")
    if is_national_admin(user):
        return qs
    person = person_of(user)
    branches = current_branch_ids(person) | set(organised_branch_ids(user))
    allowed = Q(pk__in=[])
    if branches:
        allowed |= Q(visibility__in=[WorkingGroup.Visibility.PARTY, WorkingGroup.Visibility.MEMBERS]) & (
            Q(branch__isnull=True) | Q(branch_id__in=branches)
        )
    if person is not None:
        allowed |= Q(pk__in=GroupMember.objects.filter(person=person).values("group_id"))
    return qs.filter(allowed)


def may_read_board(user, group: WorkingGroup) -> bool:
    if is_national_admin(user) or is_active_member(user, group):
        return True
    return (
        group.visibility == WorkingGroup.Visibility.PARTY
        and visible_groups(user).filter(pk=group.pk).exists()
    )


def may_read_branch_board(user, branch_id: int) -> bool:
    return (
        is_national_admin(user)
        or branch_id in organised_branch_ids(user)
        or branch_id in current_branch_ids(person_of(user))
    )


def may_moderate_post(user, post: Post) -> bool:
    if post.group_id:
        return may_facilitate(user, post.group)
    return is_national_admin(user) or post.branch_id in organised_branch_ids(user)


def board_posts(user, *, group: WorkingGroup | None = None, branch_id: int | None = None) -> QuerySet[Post]:
    """A board's posts; hidden ones only for its moderators (and their author)."""
    qs = Post.objects.filter(group=group) if group is not None else Post.objects.filter(branch_id=branch_id)
    qs = qs.select_related("author", "group")
    moderator = (
        may_facilitate(user, group)
        if group is not None
        else (is_national_admin(user) or branch_id in organised_branch_ids(user))
    )
    if not moderator:
        person = person_of(user)
        qs = qs.filter(Q(hidden_at__isnull=True) | Q(author_id=getattr(person, "pk", 0)))
    return qs


def visible_post(user, post_id: int) -> Post | None:
    post = Post.objects.select_related("group", "author").filter(pk=post_id).first()
    if post is None:
        return None
    if post.group_id:
        readable = may_read_board(user, post.group)
    else:
        readable = may_read_branch_board(user, post.branch_id)
    if not readable:
        return None
    if post.hidden_at and not may_moderate_post(user, post):
        person = person_of(user)
        if person is None or post.author_id != person.pk:
            return None
    return post


def responses_seen_by(user, post: Post) -> QuerySet[Response]:
    """The poster (and moderators) see every response; a responder only their own."""
    person = person_of(user)
    qs = post.responses.select_related("responder")
    if person is not None and post.author_id == person.pk:
        return qs
    if may_moderate_post(user, post):
        return qs
    return qs.filter(responder_id=getattr(person, "pk", 0))


def _detail(person: Person, share: str) -> str:
    if person.erased_at:
        return ""
    return person.phone if share == Share.PHONE else person.email


def contact_for(user, response: Response) -> str | None:
    """The other side's chosen contact detail, for the poster or the responder, and only
    once the poster has accepted: never before, never to anyone else (moderators included)."""
    if response.status != Response.Status.ACCEPTED:
        return None
    person = person_of(user)
    if person is None:
        return None
    if person.pk == response.post.author_id:
        return _detail(response.responder, response.responder_shares)
    if person.pk == response.responder_id:
        return _detail(response.post.author, response.poster_shares)
    return None


def mailout_people(group: WorkingGroup) -> QuerySet[Person]:
    """Who a group's mail-out goes to before consent: its members who have not muted it.
    (mailouts.selectors.recipients then keeps only those who consented to email.)"""
    return Person.objects.filter(
        pk__in=GroupMember.objects.filter(group=group, status=GroupMember.Status.ACTIVE, muted=False).values(
            "person_id"
        )
    )


def group_events(user, group: WorkingGroup):
    """The group's events this user sees: approved ones to anyone who sees the group; those
    awaiting approval to its facilitators and to their proposer only."""
    from groundswell.groups.models import GroupEvent

    qs = GroupEvent.objects.filter(group=group, event__cancelled_at__isnull=True).select_related(
        "event", "proposed_by"
    )
    if may_facilitate(user, group):
        return qs
    person = person_of(user)
    return qs.filter(Q(approved_at__isnull=False) | Q(proposed_by_id=getattr(person, "pk", 0)))


def digest_items(group: WorkingGroup, start, end) -> tuple[list[Post], list]:
    """What is new in a group between `start` and `end`: posts on its board (not hidden) and
    its approved events."""
    from groundswell.groups.models import GroupEvent

    posts = list(
        Post.objects.filter(
            group=group, created_at__gte=start, created_at__lt=end, hidden_at__isnull=True
        ).order_by("created_at", "pk")
    )
    events = list(
        GroupEvent.objects.filter(
            group=group, approved_at__gte=start, approved_at__lt=end, event__cancelled_at__isnull=True
        )
        .select_related("event")
        .order_by("event__starts_at")
    )
    return posts, events
