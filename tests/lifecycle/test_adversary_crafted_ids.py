"""A branch organiser who holds the party-wide GoCardless export (organisers do import it:
see test_adversary.py) doctors the other branches' rows and imports it first. The rows
match none of their own members, so they sit unmatched; when the national admin imports
the genuine export, its rows carry the same network ids. The doctored rows must not be
what the other branch's members are credited (or debited) with."""

from datetime import date

import pytest

from groundswell.accounts.models import Role
from groundswell.core.lifecycle import State
from groundswell.lifecycle import services
from groundswell.lifecycle.models import Rate, Subscription
from groundswell.lifecycle.selectors import ledger_of, standing_of
from tests import factories

pytestmark = pytest.mark.django_db

HEAD = (
    b"id,created_at,charge_date,amount,amount_refunded,currency,description,reference,status,"
    b"links.mandate,links.payout,metadata.membership_number\n"
)


def row(pid: str, amount: str, status: str, mandate: str, number: str) -> bytes:
    line = f"{pid},2016-05-25T09:12:01.000Z,2016-06-01,{amount},0.00,GBP,Yearly,,{status},{mandate},PO1,"
    return f"{line}{number}\n".encode()


@pytest.mark.parametrize(("amount", "status"), [("0.01", "paid_out"), ("48.00", "charged_back")])
def test_an_organisers_doctored_copy_of_the_national_file_does_not_become_another_branchs_payment(
    amount, status
):
    north, south = factories.branch(), factories.branch()
    yearly = Rate.objects.create(name="yearly", amount_pence=4800, period_months=12, grace_months=1)
    ann = factories.person(branch=north, joined_on=date(2016, 6, 1)).memberships.get()
    Subscription.objects.create(membership=ann, rate=yearly, references=["MDANN"])
    genuine = HEAD + row("PM00ANN001", "48.00", "paid_out", "MDANN", ann.membership_number)
    doctored = HEAD + row("PM00ANN001", amount, status, "MDANN", ann.membership_number)

    org_south = factories.user(Role.BRANCH_ORGANISER, branch=south)
    first = services.payments_import(user=org_south, fmt="gocardless", filename="n.csv", data=doctored)
    assert first.matched == 0  # none of south's members: it waits unmatched
    admin = factories.user(Role.NATIONAL_ADMIN)
    services.payments_import(user=admin, fmt="gocardless", filename="national.csv", data=genuine)

    amounts = [p.amount_pence for p in ledger_of(ann)]
    assert amount_pence_doctored(amount, status) not in amounts
    # Ann paid her year: she is in good standing in the autumn
    assert standing_of(ann, date(2016, 10, 1)).state == State.GOOD_STANDING


def amount_pence_doctored(amount: str, status: str) -> int:
    p = round(float(amount) * 100)
    return -p if status == "charged_back" else p


def test_a_member_who_charges_back_their_dues_does_not_keep_the_standing_they_bought():
    """GoCardless reports a charge-back under the payment's own id, in a later export. A
    member who pays for a year and then claims the money back under the Direct Debit
    guarantee must not stay in good standing because the id was already in the ledger."""
    north = factories.branch()
    yearly = Rate.objects.create(name="yearly", amount_pence=4800, period_months=12, grace_months=1)
    ann = factories.person(branch=north, joined_on=date(2016, 6, 1)).memberships.get()
    Subscription.objects.create(membership=ann, rate=yearly, references=["MDANN"])
    admin = factories.user(Role.NATIONAL_ADMIN)
    june = HEAD + row("PM00ANN001", "48.00", "paid_out", "MDANN", ann.membership_number)
    july = HEAD + row("PM00ANN001", "48.00", "charged_back", "MDANN", ann.membership_number)
    services.payments_import(user=admin, fmt="gocardless", filename="june.csv", data=june)
    second = services.payments_import(user=admin, fmt="gocardless", filename="july.csv", data=july)
    assert sorted(p.amount_pence for p in ledger_of(ann)) == [-4800, 4800]
    assert "line 2" in second.summary()
    assert standing_of(ann, date(2016, 10, 1)).state != State.GOOD_STANDING
    # the July export again (other bytes, same rows) records nothing more
    services.payments_import(user=admin, fmt="gocardless", filename="july2.csv", data=july + b"\n")
    assert len(ledger_of(ann)) == 2
