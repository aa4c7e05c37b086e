"""The payments ledger (issue 16): imports all or nothing, never twice, never across branches;
standing as at a freeze date sees only what was paid by then."""

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from groundswell.accounts.models import AuditEvent, Role
from groundswell.accounts.policies import Refused
from groundswell.core.lifecycle import State
from groundswell.lifecycle import selectors, services
from groundswell.lifecycle.models import Payment, Rate, Subscription
from tests import factories
from tests.lifecycle import samples

pytestmark = pytest.mark.django_db
JOINED = date(2016, 6, 1)


def fill(template: bytes, **values: str) -> bytes:
    for k, v in values.items():
        template = template.replace(b"{" + k.encode() + b"}", v.encode())
    return template


@pytest.fixture
def world():
    north, south = factories.branch(name="North"), factories.branch(name="South")
    monthly = Rate.objects.create(name="standard monthly", amount_pence=417, period_months=1, is_default=True)
    yearly = Rate.objects.create(name="standard yearly", amount_pence=4800, period_months=12, grace_months=3)

    def member(branch, refs, rate=monthly):
        m = factories.person(branch=branch, joined_on=JOINED).memberships.get()
        Subscription.objects.create(membership=m, rate=rate, references=refs)
        return m

    return {
        "north": north,
        "south": south,
        "ann": member(north, ["MD000AAA1", "cus_AAA1"]),
        "sam": member(south, ["MD000AAA2"]),
        "bea": member(north, ["MD000AAA3"]),
        "yan": member(north, [], rate=yearly),
        "admin": factories.user(Role.NATIONAL_ADMIN),
        "org_north": factories.user(Role.BRANCH_ORGANISER, branch=north),
    }


def imp(user, fmt, data, name="file.csv"):
    return services.payments_import(user=user, fmt=fmt, filename=name, data=data)


# -- the adversaries first -------------------------------------------------------------------


def test_reimporting_the_same_file_doubles_nothing(world):
    first = imp(world["admin"], "gocardless", samples.GOCARDLESS, "gc-june.csv")
    assert (first.rows, first.matched, first.unmatched) == (4, 3, 1)
    again = imp(world["admin"], "gocardless", samples.GOCARDLESS, "renamed.csv")
    assert again.duplicate_of == first.source and "already imported" in again.summary()
    assert Payment.objects.count() == 4
    # an overlapping export (the same GoCardless payments plus a new one) adds only the new one
    overlap = (
        samples.GOCARDLESS
        + b"PM0001AAF,2016-06-25T09:00:00.000Z,2016-07-01,4.17,0.00,GBP,Monthly,,paid_out,MD000AAA1,,\n"
    )
    more = imp(world["admin"], "gocardless", overlap, "gc-june-july.csv")
    assert (more.rows, more.already) == (1, 4)
    assert Payment.objects.filter(membership=world["ann"], kind="payment").count() == 2


def test_an_organiser_cannot_pay_in_for_another_branch_nor_learn_its_references(world):
    org = world["org_north"]
    result = imp(org, "gocardless", samples.GOCARDLESS)
    sam_row = Payment.objects.get(reference="MD000AAA2")
    assert sam_row.membership_id is None  # treated like an unknown reference: no cross-branch write
    assert result.matched == 2 and result.unmatched == 2  # ann and bea matched; sam's and the unknown not
    assert selectors.standing_of(world["sam"], date(2016, 6, 10)).state == State.IN_ARREARS
    # ... nor match it by hand to the other branch's member
    with pytest.raises(Refused) as refused:
        services.payment_match(user=org, payment=sam_row, membership=world["sam"])
    assert refused.value.status == 404
    # a national officer can, and it is audited
    services.payment_match(
        user=world["admin"], payment=sam_row, membership=world["sam"], note="mandate on file"
    )
    assert selectors.standing_of(world["sam"], date(2016, 6, 10)).state == State.GOOD_STANDING
    assert AuditEvent.objects.filter(action="lifecycle.match", target=f"payment:{sam_row.pk}").exists()


def test_an_organisers_queue_shows_only_their_own_files(world):
    imp(world["admin"], "gocardless", samples.GOCARDLESS)
    assert selectors.unmatched_for(world["org_north"]).count() == 0
    assert selectors.unmatched_for(world["admin"]).count() == 1


