"""JSON endpoints for phone banks: organisers build and watch; callers join, take the next
household and save its result (the same services as the pages)."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.members.models import Branch
from groundswell.reach import policies, referrals, selectors, services
from groundswell.reach.models import CallTarget, PhoneBank

router = Router(tags=["phone banks"])
MANAGERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)
SIGNED_IN = roles()


class BankIn(Schema):
    branch: str  # ONS code
    name: str
    busy_delay_minutes: int = 15
    no_answer_delay_hours: int = 4


class BankOut(Schema):
    id: int
    name: str
    branch: str
    code: str
    progress: dict


class HouseholdOut(Schema):
    id: int
    address: str
    name: str
    number: str
    history: list[dict]


class ResultIn(Schema):
    outcome: str
    code: str = ""
    previous_vote: str = ""
    likelihood: int | None = None
    issues: str = ""
    pledged: bool = False
    postal_vote: bool = False
    lift: bool = False
    notes: str = ""
    call_back_at: datetime | None = None


def _bank_out(bank: PhoneBank) -> BankOut:
    return BankOut(
        id=bank.pk,
        name=bank.name,
        branch=bank.branch.ons_code,
        code=bank.code,
        progress=selectors.bank_progress(bank),
    )


def _bank(code: str) -> PhoneBank:
    bank = PhoneBank.objects.filter(code=code.lower()).first()
    if bank is None:
        raise Refused("reach.no_bank", "no phone bank has that code", status=404)
    return bank


@router.post("/phonebanks", auth=MANAGERS, response={201: BankOut}, summary="Build a call list")
def bank_create(request, data: BankIn):
    branch = Branch.objects.filter(ons_code=data.branch).first()
    if branch is None:
        raise Refused("reach.branch", f"no branch {data.branch!r}", status=422)
    bank = services.phone_bank_create(
        user=request.auth,
        branch=branch,
        name=data.name,
        busy_delay_minutes=data.busy_delay_minutes,
        no_answer_delay_hours=data.no_answer_delay_hours,
    )
    return 201, _bank_out(bank)


@router.get("/phonebanks/{bank_id}", auth=MANAGERS, response=BankOut, summary="A phone bank's live progress")
def bank_detail(request, bank_id: int):
    bank = get_object_or_404(PhoneBank.objects.select_related("branch"), pk=bank_id)
    policies.may_see_bank(request.auth, bank)
    return _bank_out(bank)


@router.post("/call/{code}/join", auth=SIGNED_IN, response={204: None}, summary="Join a phone bank")
def call_join(request, code: str):
    services.phone_bank_join(user=request.auth, code=code)
    return 204, None


@router.post(
    "/call/{code}/next",
    auth=SIGNED_IN,
    response={200: HouseholdOut, 204: None},
    summary="Your household: the one you hold, or the next due (204: nobody is due now)",
)
def call_next(request, code: str):
    target = services.call_next(bank=_bank(code), user=request.auth)
    if target is None:
        return 204, None
    return 200, _household(target)


def _household(t: CallTarget) -> HouseholdOut:
    return HouseholdOut(
        id=t.pk,
        address=", ".join(x for x in (t.household.address_1, t.household.postcode) if x),
        name=f"{t.elector.first_name} {t.elector.last_name}".strip(),
        number=t.number,
        history=[
            {"at": c.recorded_at.isoformat(), "channel": c.channel, "code": c.code}
            for c in selectors.contact_history(t.elector_id)
        ],
    )


@router.post(
    "/call/{code}/targets/{target_id}/result",
    auth=SIGNED_IN,
    response={204: None},
    summary="Save a call's result (only for the household you hold)",
)
def call_result(request, code: str, target_id: int, data: ResultIn):
    survey = data.dict(exclude={"outcome", "call_back_at"})
    services.call_wrap_up(
        bank=_bank(code),
        user=request.auth,
        target_id=target_id,
        outcome=data.outcome,
        survey=survey,
        call_back_at=data.call_back_at,
    )
    return 204, None


# -- referral links: counts for the member, totals for branches (never who brought whom) ----


class MyReferralsOut(Schema):
    link: str | None
    joined: int
    event_replies: int


class ReferralTotalOut(Schema):
    branch: str
    joined: int
    event_replies: int
    referrers: int


@router.get(
    "/me/referrals",
    auth=SIGNED_IN,
    response=MyReferralsOut,
    tags=["referrals"],
    summary="Your referral link and how many came through it (counts only)",
)
def my_referrals(request):
    person = getattr(request.auth, "person", None)
    if person is None:
        return MyReferralsOut(link=None, joined=0, event_replies=0)
    link = request.build_absolute_uri(reverse("reach:referral", args=[referrals.link_token(person)]))
    return MyReferralsOut(link=link, **referrals.own_counts(person))


@router.get(
    "/referrals/totals",
    auth=MANAGERS,
    response=list[ReferralTotalOut],
    tags=["referrals"],
    summary="Sign-ups and event replies through members' links, per branch (totals only)",
)
def referral_totals(request):
    return referrals.totals(request.auth)
