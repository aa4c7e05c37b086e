"""Who may do what with groups and boards: one function per action, called by the services.

A refusal for something the person may not even know exists answers 404 (a hidden group),
so the refusal itself does not confirm it is there.
"""

from __future__ import annotations

from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin
from groundswell.groups import selectors
from groundswell.groups.models import GroupMember, Post, Response, WorkingGroup
from groundswell.members.selectors import current_branch_ids, person_of


def _member(user):
    person = person_of(user)
    if person is None or person.erased_at:
        raise Refused("groups.member", "only members can do this", status=403)
    return person


def may_see(user, group: WorkingGroup) -> None:
    if not selectors.visible_groups(user).filter(pk=group.pk).exists():
        raise Refused("groups.not_found", "no such group", status=404)


def may_create(user, *, branch) -> None:
    if is_national_admin(user):
        return
    person = _member(user)
    if branch is None:
        raise Refused("groups.create", "only national admins start groups across branches", status=403)
    if branch.pk not in current_branch_ids(person):
        raise Refused("groups.create", "you can start a group only in your own branch", status=403)


def may_join(user, group: WorkingGroup):
    may_see(user, group)
    person = _member(user)
    if not selectors.eligible(person, group):
        raise Refused("groups.eligible", "this group is for current members of its branch", status=403)
    return person


def may_facilitate(user, group: WorkingGroup) -> None:
    may_see(user, group)
    if not selectors.may_facilitate(user, group):
        raise Refused("groups.facilitate", "only the group's facilitators can do this", status=403)


def may_read_board(user, group: WorkingGroup) -> None:
    may_see(user, group)
    if not selectors.may_read_board(user, group):
        raise Refused("groups.board", "only the group's members read its board", status=403)


def may_post(user, *, group: WorkingGroup | None, branch=None):
    person = _member(user)
    if group is not None:
        may_see(user, group)
        if not selectors.is_active_member(user, group):
            raise Refused("groups.post", "join the group to post on its board", status=403)
        if not selectors.eligible(person, group):
            raise Refused("groups.eligible", "your membership has lapsed: renew it to post", status=403)
    elif branch is None or branch.pk not in current_branch_ids(person):
        raise Refused("groups.post", "you can post only on your own branch's board", status=403)
    return person


def may_respond(user, post: Post):
    person = _member(user)
    if selectors.visible_post(user, post.pk) is None or post.hidden_at:
        raise Refused("groups.not_found", "no such post", status=404)
    if post.group_id and not selectors.is_active_member(user, post.group):
        raise Refused("groups.respond", "join the group to answer its board", status=403)
    if post.group_id and not selectors.eligible(person, post.group):
        raise Refused("groups.eligible", "your membership has lapsed: renew it to answer", status=403)
    if post.branch_id and post.branch_id not in current_branch_ids(person):
        raise Refused("groups.respond", "only the branch's members answer its board", status=403)
    if post.closed_at:
        raise Refused("groups.closed", "this post is closed", status=409)
    if post.author_id == person.pk:
        raise Refused("groups.own_post", "you cannot answer your own post", status=409)
    return person


def may_decide(user, response: Response) -> None:
    """Only the poster accepts or declines a response."""
    person = person_of(user)
    if person is None or response.post.author_id != person.pk:
        raise Refused("groups.decide", "only the person who posted can accept a response", status=403)
    if response.status != Response.Status.PENDING:
        raise Refused("groups.decided", "this response has already been answered", status=409)


def may_close(user, post: Post) -> None:
    person = person_of(user)
    if not ((person is not None and post.author_id == person.pk) or selectors.may_moderate_post(user, post)):
        raise Refused("groups.close", "only the poster or a moderator can close a post", status=403)


def may_moderate(user, post: Post) -> None:
    if not selectors.may_moderate_post(user, post):
        raise Refused("groups.moderate", "only the board's facilitators can hide posts", status=403)


def may_mailout(user, group: WorkingGroup) -> None:
    may_facilitate(user, group)


def status_of(place: GroupMember | None) -> str:
    return place.status if place is not None else ""


def may_propose_event(user, group: WorkingGroup):
    """A member of the group proposes an event (a facilitator's own needs no approval)."""
    may_see(user, group)
    person = _member(user)
    if not selectors.is_active_member(user, group):
        raise Refused("groups.event", "join the group to propose its events", status=403)
    if not selectors.eligible(person, group):
        raise Refused("groups.eligible", "your membership has lapsed: renew it to propose events", status=403)
    return person


def may_approve_event(user, group: WorkingGroup) -> None:
    may_facilitate(user, group)