def test_paying_after_the_freeze_date_does_not_buy_good_standing_before_it(world):
    freeze = date(2016, 6, 15)
    imp(world["admin"], "gocardless", samples.GOCARDLESS)
    bea = world["bea"]  # her June collection failed: in arrears since 1 June
    assert selectors.standing_of(bea, freeze).state == State.IN_ARREARS
    late = b"Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance\n"  # noqa: E501
    late += f"20/06/2016,FPI,,,B MEMBER {bea.membership_number},,8.34,1.00\n".encode()
    imp(world["admin"], "bank_csv", late)
    assert selectors.standing_of(bea, freeze).state == State.IN_ARREARS  # as at the freeze: unchanged
    assert selectors.standing_of(bea, date(2016, 6, 21)).state == State.GOOD_STANDING


def test_a_hand_match_made_after_the_knowledge_date_is_not_seen_then(world):
    imp(world["admin"], "gocardless", samples.GOCARDLESS)
    row = Payment.objects.get(reference="MD000ZZZ9")
    rae = factories.person(branch=world["north"], joined_on=JOINED).memberships.get()
    reduced = Rate.objects.create(name="reduced monthly", amount_pence=100)
    Subscription.objects.create(membership=rae, rate=reduced)
    services.payment_match(user=world["admin"], payment=row, membership=rae)
    as_at = date(2016, 6, 2)
    assert selectors.standing_of(rae, as_at, known_by=date.today()).state == State.GOOD_STANDING
    # a ballot that froze its electorate on 2 June 2016 knew nothing of this match
    assert selectors.standing_of(rae, as_at, known_by=as_at).state == State.IN_ARREARS


def test_the_database_refuses_to_change_a_ledger_row(world):
    imp(world["admin"], "gocardless", samples.GOCARDLESS)
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(reference="MD000AAA1").update(amount_pence=100_000)
    assert Payment.objects.get(reference="MD000AAA1").amount_pence == 417


def test_a_file_with_one_bad_row_imports_nothing_and_says_where(world):
    bad = samples.GOCARDLESS.replace(b"2016-06-01,1.00", b"2016-13-01,1.00")
    with pytest.raises(services.ImportRefused) as refused:
        imp(world["admin"], "gocardless", bad, "gc-bad.csv")
    assert "gc-bad.csv: line 4: charge_date:" in refused.value.message
    assert Payment.objects.count() == 0
    with pytest.raises(services.ImportRefused) as refused:
        imp(world["admin"], "stripe", b"id,Amount\nch_1,1\n", "s.csv")
    assert "s.csv: line 1: missing column(s) Created (UTC)" in refused.value.message
    with pytest.raises(services.ImportRefused) as refused:
        imp(
            world["admin"],
            "gocardless",
            samples.GOCARDLESS.replace(b",4.17,0.00", b",4.175,0.00", 1),
            "g.csv",
        )
    assert "g.csv: line 2: amount: '4.175' has a fraction of a penny" in refused.value.message


def test_members_cannot_import(world):
    with pytest.raises(Refused):
        imp(factories.user(Role.MEMBER), "gocardless", samples.GOCARDLESS)


# -- each format -----------------------------------------------------------------------------


def test_stripe_payments_match_on_customer_or_membership_number(world):
    yan = world["yan"]
    r = imp(world["admin"], "stripe", fill(samples.STRIPE, number=yan.membership_number))
    assert (r.rows, r.matched) == (2, 2)  # the declined card records nothing
    s = selectors.standing_of(yan, date(2017, 1, 1))
    assert s.state == State.GOOD_STANDING and s.paid_up_to == date(2017, 6, 1)


def test_arudd_returns_take_back_a_collection(world):
    imp(world["admin"], "gocardless", samples.GOCARDLESS)
    ann = world["ann"]
    assert selectors.standing_of(ann, date(2016, 6, 10)).state == State.GOOD_STANDING
    r = imp(world["admin"], "arudd", fill(samples.ARUDD, ref="MD000AAA1"), "arudd.xml")
    assert (r.rows, r.matched) == (1, 1)
    row = Payment.objects.get(kind="failed", membership=ann)
    assert row.amount_pence == -417 and "REFER TO PAYER" in row.detail
    assert selectors.standing_of(ann, date(2016, 6, 10)).state == State.IN_ARREARS


