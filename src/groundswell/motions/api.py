"""JSON endpoints for motions: the same services and rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from groundswell.ballots.models import Ballot
from groundswell.members.models import Branch
from groundswell.motions import selectors, services
from groundswell.motions.models import Comment, Motion

router = Router(tags=["motions"])


class MotionIn(Schema):
    branch: str  # ONS code
    title: str
    subject: str
    text: str


class VoteOut(Schema):
    ballot_id: int
    status: str
    closes_at: datetime
    counts: dict[str, int] | None = None
    cast: int | None = None
    electorate: int | None = None
    turnout_percent: float | None = None
    carried: bool | None = None


class AmendmentOut(Schema):
    id: int
    status: str
    delete_text: str
    insert_text: str
    diff: list[tuple[str, str]] | None
    vote: VoteOut | None


class MotionSummary(Schema):
    id: int
    title: str
    subject: str
    branch: str | None
    status: str
    support_count: int
    supports_needed: int
    created_at: datetime


class MotionOut(MotionSummary):
    text: str
    proposed_text: str
    version: int
    amendments: list[AmendmentOut]
    vote: VoteOut | None
    composited_from: list[int]


def _vote(ballot: Ballot | None) -> VoteOut | None:
    if ballot is None:
        return None
    out = VoteOut(ballot_id=ballot.pk, status=ballot.status, closes_at=ballot.closes_at)
    result = selectors.vote_result(ballot)
    if result:
        out.counts, out.cast, out.electorate = result.counts, result.cast, result.electorate
        out.turnout_percent, out.carried = round(result.turnout_percent, 2), result.carried
    return out


def _summary(m: Motion) -> dict:
    return {
        "id": m.pk,
        "title": m.title,
        "subject": m.subject,
        "branch": m.branch.ons_code if m.branch_id else None,
        "status": m.status,
        "support_count": m.support_count,
        "supports_needed": m.supports_needed,
        "created_at": m.created_at,
    }


def _out(m: Motion) -> MotionOut:
    amendments = [
        AmendmentOut(
            id=a.pk,
            status=a.status,
            delete_text=a.delete_text,
            insert_text=a.insert_text,
            diff=[(s.op, s.text) for s in d] if (d := selectors.amendment_diff(a, m.proposed_text)) else None,
            vote=_vote(a.ballot),
        )
        for a in m.amendments.select_related("ballot")
    ]
    return MotionOut(
        **_summary(m),
        text=m.text,
        proposed_text=m.proposed_text,
        version=m.version,
        amendments=amendments,
        vote=_vote(m.ballot),
        composited_from=list(m.sources.values_list("pk", flat=True)),
    )


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except services.MotionError as e:
        raise HttpError(400, str(e)) from None


@router.get("/motions", response=list[MotionSummary])
def motions(
    request,
    branch: str = "",
    status: str = "",
    subject: str = "",
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10**9),  # a negative slice used to be a 500
):
    branch_id = (
        Branch.objects.filter(ons_code=branch).values_list("pk", flat=True).first() if branch else None
    )
    qs = selectors.motions_list(branch_id=branch_id, status=status, subject=subject)
    return [_summary(m) for m in qs[offset : offset + limit]]


@router.get("/motions/{motion_id}", response=MotionOut)
def motion(request, motion_id: int):
    return _out(get_object_or_404(Motion.objects.select_related("branch", "ballot"), pk=motion_id))


@router.post("/motions", response={201: MotionOut})
def motion_propose(request, data: MotionIn):
    branch = get_object_or_404(Branch, ons_code=data.branch)
    m = _call(
        services.motion_propose,
        user=request.auth,
        branch=branch,
        title=data.title,
        subject=data.subject,
        text=data.text,
    )
    return 201, _out(m)


@router.post("/motions/{motion_id}/support", response=MotionOut)
def motion_support(request, motion_id: int):
    m = _call(services.motion_support, user=request.auth, motion=get_object_or_404(Motion, pk=motion_id))
    return _out(Motion.objects.get(pk=m.pk))


class AmendmentIn(Schema):
    delete_text: str = ""
    insert_text: str
    reason: str = ""


@router.post("/motions/{motion_id}/amendments", response={201: AmendmentOut})
def amendment_propose(request, motion_id: int, data: AmendmentIn):
    motion = get_object_or_404(Motion, pk=motion_id)
    a = _call(services.amendment_propose, user=request.auth, motion=motion, **data.dict())
    return 201, AmendmentOut(
        id=a.pk,
        status=a.status,
        delete_text=a.delete_text,
        insert_text=a.insert_text,
        diff=[(s.op, s.text) for s in selectors.amendment_diff(a, motion.proposed_text) or []],
        vote=None,
    )


class CommentIn(Schema):
    body: str
    parent: int | None = None


class CommentOut(Schema):
    id: int
    parent: int | None
    author: str
    body: str | None
    hidden: bool
    created_at: datetime


@router.get("/motions/{motion_id}/comments", response=list[CommentOut])
def comments(request, motion_id: int):
    motion = get_object_or_404(Motion, pk=motion_id)
    return [
        CommentOut(
            id=c.pk,
            parent=c.parent_id,
            author=c.author_name,
            body=c.body if c.visible_body else None,
            hidden=bool(c.hidden_at),
            created_at=c.created_at,
        )
        for c in selectors.visible_comments(motion, request.auth)
    ]


@router.post("/motions/{motion_id}/comments", response={201: CommentOut})
def comment_add(request, motion_id: int, data: CommentIn):
    motion = get_object_or_404(Motion, pk=motion_id)
    parent = get_object_or_404(Comment, pk=data.parent) if data.parent else None
    c = _call(services.comment_add, user=request.auth, motion=motion, body=data.body, parent=parent)
    return 201, CommentOut(
        id=c.pk, parent=c.parent_id, author=c.author_name, body=c.body, hidden=False, created_at=c.created_at
    )


class ChoiceIn(Schema):
    choice: str  # For, Against or Abstain


class ReceiptOut(Schema):
    tracker: str


@router.post("/motions/{motion_id}/votes/{ballot_id}", response=ReceiptOut)
def vote(request, motion_id: int, ballot_id: int, data: ChoiceIn):
    motion = get_object_or_404(Motion, pk=motion_id)
    ballot = next((b for b in services.open_ballots(motion) if b.pk == ballot_id), None)
    if ballot is None:
        raise HttpError(404, "no such vote on this motion")
    return ReceiptOut(
        tracker=_call(services.vote_cast, user=request.auth, ballot=ballot, choice=data.choice).tracker
    )


class CloseIn(Schema):
    confirm: bool = False  # needed before the advertised closing time (else 428 with consequences)


@router.post(
    "/motions/{motion_id}/close",
    response=MotionOut,
    summary="Close the open votes (before the advertised time only with confirm: true)",
)
def close(request, motion_id: int, payload: CloseIn | None = None):
    motion = get_object_or_404(Motion, pk=motion_id)
    _call(
        services.motion_close_votes,
        user=request.auth,
        motion=motion,
        confirm=bool(payload and payload.confirm),
    )
    return _out(Motion.objects.get(pk=motion_id))
