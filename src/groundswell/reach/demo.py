"""Demo phone bank (synthetic): numbers from Ofcom's ranges reserved for drama (07700 900xxx
and 01632 960xxx, never anyone's real phone) for up to 2,000 households of the synthetic
Derby North register, one in ten of them on a synthetic TPS list, and an open phone bank
with some calls made; a volunteer's list of people they know; sign-ups through a member's
referral link. All of it synthetic, made up here."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from groundswell.groundgame.models import Elector
from groundswell.members.models import Person
from groundswell.reach import referrals, relational, services
from groundswell.reach.models import ElectorPhone, PhoneBank, TpsNumber

DEMO_CALLS = [
    ("answered", "LAB"), ("no_answer", ""), ("answered", "CON"), ("busy", ""), ("voicemail", ""),
    ("answered", "LAB"), ("answered", "DK"), ("no_answer", ""), ("answered", "LD"), ("answered", "WS"),
]  # fmt: skip
DEMO_FRIENDS = [
    ("Auntie Sue (synthetic)", "family", "vote", "will_vote"),
    ("Big Dave (synthetic)", "workmate", "volunteer", "will_volunteer"),
    ("Priya (synthetic)", "neighbour", "join", "joined"),
    ("Tom from five-a-side (synthetic)", "football", "vote", ""),
    ("Gran (synthetic)", "family", "", ""),
]

DRAMA_RANGES = ("+447700900", "+441632960")  # Ofcom: for TV, radio and fiction
DEMO_NAME = "Derby North evening calls (synthetic demo)"


def demo_reach(*, branch, organiser, caller=None, volunteer=None) -> PhoneBank | None:
    """Safe to re-run: adds nothing twice."""
    bank = PhoneBank.objects.filter(name=DEMO_NAME).first()
    if bank is not None:
        return bank
    electors = (
        Elector.objects.filter(constituency__branch=branch, synthetic=True, phone__isnull=True)
        .order_by("household_id", "number_sort")
        .values_list("pk", "household_id")
    )
    seen, phones = set(), []
    for elector_id, household_id in electors.iterator(chunk_size=2000):
        if household_id in seen:
            continue
        seen.add(household_id)
        n = len(phones)
        if n >= 2000:
            break
        number = f"{DRAMA_RANGES[n // 1000]}{n % 1000:03d}"
        phones.append(ElectorPhone(elector_id=elector_id, number=number, source="synthetic demo"))
    if not phones:
        return None
    ElectorPhone.objects.bulk_create(phones, ignore_conflicts=True)
    TpsNumber.objects.bulk_create([TpsNumber(number=p.number) for p in phones[::10]], ignore_conflicts=True)
    bank = services.phone_bank_create(user=organiser, branch=branch, name=DEMO_NAME)
    if caller is not None:
        _demo_calls(bank, caller)
    if volunteer is not None:
        _demo_friends(volunteer, branch)
        _demo_referrals(volunteer, branch)
    return bank


def _calling_time(now: datetime) -> datetime:
    """A recent past moment inside the demo bank's calling hours (9:00 to 21:00)."""
    local = timezone.localtime(now)
    if local.hour < 10:
        local = (local - timedelta(days=1)).replace(hour=20, minute=0)
    elif local.hour >= 21:
        local = local.replace(hour=20, minute=0)
    return local


def _demo_calls(bank: PhoneBank, caller) -> None:
    """Forty calls by the demo canvasser over the last hour of calling, so the dashboard
    has something to show."""
    services.phone_bank_join(user=caller, code=bank.code)
    end = _calling_time(timezone.now())
    for i in range(40):
        at = end - timedelta(minutes=40 - i)
        target = services.call_next(bank=bank, user=caller, now=at)
        if target is None:
            break
        outcome, code = DEMO_CALLS[i % len(DEMO_CALLS)]
        services.call_wrap_up(
            bank=bank, user=caller, target_id=target.pk, outcome=outcome, survey={"code": code}, now=at
        )


def _demo_friends(volunteer, branch) -> None:
    for nickname, how, ask, outcome in DEMO_FRIENDS:
        friend = relational.friend_add(user=volunteer, nickname=nickname, how_known=how)
        if ask or outcome:
            relational.friend_record(user=volunteer, friend_id=friend.pk, outcome=outcome, ask=ask)
    # one matched to the (synthetic) register and shared, as a volunteer would
    elector = Elector.objects.filter(constituency__branch=branch, synthetic=True).order_by("pk").first()
    if elector is not None:
        first = relational.friends_of(volunteer)[0]
        first.elector = elector
        first.save(update_fields=["elector"])
        relational.friend_share(user=volunteer, friend_id=first.pk)


def _demo_referrals(volunteer, branch) -> None:
    person = getattr(volunteer, "person", None)
    if person is None:
        return
    token = referrals.link_token(person)
    recruits = (
        Person.objects.filter(synthetic=True, account__isnull=True, erased_at__isnull=True)
        .exclude(pk=person.pk)
        .order_by("-pk")[:6]
    )
    for recruit in recruits:
        referrals.referral_record(person=recruit, token=token)
