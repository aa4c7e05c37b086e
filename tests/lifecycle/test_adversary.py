"""An organiser of one branch against the payments ledger of another."""

from datetime import date

import pytest

from groundswell.accounts.models import Role
from groundswell.lifecycle import services
from groundswell.lifecycle.models import Payment
from groundswell.lifecycle.selectors import ledger_of
from tests import factories

pytestmark = pytest.mark.django_db

FILE = (
    b"id,created_at,charge_date,amount,amount_refunded,currency,description,reference,status,"
    b"links.mandate,links.payout,metadata.membership_number\n"
    b"PM0009AAA,2016-05-25T09:12:01.000Z,2016-06-01,4.17,0.00,GBP,Monthly,,paid_out,MD9A,PO1,{north}\n"
    b"PM0009AAB,2016-05-25T09:12:01.000Z,2016-06-01,4.17,0.00,GBP,Monthly,,paid_out,MD9B,PO1,{south}\n"
)


def _setup():
    north, south = factories.branch(), factories.branch()
    ann = factories.person(branch=north, joined_on=date(2016, 1, 1)).memberships.get()
    sam = factories.person(branch=south, joined_on=date(2016, 1, 1)).memberships.get()
    data = FILE.replace(b"{north}", ann.membership_number.encode()).replace(
        b"{south}", sam.membership_number.encode()
    )
    return north, south, ann, sam, data


def test_an_organiser_importing_the_national_file_first_does_not_leave_other_branches_unmatched():
    """Branch B's organiser uploads the national export before the national admin: only B's
    members match (right), but the admin's import of the same bytes must still credit A's
    members, or they drift into arrears and off the ballot's electorate."""
    _north, south, ann, sam, data = _setup()
    org_south = factories.user(Role.BRANCH_ORGANISER, branch=south)
    first = services.payments_import(user=org_south, fmt="gocardless", filename="south.csv", data=data)
    assert first.matched == 1 and ledger_of(ann).count() == 0
    services.payments_import(
        user=factories.user(Role.NATIONAL_ADMIN), fmt="gocardless", filename="national.csv", data=data
    )
    assert list(ledger_of(ann).values_list("external_id", flat=True)) == ["gocardless:PM0009AAA"]
    assert ledger_of(sam).count() == 1
    assert Payment.objects.count() == 2


def test_the_same_rows_in_a_different_file_still_match_for_a_wider_importer():
    _north, south, ann, sam, data = _setup()
    services.payments_import(
        user=factories.user(Role.BRANCH_ORGANISER, branch=south),
        fmt="gocardless",
        filename="s.csv",
        data=data,
    )
    services.payments_import(
        user=factories.user(Role.NATIONAL_ADMIN), fmt="gocardless", filename="n.csv", data=data + b"\n"
    )
    assert ledger_of(ann).count() == 1 and ledger_of(sam).count() == 1


def test_a_duplicate_upload_does_not_name_another_branchs_file():
    north, south, ann, sam, data = _setup()
    services.payments_import(
        user=factories.user(Role.BRANCH_ORGANISER, branch=north),
        fmt="gocardless",
        filename="north-secret-2016.csv",
        data=data,
    )
    again = services.payments_import(
        user=factories.user(Role.BRANCH_ORGANISER, branch=south),
        fmt="gocardless",
        filename="x.csv",
        data=data,
    )
    assert "north-secret-2016" not in again.summary()
    assert "already imported" in again.summary()
    # and the south organiser's own members are matched from it
    assert ledger_of(sam).count() == 1 and ledger_of(ann).count() == 1
    assert "1 earlier row(s) now matched" in again.summary()
