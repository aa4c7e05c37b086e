"""JSON endpoints for selections and trigger ballots: the same services, policies and
branch scoping as the pages (a selection of another branch is 404 here too; statements
only for the panel, and reading them all is audited)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from groundswell.selections import policies, selectors, services
from groundswell.selections.models import Affiliate, Application, Nomination, Selection, TriggerBallot

router = Router(tags=["selections"])


class EventOut(Schema):
    id: int
    title: str
    starts_at: datetime
    place: str


class NominationOut(Schema):
    id: int
    body: str
    kind: str  # branch or affiliate
    method: str
    status: str
    application: int | None
    decided_by: str
    decided_on: date | None
    minutes_ref: str
    ballot: int | None

    @staticmethod
    def of(n: Nomination) -> NominationOut:
        return NominationOut(
            id=n.pk,
            body=n.body,
            kind="branch" if n.branch_id else "affiliate",
            method=n.method,
            status=n.status,
            application=n.application_id,
            decided_by=n.decided_by,
            decided_on=n.decided_on,
            minutes_ref=n.minutes_ref,
            ballot=n.ballot_id,
        )


class MyApplicationOut(Schema):
    id: int
    status: str
    nominations: list[NominationOut]


class ShortlistedOut(Schema):
    name: str
    statement: str
    nominations: int


class SelectionOut(Schema):
    id: int
    title: str
    branch: str
    stage: str
    applications_open: date
    applications_close: date
    shortlisting: date
    hustings: date
    ballot_opens: date
    ballot_closes: date
    min_months: int
    union_required: bool
    hustings_events: list[EventOut]
    shortlist: list[ShortlistedOut]
    ballot: int | None
    ballot_status: str | None
    mine: MyApplicationOut | None

    @staticmethod
    def of(s: Selection, user) -> SelectionOut:
        mine = selectors.my_application(user, s)
        counts = selectors.nomination_counts(s)
        return SelectionOut(
            id=s.pk,
            title=s.title,
            branch=s.branch.ons_code,
            stage=s.stage_on(selectors.today()),
            applications_open=s.applications_open,
            applications_close=s.applications_close,
            shortlisting=s.shortlisting,
            hustings=s.hustings,
            ballot_opens=s.ballot_opens,
            ballot_closes=s.ballot_closes,
            min_months=s.min_months,
            union_required=s.union_required,
            hustings_events=[
                EventOut(id=e.pk, title=e.title, starts_at=e.starts_at, place=e.place)
                for e in selectors.hustings(s)
            ],
            shortlist=[
                ShortlistedOut(
                    name=f"{a.person.first_name} {a.person.last_name}".strip(),
                    statement=a.statement,
                    nominations=counts.get(a.pk, 0),
                )
                for a in selectors.published_shortlist(s)
            ],
            ballot=s.ballot_id,
            ballot_status=s.ballot.status if s.ballot_id else None,
            mine=MyApplicationOut(
                id=mine.pk,
                status=mine.status,
                nominations=[NominationOut.of(n) for n in selectors.nominations_of(mine)],
            )
            if mine
            else None,
        )


def _selection(request, selection_id: int) -> Selection:
    s = Selection.objects.select_related("branch", "ballot").filter(pk=selection_id).first()
    if s is None:
        raise HttpError(404, "no such selection")
    policies.may_see(request.user, s)
    return s


@router.get("/selections", response=list[SelectionOut])
def selection_list(request):
    """The selections of the caller's branches (all, for national admins): timetable, hustings,
    the confirmed shortlist and the caller's own application with its nominations."""
    return [SelectionOut.of(s, request.user) for s in selectors.visible_selections(request.user)[:100]]


@router.get("/selections/{selection_id}", response=SelectionOut)
def selection(request, selection_id: int):
    return SelectionOut.of(_selection(request, selection_id), request.user)


class DecisionOut(Schema):
    stage: str
    include: bool
    reason: str
    decided_at: datetime


