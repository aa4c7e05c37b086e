"""A ballot's electorate follows the ledger as at its freeze date (issue 16): a member on the
ledger who had lapsed by the freeze is left out, and paying after the freeze does not bring
them back; members not on the ledger keep their hand-typed dates."""

from datetime import date

import pytest

from groundswell.accounts.models import Role
from groundswell.ballots.models import Elector
from groundswell.lifecycle import services
from groundswell.lifecycle.models import Rate, Subscription
from tests import factories
from tests.ballots.factories import draft_ballot, open_ballot

pytestmark = pytest.mark.django_db
FREEZE = date(2016, 7, 12)  # the NEC's freeze date for the 2016 leadership contest's new members


def bank(lines: list[tuple[str, str, str]]) -> bytes:
    head = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    head += "Debit Amount,Credit Amount,Balance\n"
    return (head + "".join(f"{d},FPI,,,{ref},,{amount},0\n" for d, ref, amount in lines)).encode()


def test_the_electorate_is_the_ledger_as_at_the_freeze_date():
    branch = factories.branch()
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=6)

    def member(joined):
        m = factories.person(branch=branch, joined_on=joined).memberships.get()
        Subscription.objects.create(membership=m, rate=rate)
        return m

    paid = member(date(2016, 1, 1))  # paid every month
    lapsed = member(date(2015, 1, 1))  # paid one month in 2015: lapsed on 1 Aug 2015
    late = member(date(2015, 1, 1))  # same, then pays on 20 July 2016, after the freeze
    off_ledger = factories.person(branch=branch, joined_on=date(2015, 1, 1)).memberships.get()
    rows = [(f"01/{m:02d}/2016", paid.membership_number, "4.00") for m in range(1, 8)]
    rows += [("01/01/2015", lapsed.membership_number, "4.00"), ("01/01/2015", late.membership_number, "4.00")]
    rows += [("20/07/2016", late.membership_number, "48.00")]
    admin = factories.user(Role.NATIONAL_ADMIN)
    services.payments_import(user=admin, fmt="bank_csv", filename="s.csv", data=bank(rows))

    ro = factories.user(Role.RETURNING_OFFICER)
    ballot = open_ballot(draft_ballot(ro, freeze_date=FREEZE))
    electors = set(Elector.objects.filter(ballot=ballot).values_list("person_id", flat=True))
    assert paid.person_id in electors and off_ledger.person_id in electors
    assert lapsed.person_id not in electors
    assert late.person_id not in electors  # paying after the freeze buys nothing before it
