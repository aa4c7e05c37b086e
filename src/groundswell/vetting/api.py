"""JSON endpoints for vetting, over the same services as the pages: officers propose and
confirm exclusions and record refunds; the panel decides appeals; a person reads their own
exclusions and appeals. Role and ownership checks run before any input is parsed."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import SessionAuth

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.accounts.selectors import is_national_admin
from groundswell.ballots.models import Ballot
from groundswell.members.models import Person
from groundswell.members.selectors import person_of
from groundswell.vetting import policies, selectors, services
from groundswell.vetting.models import Appeal, Exclusion

router = Router(tags=["vetting"])
OFFICERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)
SIGNED_IN = roles()


class PanelAuth(SessionAuth):
    """The session, restricted to the appeal panel (and, to read, national admins)."""

    def __init__(self, *, admins_read: bool) -> None:
        super().__init__(csrf=True)
        self.admins_read = admins_read

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if policies.is_panel(user) or (self.admins_read and is_national_admin(user)):
            return user
        raise HttpError(403, "Only the appeal panel can do this.")


class OwnCaseAuth(SessionAuth):
    """The session, restricted to the person the exclusion in the path is about (404 to others)."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        match = getattr(request, "resolver_match", None)
        pk = (match.kwargs if match else {}).get("exclusion_id")
        person = person_of(user)
        if person is None or not Exclusion.objects.filter(pk=pk, person=person).exists():
            raise HttpError(404, "No such exclusion.")
        return user


class ExclusionOut(Schema):
    id: int
    ballot: int
    ballot_title: str
    person: int
    criterion: str
    criterion_label: str
    political: bool
    evidence: str
    state: str
    in_force_at: datetime | None
    appeal_deadline: datetime | None
    appeal: dict | None

    @staticmethod
    def of(ex: Exclusion) -> ExclusionOut:
        appeal = selectors.appeal_of(ex)
        return ExclusionOut(
            id=ex.pk,
            ballot=ex.ballot_id,
            ballot_title=ex.ballot.title,
            person=ex.person_id,
            criterion=ex.criterion.code,
            criterion_label=ex.criterion.label,
            political=ex.criterion.political,
            evidence=ex.evidence,
            state=ex.state,
            in_force_at=ex.in_force_at,
            appeal_deadline=ex.appeal_deadline,
            appeal=_appeal(appeal) if appeal else None,
        )


def _appeal(a: Appeal) -> dict:
    return {
        "id": a.pk,
        "statement": a.statement,
        "lodged_at": a.lodged_at.isoformat(),
        "decision": a.decision,
        "reasons": a.reasons,
        "paper": a.paper,
    }


class ProposeIn(Schema):
    ballot: int
    person: int
    criterion: str
    evidence: str
    confirm: bool = False  # a non-political exclusion is in force at once: without it, 428


class DecideIn(Schema):
    allow: bool
    reasons: str
    confirm: bool = False  # the decision is final: without it, 428 with what it would do


class AppealIn(Schema):
    statement: str


class RefundIn(Schema):
    reference: str


class RefundOut(Schema):
    exclusion: int
    person: int
    ballot: str
    amount_pence: int
    memberships: list[str]


@router.get("/vetting/exclusions", auth=OFFICERS, response=list[ExclusionOut], summary="Exclusion cases")
def exclusions(request, ballot: int | None = None):
    b = Ballot.objects.filter(pk=ballot).first() if ballot else None
    return [ExclusionOut.of(e) for e in services.exclusions_for_officer(actor=request.user, ballot=b)]


@router.post(
    "/vetting/exclusions", auth=OFFICERS, response={201: ExclusionOut}, summary="Propose an exclusion"
)
def propose(request, payload: ProposeIn):
    ballot = get_object_or_404(Ballot, pk=payload.ballot)
    person = Person.objects.filter(pk=payload.person).first()
    if person is None:
        raise HttpError(404, "No such person.")
    ex = services.exclusion_propose(
        actor=request.user,
        ballot=ballot,
        person=person,
        criterion=payload.criterion,
        evidence=payload.evidence,
        confirm=payload.confirm,
    )
    return 201, ExclusionOut.of(ex)


@router.post(
    "/vetting/exclusions/{exclusion_id}/confirm",
    auth=OFFICERS,
    response=ExclusionOut,
    summary="Confirm an exclusion on political grounds (a second officer)",
)
def confirm(request, exclusion_id: int):
    ex = get_object_or_404(Exclusion, pk=exclusion_id)
    return ExclusionOut.of(services.exclusion_confirm(actor=request.user, exclusion=ex))


@router.get(
    "/vetting/appeals", auth=PanelAuth(admins_read=True), response=list[ExclusionOut], summary="Appeals"
)
def appeals(request):
    return [ExclusionOut.of(a.exclusion) for a in services.appeals_for_panel(actor=request.user)]


@router.post(
    "/vetting/appeals/{appeal_id}/decide",
    auth=PanelAuth(admins_read=False),
    response=ExclusionOut,
    summary="Decide an appeal, with reasons (final: send confirm)",
)
def decide(request, appeal_id: int, payload: DecideIn):
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    appeal = services.appeal_decide(
        actor=request.user,
        appeal=appeal,
        allow=payload.allow,
        reasons=payload.reasons,
        confirm=payload.confirm,
    )
    return ExclusionOut.of(appeal.exclusion)


@router.get("/vetting/refunds", auth=OFFICERS, response=list[RefundOut], summary="Refunds owed")
def refunds(request):
    return [
        RefundOut(
            exclusion=r.exclusion.pk,
            person=r.exclusion.person_id,
            ballot=r.exclusion.ballot.title,
            amount_pence=r.amount_pence,
            memberships=list(r.memberships),
        )
        for r in selectors.refunds_owed(request.user)
    ]


@router.post(
    "/vetting/refunds/{exclusion_id}", auth=OFFICERS, response=ExclusionOut, summary="Record a refund as paid"
)
def refund(request, exclusion_id: int, payload: RefundIn):
    ex = get_object_or_404(Exclusion, pk=exclusion_id)
    return ExclusionOut.of(
        services.refund_record(actor=request.user, exclusion=ex, reference=payload.reference)
    )


@router.get(
    "/me/exclusions", auth=SIGNED_IN, response=list[ExclusionOut], summary="Your exclusions and appeals"
)
def mine(request):
    return [ExclusionOut.of(e) for e in selectors.my_exclusions(person_of(request.user))]


@router.post(
    "/me/exclusions/{exclusion_id}/appeal",
    auth=OwnCaseAuth(),
    response={201: ExclusionOut},
    summary="Appeal against your exclusion, before the deadline",
)
def appeal(request, exclusion_id: int, payload: AppealIn):
    ex = get_object_or_404(Exclusion, pk=exclusion_id)
    services.appeal_lodge(actor=request.user, exclusion=ex, statement=payload.statement)
    return 201, ExclusionOut.of(ex)