class ApplicationOut(Schema):
    id: int
    name: str
    statement: str
    gender: str
    trade_union: str
    status: str
    decisions: list[DecisionOut]
    nominations: int


@router.get("/selections/{selection_id}/applications", response=list[ApplicationOut])
def applications(request, selection_id: int):
    """Every application with its decisions: the panel only; the read is audited."""
    s = _selection(request, selection_id)
    counts = selectors.nomination_counts(s)
    return [
        ApplicationOut(
            id=a.pk,
            name=f"{a.person.first_name} {a.person.last_name}".strip(),
            statement=a.statement,
            gender=a.gender,
            trade_union=a.trade_union,
            status=a.status,
            decisions=[
                DecisionOut(stage=d.stage, include=d.include, reason=d.reason, decided_at=d.decided_at)
                for d in a.decisions.all()
            ],
            nominations=counts.get(a.pk, 0),
        )
        for a in services.applications_for_panel(actor=request.user, selection=s)
    ]


class DecisionIn(Schema):
    stage: str
    include: bool
    reason: str


@router.post(
    "/selections/{selection_id}/applications/{application_id}/decisions", response={201: DecisionOut}
)
def decide(request, selection_id: int, application_id: int, payload: DecisionIn):
    s = _selection(request, selection_id)
    policies.may_decide(request.user, s)
    app = Application.objects.filter(pk=application_id, selection=s).first()
    if app is None:
        raise HttpError(404, "no such application")
    d = services.decision_record(actor=request.user, application=app, **payload.dict())
    return 201, DecisionOut(stage=d.stage, include=d.include, reason=d.reason, decided_at=d.decided_at)


@router.get("/selections/{selection_id}/nominations", response=list[NominationOut])
def nominations(request, selection_id: int):
    """Every nomination (and an open branch vote): the panel. An applicant reads their own
    in `mine` of the selection."""
    s = _selection(request, selection_id)
    policies.may_run_nominations(request.user, s)
    return [NominationOut.of(n) for n in s.nominations.select_related("branch", "affiliate__organisation")]


class NominationIn(Schema):
    application: int
    affiliate: int
    decided_by: str
    decided_on: date
    minutes_ref: str


@router.post("/selections/{selection_id}/nominations", response={201: NominationOut})
def nomination_record(request, selection_id: int, payload: NominationIn):
    """An affiliate's nomination as its meeting decided it (who, when, minutes)."""
    s = _selection(request, selection_id)
    policies.may_run_nominations(request.user, s)
    app = Application.objects.filter(pk=payload.application, selection=s).first()
    affiliate = Affiliate.objects.select_related("organisation").filter(pk=payload.affiliate).first()
    if app is None or affiliate is None:
        raise HttpError(422, "application and affiliate: choose one of each")
    n = services.nomination_record(
        actor=request.user,
        selection=s,
        application=app,
        affiliate=affiliate,
        decided_by=payload.decided_by,
        decided_on=payload.decided_on,
        minutes_ref=payload.minutes_ref,
    )
    return 201, NominationOut.of(n)


class TriggerOut(Schema):
    id: int
    title: str
    branch: str
    representative: str
    thresholds: dict[str, str]
    published: bool
    triggered: bool | None
    result: dict | None


@router.get("/triggers/{trigger_id}", response=TriggerOut)
def trigger(request, trigger_id: int):
    """A trigger ballot: its published result by section (the branch's members); before it
    is published its runners see the provisional outcome, members nothing of the counts."""
    t = TriggerBallot.objects.select_related("branch").filter(pk=trigger_id).first()
    if t is None:
        raise HttpError(404, "no such trigger ballot")
    policies.may_see_trigger(request.user, t)
    result = t.result
    if t.published_at is None:
        result = services.trigger_preview(t).report() if policies.is_trigger_runner(request.user, t) else None
    return TriggerOut(
        id=t.pk,
        title=t.title,
        branch=t.branch.ons_code,
        representative=t.representative,
        thresholds=t.thresholds,
        published=t.published_at is not None,
        triggered=t.triggered,
        result=result,
    )
