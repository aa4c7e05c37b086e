"""JSON endpoints for phone banks: organisers build and watch; callers join, take the next
household and save its result (the same services as the pages)."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.accounts.policies import Refused
from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
from groundswell.ballots.models import Ballot
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
    segment: str = "electors"  # electors | members | ballot
    ballot: int | None = None  # the open ballot of a get-out-the-vote list


class BankOut(Schema):
    id: int
    name: str
    branch: str
    code: str
    segment: str
    progress: dict
    turnout: list[int] | None = None  # (voted, entitled): the ballot's, for those who see it


class HouseholdOut(Schema):
    id: int
    kind: str  # "household" (an elector of the register) or "member"
    address: str
    name: str
    number: str
    history: list[dict]


class ResultIn(Schema):
    outcome: str
    code: str = ""
    result: str = ""  # a member's answer (members' lists)
    previous_vote: str = ""
    likelihood: int | None = None
    issues: str = ""
    pledged: bool = False
    postal_vote: bool = False
    lift: bool = False
    notes: str = ""
    call_back_at: datetime | None = None


def _bank_out(bank: PhoneBank, user=None) -> BankOut:
    turnout = selectors.ballot_turnout_count(bank, user) if user is not None else None
    return BankOut(
        id=bank.pk,
        name=bank.name,
        branch=bank.branch.ons_code,
        code=bank.code,
        segment=bank.segment,
        progress=selectors.bank_progress(bank),
        turnout=list(turnout) if turnout else None,
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
    ballot = None
    if data.ballot is not None:
        ballot = Ballot.objects.filter(pk=data.ballot).first()
        if ballot is None:
            raise Refused("reach.ballot", f"no ballot {data.ballot}", status=422)
    bank = services.phone_bank_create(
        user=request.auth,
        branch=branch,
        name=data.name,
        busy_delay_minutes=data.busy_delay_minutes,
        no_answer_delay_hours=data.no_answer_delay_hours,
        segment=data.segment,
        ballot=ballot,
    )
    return 201, _bank_out(bank, request.auth)


@router.get("/phonebanks", auth=MANAGERS, response=list[BankOut], summary="Phone banks of your branches")
def bank_list(request):
    scope = None if is_national_admin(request.auth) else organised_branch_ids(request.auth)
    return [_bank_out(b) for b in selectors.banks_for(request.auth, branch_ids=scope)[:100]]


@router.get(
    "/phonebanks/{bank_id}",
    auth=MANAGERS,
    response=BankOut,
    summary="A phone bank's live dashboard: calls, people reached, results by code, callers active",
)
def bank_detail(request, bank_id: int):
    bank = get_object_or_404(PhoneBank.objects.select_related("branch"), pk=bank_id)
    policies.may_see_bank(request.auth, bank)
    return _bank_out(bank, request.auth)


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
    if t.person_id is not None:
        return HouseholdOut(
            id=t.pk,
            kind="member",
            address="",
            name=f"{t.person.first_name} {t.person.last_name}".strip(),
            number=t.number,
            history=[
                {"at": a.at.isoformat(), "channel": "phone", "outcome": a.outcome, "result": a.result}
                for a in selectors.member_call_history(t.person_id)
            ],
        )
    return HouseholdOut(
        id=t.pk,
        kind="household",
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


# -- PECR: the TPS list and consent (the same services and rules as the pages) ---------------


class ConsentIn(Schema):
    number: str
    evidence: str


@router.post(
    "/tps",
    auth=MANAGERS,
    response={200: dict},
    summary="Import the TPS list (one number a line; all or nothing; national admins)",
)
def tps_import(request, file: UploadedFile = File(...)):  # noqa: B008
    policies.may_import_tps(request.auth)
    try:
        lines = file.read().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise Refused("reach.tps_file", f"{file.name}: not a text file (UTF-8)", status=422) from None
    return {"numbers": services.tps_import(user=request.auth, lines=lines, filename=file.name)}


@router.post(
    "/phone-consents",
    auth=MANAGERS,
    response={201: None},
    summary="Record a person's consent to be called, with its evidence (lifts TPS suppression)",
)
def consent_create(request, data: ConsentIn):
    services.consent_record(user=request.auth, number=data.number, evidence=data.evidence)
    return 201, None
