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


RULES_TITLE = "Deputy leader (synthetic demo: rules published)"


def demo_rules(*, branch, officer) -> str:
    """A draft ballot opening in a fortnight with its eligibility rules published (two
    versions: the second drops the minimum membership), a closed synthetic supporter window
    with three sign-ups, and a window opening a few seconds from now (the rules name it, so
    they are published before it opens) for the demo's visitors to try. Safe to run again."""
    from datetime import timedelta

    from groundswell.ballots import services as ballots
    from groundswell.ballots.models import Ballot
    from groundswell.lifecycle.models import SupporterWindow
    from groundswell.lifecycle.services import rules_publish, supporter_signup, window_create
    from groundswell.members.models import Person

    now = timezone.now()
    past = SupporterWindow.objects.filter(slug="demo-last-summer").first()
    if past is None:
        past = window_create(
            user=None, slug="demo-last-summer", name="Last summer's supporter window (synthetic demo)",
            opens_at=now - timedelta(days=200), closes_at=now - timedelta(days=198), fee_pence=300,
            branch=branch,
        )  # fmt: skip
        for i, (first, last) in enumerate((("Rosa", "Demo"), ("Idris", "Demo"), ("Maeve", "Demo"))):
            signup, _ = supporter_signup(
                window=past, first_name=first, last_name=last, email=f"supporter{i}@demo.invalid",
                postcode="DE22 1AB", declared=True, fee_reference=f"DEMO-FEE-{i:04d}",
                now=past.opens_at + timedelta(hours=i + 1),
            )  # fmt: skip
            Person.objects.filter(pk=signup.membership.person_id).update(synthetic=True)
    ballot = Ballot.objects.filter(title=RULES_TITLE).first()
    if ballot is not None:
        return f"{RULES_TITLE}: rules already published"
    window = window_create(
        user=None, slug=f"demo-{now:%Y%m%d%H%M%S}", name="Deputy leader supporter window (synthetic demo)",
        opens_at=now + timedelta(seconds=5), closes_at=now + timedelta(days=2), fee_pence=2500, branch=branch,
    )  # fmt: skip
    ballot = ballots.ballot_create(
        actor=officer, title=RULES_TITLE, method="irv", seats=1,
        candidates=["Ann Demo", "Bo Demo", "Cy Demo"], eligible_categories=["member"],
        freeze_date=now.date(), opens_at=now + timedelta(days=14), closes_at=now + timedelta(days=28),
        description="A made-up ballot whose eligibility rules are published.",
    )  # fmt: skip
    doc = {
        "categories": ["member", "registered_supporter"],
        "freeze_date": now.date().isoformat(),
        "min_membership_months": 6,
        "dues_in_good_standing_by": (now + timedelta(days=7)).date().isoformat(),
        "supporter_fee_window": window.slug,
    }
    rules_publish(user=officer, ballot=ballot, document=doc, confirm=True, note="first version (synthetic)")
    rules_publish(
        user=officer, ballot=ballot, document={**doc, "min_membership_months": 0}, confirm=True,
        note="the minimum membership dropped (synthetic)",
    )  # fmt: skip
    return f"rules v2 at /eligibility/{ballot.pk}/; supporter sign-up at /supporters/{window.slug}/"
