"""JSON endpoints for groups and the solidarity board: the same services and policies as
the pages (a hidden group is 404 here too; a contact detail appears only once accepted)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from groundswell.groups import selectors, services
from groundswell.groups.models import Post, Response, WorkingGroup

router = Router(tags=["groups"])


class GroupOut(Schema):
    id: int
    name: str
    purpose: str
    branch: str | None
    join_policy: str
    visibility: str
    my_status: str

    @staticmethod
    def of(g: WorkingGroup, user) -> GroupOut:
        place = selectors.place_of(user, g)
        return GroupOut(
            id=g.pk,
            name=g.name,
            purpose=g.purpose,
            branch=g.branch.ons_code if g.branch_id else None,
            join_policy=g.join_policy,
            visibility=g.visibility,
            my_status=place.status if place else "",
        )


class ResponseOut(Schema):
    id: int
    responder: str
    message: str
    status: str
    contact: str | None

    @staticmethod
    def of(r: Response, user) -> ResponseOut:
        return ResponseOut(
            id=r.pk,
            responder=r.responder.first_name,
            message=r.message,
            status=r.status,
            contact=selectors.contact_for(user, r),
        )


class PostOut(Schema):
    id: int
    group: int | None
    branch: int | None
    kind: str
    topic: str
    title: str
    body: str
    created_at: datetime
    closed: bool
    hidden: bool
    responses: list[ResponseOut]

    @staticmethod
    def of(p: Post, user, responses: bool = False) -> PostOut:
        return PostOut(
            id=p.pk,
            group=p.group_id,
            branch=p.branch_id,
            kind=p.kind,
            topic=p.topic,
            title=p.title,
            body=p.body,
            created_at=p.created_at,
            closed=bool(p.closed_at),
            hidden=bool(p.hidden_at),
            responses=[ResponseOut.of(r, user) for r in selectors.responses_seen_by(user, p)]
            if responses
            else [],
        )


def _group(request, group_id: int) -> WorkingGroup:
    g = selectors.visible_groups(request.user).filter(pk=group_id).first()
    if g is None:
        raise HttpError(404, "no such group")
    return g


def _post(request, post_id: int) -> Post:
    p = selectors.visible_post(request.user, post_id)
    if p is None:
        raise HttpError(404, "no such post")
    return p


@router.get("/groups", response=list[GroupOut])
def groups(request):
    """The groups the caller may see (a hidden group only for those in it or invited)."""
    return [GroupOut.of(g, request.user) for g in selectors.visible_groups(request.user)[:500]]


@router.get("/groups/{group_id}", response=GroupOut)
def group(request, group_id: int):
    return GroupOut.of(_group(request, group_id), request.user)


@router.post("/groups/{group_id}/join", response=GroupOut)
def group_join(request, group_id: int):
    g = _group(request, group_id)
    services.group_join(user=request.user, group=g)
    return GroupOut.of(g, request.user)


@router.post("/groups/{group_id}/mute", response=GroupOut)
def group_mute(request, group_id: int, muted: bool = True):
    """Stops (muted=false: restarts) the group's mail-outs to the caller."""
    g = _group(request, group_id)
    services.group_mute(user=request.user, group=g, muted=muted)
    return GroupOut.of(g, request.user)


@router.get("/groups/{group_id}/posts", response=list[PostOut])
def group_posts(request, group_id: int):
    g = _group(request, group_id)
    if not selectors.may_read_board(request.user, g):
        raise HttpError(403, "only the group's members read its board")
    return [PostOut.of(p, request.user) for p in selectors.board_posts(request.user, group=g)[:200]]


class PostIn(Schema):
    kind: str
    title: str
    body: str = ""
    topic: str = "other"


@router.post("/groups/{group_id}/posts", response={201: PostOut})
def group_post(request, group_id: int, payload: PostIn):
    g = _group(request, group_id)
    p = services.post_create(user=request.user, group=g, **payload.dict())
    return 201, PostOut.of(p, request.user)


@router.get("/posts/{post_id}", response=PostOut)
def post(request, post_id: int):
    """A post with the responses the caller may see, and a contact only once accepted."""
    return PostOut.of(_post(request, post_id), request.user, responses=True)


class RespondIn(Schema):
    share: str
    message: str = ""


@router.post("/posts/{post_id}/responses", response={201: ResponseOut})
def respond(request, post_id: int, payload: RespondIn):
    r = services.response_create(user=request.user, post=_post(request, post_id), **payload.dict())
    return 201, ResponseOut.of(r, request.user)


class AcceptIn(Schema):
    share: str


@router.post("/responses/{response_id}/accept", response=ResponseOut)
def accept(request, response_id: int, payload: AcceptIn):
    r = Response.objects.select_related("post").filter(pk=response_id).first()
    if r is None or selectors.visible_post(request.user, r.post_id) is None:
        raise HttpError(404, "no such response")
    r = services.response_accept(user=request.user, response=r, share=payload.share)
    return ResponseOut.of(r, request.user)


@router.post("/groups/{group_id}/leave")
def group_leave(request, group_id: int):
    """Leave the group (or withdraw a request, or decline an invitation)."""
    services.group_leave(user=request.user, group=_group(request, group_id))
    return {"left": True}


class GroupEventOut(Schema):
    event: int
    title: str
    starts_at: datetime
    place: str
    approved: bool


def _event_out(ge) -> GroupEventOut:
    return GroupEventOut(
        event=ge.event_id,
        title=ge.event.title,
        starts_at=ge.event.starts_at,
        place=ge.event.place,
        approved=ge.approved_at is not None,
    )


@router.get("/groups/{group_id}/events", response=list[GroupEventOut])
def group_events(request, group_id: int):
    """The group's events: approved ones, and those awaiting approval for the facilitators
    and their proposer only."""
    g = _group(request, group_id)
    return [_event_out(ge) for ge in selectors.group_events(request.user, g)[:200]]


class GroupEventIn(Schema):
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""


@router.post("/groups/{group_id}/events", response={201: GroupEventOut})
def group_event_propose(request, group_id: int, payload: GroupEventIn):
    g = _group(request, group_id)
    ge = services.group_event_propose(user=request.user, group=g, **payload.dict())
    return 201, _event_out(ge)


@router.post("/groups/{group_id}/events/{event_id}/approve", response=GroupEventOut)
def group_event_approve(request, group_id: int, event_id: int):
    g = _group(request, group_id)
    ge = selectors.group_events(request.user, g).filter(event_id=event_id).first()
    if ge is None:
        raise HttpError(404, "no such event")
    return _event_out(services.group_event_approve(user=request.user, group_event=ge))