def test_addacs_cancellations_are_recorded_without_money(world):
    r = imp(world["admin"], "addacs", fill(samples.ADDACS, ref="MD000AAA1"), "addacs.xml")
    row = Payment.objects.get(source=r.source)
    assert (row.kind, row.amount_pence, row.membership_id) == ("mandate_cancelled", 0, world["ann"].pk)
    assert row.detail == "ADDACS reason 1"


def test_xml_with_entities_is_refused(world):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><BACSDocument><Data><ARUDD>&a;</ARUDD></Data></BACSDocument>'  # noqa: E501
    with pytest.raises(services.ImportRefused):
        imp(world["admin"], "arudd", bomb, "bomb.xml")


def test_bank_statement_credits_match_on_a_word_of_the_description(world):
    yan = world["yan"]
    r = imp(world["admin"], "bank_csv", fill(samples.BANK, number=yan.membership_number), "lloyds.csv")
    assert (r.rows, r.matched, r.unmatched) == (2, 1, 1)  # the debit is not a payment
    assert selectors.standing_of(yan, date(2016, 7, 1)).paid_up_to == date(2017, 6, 1)


@pytest.mark.parametrize("order", list(__import__("itertools").permutations(range(4))))
def test_the_order_files_are_imported_in_does_not_change_anyones_standing(world, order):
    ann, yan = world["ann"], world["yan"]
    overlap = samples.GOCARDLESS.splitlines(keepends=True)
    files = [
        ("gocardless", samples.GOCARDLESS),
        ("gocardless", b"".join(overlap[:1] + overlap[2:])),  # an overlapping export
        ("arudd", fill(samples.ARUDD, ref="MD000AAA1")),
        ("bank_csv", fill(samples.BANK, number=yan.membership_number)),
    ]
    for i in order:
        imp(world["admin"], *files[i], name=f"f{i}")
    memberships = [world[k] for k in ("ann", "sam", "bea", "yan")]
    got = {
        d: selectors.standings_as_at(memberships, d)
        for d in (date(2016, 6, 1), date(2016, 6, 5), date(2016, 7, 2), date(2017, 1, 1))
    }
    assert Payment.objects.filter(membership=ann).count() == 2  # one collection, one return
    assert got[date(2016, 6, 5)][ann.pk].state == State.IN_ARREARS
    assert got[date(2017, 1, 1)][yan.pk].state == State.GOOD_STANDING
    names = {world[k].pk: k for k in ("ann", "sam", "bea", "yan")}
    summary = {(d.isoformat(), names[mid]): s.state.value for d, by in got.items() for mid, s in by.items()}
    assert summary == {
        **{(d, "ann"): "in_arrears" for d in ("2016-06-01", "2016-06-05", "2016-07-02")},
        **{(d, "bea"): "in_arrears" for d in ("2016-06-01", "2016-06-05", "2016-07-02")},
        ("2016-06-01", "sam"): "good_standing",
        ("2016-06-05", "sam"): "good_standing",
        ("2016-07-02", "sam"): "in_arrears",
        ("2016-06-01", "yan"): "in_arrears",
        **{(d, "yan"): "good_standing" for d in ("2016-06-05", "2016-07-02", "2017-01-01")},
        **{("2017-01-01", k): "lapsed" for k in ("ann", "bea", "sam")},
    }


@pytest.mark.parametrize("fmt,template", [("mt940", samples.MT940), ("ofx", samples.OFX)])
def test_mt940_and_ofx_statements_through_their_parsers(world, fmt, template):
    yan = world["yan"]
    data = fill(template, number=yan.membership_number)
    r = imp(world["admin"], fmt, data, f"statement.{fmt}")
    assert (r.rows, r.matched) == (1, 1)  # the debit is not a payment
    row = Payment.objects.get(source=r.source)
    assert (row.amount_pence, row.paid_on) == (4800, date(2016, 6, 3))
    assert selectors.standing_of(yan, date(2016, 7, 1)).paid_up_to == date(2017, 6, 1)
    with pytest.raises(services.ImportRefused) as refused:
        imp(world["admin"], fmt, b"this is not a statement", f"bad.{fmt}")
    assert f"bad.{fmt}:" in refused.value.message and Payment.objects.count() == 1
