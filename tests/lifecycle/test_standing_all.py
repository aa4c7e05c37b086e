"""The whole party's standing on a date, set-wise (issue 16's 500,000 in under 10 s): on
PostgreSQL it is one SQL pass, and it must agree with the pure rules for every membership,
restorations, failed collections, hand matches and month-end dates included. (On SQLite
both sides are the pure rules; run this file under scripts/with-postgres.sh for the SQL.)"""

import random
from datetime import date, timedelta

import pytest

from groundswell.lifecycle import selectors, services
from groundswell.lifecycle.models import HandMatch, Payment, Rate, SourceFile, Subscription
from groundswell.members.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_set_wise_standing_of_everyone_agrees_with_the_pure_rules():
    rnd = random.Random(16)
    branch = factories.branch()
    rates = [
        Rate.objects.create(name="monthly", amount_pence=400, grace_months=3),
        Rate.objects.create(name="yearly", amount_pence=4800, period_months=12, grace_months=2),
        Rate.objects.create(name="no grace", amount_pence=300, grace_months=0),
    ]
    source = SourceFile.objects.create(format="bank_csv", filename="x.csv", sha256="0" * 64)
    rows, line = [], 0
    memberships = []
    for i in range(80):
        joined = date(2015, 1, 1) + timedelta(days=rnd.choice([0, 30, 58, 120, 364, 400]))
        m = factories.person(branch=branch, joined_on=joined).memberships.get()
        Subscription.objects.create(membership=m, rate=rnd.choice(rates))
        memberships.append(m)
        for _ in range(rnd.randint(0, 14)):
            line += 1
            on = date(2015, 1, 1) + timedelta(days=rnd.randint(0, 900))
            amount = rnd.choice([400, 400, 800, 4800, 300, 1200, -400])
            rows.append(
                Payment(kind="payment" if amount > 0 else "failed", amount_pence=amount, paid_on=on,
                        method="direct_debit", source=source, line=line, membership=m)
            )  # fmt: skip
    Payment.objects.bulk_create(rows)
    for m in memberships[:5]:  # rows matched by hand count the same
        line += 1
        p = Payment.objects.create(kind="payment", amount_pence=1200, paid_on=date(2016, 3, 31),
                                   method="card", source=source, line=line)  # fmt: skip
        HandMatch.objects.create(payment=p, membership=m)
    line += 1
    Payment.objects.create(
        kind="mandate_cancelled", amount_pence=0, paid_on=date(2016, 1, 31), method="direct_debit",
        source=source, line=line, membership=memberships[0],
    )  # fmt: skip
    for on in (date(2015, 1, 1), date(2015, 6, 30), date(2016, 2, 29), date(2016, 12, 31), date(2017, 8, 1)):
        fast = {pk: s for pk, _, s in selectors.standings_all(on, chunk=17)}
        slow = selectors.standings_as_at(Membership.objects.filter(pk__in=[m.pk for m in memberships]), on)
        assert fast == slow, on


def test_the_standing_command_writes_every_membership_as_csv(capsys):
    from django.core.management import call_command

    branch = factories.branch()
    rate = Rate.objects.create(name="monthly", amount_pence=400, grace_months=3)
    m = factories.person(branch=branch, joined_on=date(2016, 1, 1)).memberships.get()
    Subscription.objects.create(membership=m, rate=rate)
    data = (
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
        f"Credit Amount,Balance\n01/01/2016,FPI,,,{m.membership_number},,8.00,0\n"
    ).encode()
    services.payments_import(user=None, fmt="bank_csv", filename="b.csv", data=data)
    call_command("standing", "--on", "2016-04-15")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "membership_number,state,paid_up_to,in_arrears_since,lapsed_on"
    assert out[1] == f"{m.membership_number},in_arrears,2016-03-01,2016-03-01,"
