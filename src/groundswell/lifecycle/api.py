"""JSON endpoints for the membership lifecycle: the same capabilities and scoping as the pages.

Rates, a membership's standing as at a date and the unmatched queue are officers' (a branch
organiser sees only their branches' memberships and their own files' rows); a ballot's
rules and the supporter windows are public to read; rules are published by a ballot's
runners, windows made by national admins; a sign-up is anyone's while its window is open."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from groundswell.accounts.api_auth import csrf_if_signed_in, roles
from groundswell.accounts.models import Role
from groundswell.lifecycle import policies, selectors, services
from groundswell.lifecycle.models import SupporterWindow
from groundswell.members import selectors as members
from groundswell.web.client import client_address

router = Router(tags=["lifecycle"])

MANAGERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)
RUNNERS = roles(Role.NATIONAL_ADMIN, Role.RETURNING_OFFICER)
ADMIN = roles(Role.NATIONAL_ADMIN)


class RateOut(Schema):
    name: str
    amount_pence: int
    period_months: int
    grace_months: int
    is_default: bool


@router.get("/rates", response=list[RateOut], auth=MANAGERS)
def rates(request):
    from groundswell.lifecycle.models import Rate

    return [
        RateOut(name=r.name, amount_pence=r.amount_pence, period_months=r.period_months,
                grace_months=r.grace_months, is_default=r.is_default)
        for r in Rate.objects.order_by("name")
    ]  # fmt: skip


class StandingOut(Schema):
    membership_number: str
    on: date
    state: str
    paid_up_to: date | None
    in_arrears_since: date | None
    lapsed_on: date | None
    restored_on: date | None


@router.get("/memberships/{membership_id}/standing", response=StandingOut, auth=MANAGERS)
def standing(request, membership_id: int, on: date | None = None):
    """A membership's standing as at `on` (today by default), derived from the ledger."""
    m = members.visible_memberships(request.user).filter(pk=membership_id).first()
    if m is None:
        raise HttpError(404, "no such membership")
    policies.may_see_standing(request.user, m)
    on = on or timezone.localdate()
    s = selectors.standing_of(m, on)
    return StandingOut(
        membership_number=m.membership_number, on=on, state=s.state.value, paid_up_to=s.paid_up_to,
        in_arrears_since=s.in_arrears_since, lapsed_on=s.lapsed_on, restored_on=s.restored_on,
    )  # fmt: skip


class UnmatchedOut(Schema):
    id: int
    paid_on: date
    amount_pence: int
    kind: str
    reference: str
    file: str
    line: int


@router.get("/payments/unmatched", response=list[UnmatchedOut], auth=MANAGERS)
def unmatched(request, limit: int = 200):
    """The queue to match by hand: an organiser's own files' rows only, as on the page."""
    rows = selectors.unmatched_for(request.user)[: max(1, min(limit, 1000))]
    return [
        UnmatchedOut(id=p.pk, paid_on=p.paid_on, amount_pence=p.amount_pence, kind=p.kind,
                     reference=p.reference, file=p.source.filename, line=p.line)
        for p in rows
    ]  # fmt: skip


class RulesVersionOut(Schema):
    number: int
    document: dict
    note: str
    published_at: datetime


class RulesOut(Schema):
    ballot: int
    title: str
    versions: list[RulesVersionOut]  # newest (current) first
    exclusions: dict  # counts by reason, once the result is published


def _rules_out(ballot) -> RulesOut:
    from groundswell.ballots.models import Ballot

    versions = [
        RulesVersionOut(number=v.number, document=v.document, note=v.note, published_at=v.published_at)
        for v in selectors.rules_versions(ballot)
    ]
    counts = selectors.exclusion_counts(ballot) if ballot.status == Ballot.Status.PUBLISHED else {}
    return RulesOut(ballot=ballot.pk, title=ballot.title, versions=versions, exclusions=counts)


@router.get("/eligibility/{ballot_id}", response=RulesOut, auth=None)
def rules(request, ballot_id: int):
    """A ballot's published rules, every version (public, as the page)."""
    from groundswell.ballots.models import Ballot

    ballot = get_object_or_404(Ballot, pk=ballot_id, in_app=False)
    out = _rules_out(ballot)
    if not out.versions:
        raise HttpError(404, "no rules have been published for this ballot")
    return out


class RulesIn(Schema):
    document: dict
    note: str = ""
    confirm: bool = False


@router.post("/eligibility/{ballot_id}", response={201: RulesOut}, auth=RUNNERS)
def rules_publish(request, ballot_id: int, data: RulesIn):
    """Publishes a new version (428 until `confirm`: a version is public and final)."""
    from groundswell.ballots.models import Ballot

    ballot = get_object_or_404(Ballot, pk=ballot_id)
    services.rules_publish(user=request.user, ballot=ballot, document=data.document, note=data.note,
                           confirm=data.confirm)  # fmt: skip
    return 201, _rules_out(ballot)


class WindowOut(Schema):
    slug: str
    name: str
    opens_at: datetime
    closes_at: datetime
    fee_pence: int
    declaration: str
    is_open: bool


def _window_out(w: SupporterWindow) -> WindowOut:
    return WindowOut(slug=w.slug, name=w.name, opens_at=w.opens_at, closes_at=w.closes_at,
                     fee_pence=w.fee_pence, declaration=w.declaration, is_open=w.is_open())  # fmt: skip


@router.get("/supporter-windows", response=list[WindowOut], auth=None)
def windows(request):
    return [_window_out(w) for w in SupporterWindow.objects.all()[:100]]


class WindowIn(Schema):
    slug: str
    name: str
    opens_at: datetime
    closes_at: datetime
    fee_pence: int
    branch: str  # the ONS code of the branch new supporters belong to
    declaration: str = ""


@router.post("/supporter-windows", response={201: WindowOut}, auth=ADMIN)
def window_create(request, data: WindowIn):
    from groundswell.members.models import Branch

    branch = Branch.objects.filter(ons_code=data.branch).first()
    if branch is None:
        raise HttpError(400, f"branch: no branch {data.branch!r}")
    w = services.window_create(
        user=request.user, slug=data.slug, name=data.name, opens_at=data.opens_at, closes_at=data.closes_at,
        fee_pence=data.fee_pence, branch=branch, declaration=data.declaration,
    )  # fmt: skip
    return 201, _window_out(w)


class SignupIn(Schema):
    first_name: str
    last_name: str
    email: str
    postcode: str
    declared: bool
    fee_reference: str
    consent_email: bool = False


class SignupOut(Schema):
    registered: bool  # the same answer whether this email had signed up before
    window: str


@router.post("/supporter-windows/{slug}/signups", response=SignupOut, auth=None)
def signup(request, slug: str, data: SignupIn):
    """Anyone, while the window is open (409 outside it, 429 too often from one address)."""
    csrf_if_signed_in(request)
    window = get_object_or_404(SupporterWindow, slug=slug)
    services.supporter_signup(window=window, address=client_address(request), **data.dict())
    return SignupOut(registered=True, window=window.name)
