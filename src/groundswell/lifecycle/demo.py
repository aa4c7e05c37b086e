"""Demo dues (synthetic): rates, and a year of monthly Direct Debits for 40 Derby North
members as a made-up GoCardless export, some stopping (in arrears, then lapsed), some
failing, one row nobody's reference matches (the queue). Safe to run again."""

from __future__ import annotations

from django.utils import timezone

from groundswell.core.lifecycle import add_months
from groundswell.lifecycle.models import Rate, Subscription
from groundswell.lifecycle.services import payments_import
from groundswell.members.models import Membership

RATES = (
    ("standard monthly", 417, 1, True),
    ("reduced monthly", 209, 1, False),
    ("standard yearly", 4644, 12, False),
)
HEADER = (
    "id,created_at,charge_date,amount,amount_refunded,currency,description,reference,status,links.mandate\n"
)


def demo_dues(*, branch, exclude_person_ids: set[int], how_many: int = 40) -> str:
    for name, pence, months, default in RATES:
        Rate.objects.get_or_create(
            name=name, defaults={"amount_pence": pence, "period_months": months, "is_default": default}
        )
    standard = Rate.objects.get(name="standard monthly")
    first = add_months(timezone.localdate().replace(day=1), -12)
    memberships = (
        Membership.objects.filter(
            branch=branch, category="member", lapsed_on__isnull=True, joined_on__lte=first
        )
        .exclude(person_id__in=exclude_person_ids)
        .order_by("pk")[:how_many]
    )
    lines = []
    for i, m in enumerate(memberships):
        mandate = f"MDDEMO{m.pk:08d}"
        Subscription.objects.get_or_create(membership=m, defaults={"rate": standard, "references": [mandate]})
        stops = 4 if i % 5 == 0 else 10 if i % 5 == 1 else 13  # lapsed, in arrears, paid up (this month too)
        for n in range(stops):
            on = add_months(first, n)
            status = "failed" if i % 7 == 3 and n == 6 else "paid_out"
            lines.append(
                f"PMDEMO{m.pk:08d}{on:%Y%m},{on:%Y-%m-%d}T09:00:00.000Z,{on:%Y-%m-%d},4.17,0.00,GBP,"
                f"Monthly membership (synthetic demo),,{status},{mandate}\n"
            )
    on = add_months(first, 11)
    lines.append(
        f"PMDEMOUNKNOWN{on:%Y%m},{on}T09:00:00.000Z,{on},4.17,0.00,GBP,Synthetic,,paid_out,MDUNKNOWN1\n"
    )
    result = payments_import(
        user=None,
        fmt="gocardless",
        filename=f"demo-gocardless-synthetic-{on:%Y%m}.csv",
        data=(HEADER + "".join(lines)).encode(),
    )
    return result.summary()
