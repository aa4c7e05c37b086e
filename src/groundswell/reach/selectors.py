"""Reads for phone banks: who is suppressed, what a caller may see, a bank's progress."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from groundswell.groundgame.models import Contact
from groundswell.reach.models import CallAttempt, CallTarget, DoNotCall, PhoneBank, PhoneConsent, TpsNumber

ACTIVE = timedelta(minutes=10)  # a caller seen this recently is working


def suppressed_q(field: str = "number") -> Q:
    """Numbers that must not reach a caller: do not call, or on the TPS list without a
    recorded consent. Used when a list is built *and* every time a household is handed out,
    so a TPS file imported or an objection made mid-session takes effect at once."""
    dnc = Q(**{f"{field}__in": DoNotCall.objects.values("number")})
    tps = Q(**{f"{field}__in": TpsNumber.objects.values("number")}) & ~Q(
        **{f"{field}__in": PhoneConsent.objects.values("number")}
    )
    return dnc | tps


def on_do_not_call(number: str) -> bool:
    return DoNotCall.objects.filter(number=number).exists()


def is_suppressed(number: str) -> bool:
    if DoNotCall.objects.filter(number=number).exists():
        return True
    return (
        TpsNumber.objects.filter(number=number).exists()
        and not PhoneConsent.objects.filter(number=number).exists()
    )


def banks_for(user, *, branch_ids: frozenset[int] | None):
    qs = PhoneBank.objects.select_related("branch").order_by("-created_at")
    return qs if branch_ids is None else qs.filter(branch_id__in=branch_ids)


def bank_progress(bank: PhoneBank) -> dict:
    states = dict(CallTarget.objects.filter(bank=bank).values_list("state").annotate(n=Count("id")))
    attempts = CallAttempt.objects.filter(bank=bank)
    outcomes = dict(attempts.values_list("outcome").annotate(n=Count("id")).order_by())
    codes = dict(
        Contact.objects.filter(id__in=attempts.exclude(contact=None).values("contact"))
        .values_list("code")
        .annotate(n=Count("id"))
    )
    results = dict(attempts.exclude(result="").values_list("result").annotate(n=Count("id")).order_by())
    return {
        "total": sum(states.values()),
        "states": states,
        "calls": sum(outcomes.values()),
        "contacts": outcomes.get("answered", 0),
        "outcomes": outcomes,
        "codes": codes,
        "results": results,
        "callers": bank.callers.count(),
        "active": bank.callers.filter(last_seen_at__gte=timezone.now() - ACTIVE).count(),
    }


def ballot_turnout_count(bank: PhoneBank, user) -> tuple[int, int] | None:
    """For a get-out-the-vote list: the ballot's own turnout (voted, entitled), a count,
    to those who may see it on the ballot's page (returning officers, national admins);
    None for anyone else. Never per person, never per list."""
    from groundswell.ballots.models import Elector, SpentCredential
    from groundswell.ballots.selectors import can_run_ballots

    if bank.ballot_id is None or not can_run_ballots(user):
        return None
    return (
        SpentCredential.objects.filter(ballot_id=bank.ballot_id).count(),
        Elector.objects.filter(ballot_id=bank.ballot_id).count(),
    )


def contact_history(elector_id: int) -> list[Contact]:
    """The household's contact history, doorstep and phone, newest first."""
    return list(
        Contact.objects.filter(elector__household__electors__id=elector_id)
        .select_related("elector")
        .order_by("-recorded_at")[:20]
    )


def held_by(bank: PhoneBank, user, now) -> CallTarget | None:
    """The household this caller holds now (its number is shown only then)."""
    from groundswell.core.reach.recall import State

    return (
        CallTarget.objects.filter(bank=bank, assigned_to_id=user.pk, lease_until__gt=now, state=State.OPEN)
        .exclude(suppressed_q())
        .select_related("household", "elector", "person")
        .first()
    )


def has_joined(bank: PhoneBank, user) -> bool:
    return bank.callers.filter(user_id=user.pk).exists()


def open_ballots_for(branch_ids: frozenset[int] | None):
    """Open ballots an organiser may build a get-out-the-vote list over: their branches'
    ballots and whole-party ones."""
    from groundswell.ballots.models import Ballot

    qs = Ballot.objects.filter(status=Ballot.Status.OPEN).order_by("closes_at")
    if branch_ids is not None:
        qs = qs.filter(Q(branch__isnull=True) | Q(branch_id__in=branch_ids))
    return qs


def member_call_history(person_id: int) -> list[CallAttempt]:
    """A member's earlier phone-bank calls (outcome and answer), newest first."""
    return list(
        CallAttempt.objects.filter(target__person_id=person_id).select_related("bank").order_by("-at")[:20]
    )
