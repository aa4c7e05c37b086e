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
    outcomes = dict(attempts.values_list("outcome").annotate(n=Count("id")))
    codes = dict(
        Contact.objects.filter(id__in=attempts.exclude(contact=None).values("contact"))
        .values_list("code")
        .annotate(n=Count("id"))
    )
    return {
        "total": sum(states.values()),
        "states": states,
        "calls": sum(outcomes.values()),
        "outcomes": outcomes,
        "codes": codes,
        "callers": bank.callers.count(),
        "active": bank.callers.filter(last_seen_at__gte=timezone.now() - ACTIVE).count(),
    }


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
        .select_related("household", "elector")
        .first()
    )


def has_joined(bank: PhoneBank, user) -> bool:
    return bank.callers.filter(user_id=user.pk).exists()
