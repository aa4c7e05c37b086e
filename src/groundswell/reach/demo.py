"""Demo phone bank (synthetic): numbers from Ofcom's ranges reserved for drama (07700 900xxx
and 01632 960xxx, never anyone's real phone) for up to 2,000 households of the synthetic
Derby North register, one in ten of them on a synthetic TPS list, and an open phone bank."""

from __future__ import annotations

from groundswell.groundgame.models import Elector
from groundswell.reach import services
from groundswell.reach.models import ElectorPhone, PhoneBank, TpsNumber

DRAMA_RANGES = ("+447700900", "+441632960")  # Ofcom: for TV, radio and fiction
DEMO_NAME = "Derby North evening calls (synthetic demo)"


def demo_reach(*, branch, organiser) -> PhoneBank | None:
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
    return services.phone_bank_create(user=organiser, branch=branch, name=DEMO_NAME)
