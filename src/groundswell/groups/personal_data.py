"""What groups hold about a person: their places in groups, their posts and responses."""

from groundswell.groups.models import GroupEvent, GroupMember, Post, Response, WorkingGroup
from groundswell.members.personal_data import account_of, iso, null_user, register


def access(person) -> dict:
    return {
        "groups": [
            {"group": m.group.name, "status": m.status, "facilitator": m.facilitator, "muted": m.muted}
            for m in GroupMember.objects.filter(person=person).select_related("group").order_by("pk")
        ],
        "board_posts": [
            {
                "kind": p.kind,
                "topic": p.topic,
                "title": p.title,
                "body": p.body,
                "posted_at": iso(p.created_at),
                "closed_at": iso(p.closed_at),
                "hidden_at": iso(p.hidden_at),
            }
            for p in Post.objects.filter(author=person).order_by("pk")
        ],
        "board_responses": [
            {
                "post": r.post.title,
                "message": r.message,
                "you_share": r.responder_shares,
                "status": r.status,
                "responded_at": iso(r.created_at),
            }
            for r in Response.objects.filter(responder=person).select_related("post").order_by("pk")
        ],
        "group_events_proposed": [
            {"group": g.group.name, "event": g.event.title, "approved_at": iso(g.approved_at)}
            for g in GroupEvent.objects.filter(proposed_by=person)
            .select_related("group", "event")
            .order_by("pk")
        ],
    }


def erase(person) -> None:
    """Places, posts (with the responses to them) and responses go; a post someone hid keeps
    no link to the moderator's account once that moderator is erased."""
    GroupMember.objects.filter(person=person).delete()
    Response.objects.filter(responder=person).delete()
    Post.objects.filter(author=person).delete()
    account = account_of(person)
    null_user(Post, "hidden_by", account)
    null_user(WorkingGroup, "created_by", account)
    null_user(GroupEvent, "approved_by", account)
    GroupEvent.objects.filter(proposed_by=person).update(proposed_by=None)  # the event is the branch's


register(
    "groups",
    models=[
        "groups.WorkingGroup",
        "groups.GroupMember",
        "groups.Post",
        "groups.Response",
        "groups.GroupEvent",
    ],
    access=access,
    erase=erase,
)
