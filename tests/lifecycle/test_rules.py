"""A ballot's eligibility rules, published and versioned (issue 16, item 4): the electorate is
what the published rules say as at the freeze date, every exclusion has a reason, and what
the organisation learnt after the opening began changes nothing."""

from datetime import date, datetime, timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.ballots.models import Ballot, Elector
from groundswell.ballots.services import ballot_open, ballot_open_start
from groundswell.lifecycle import selectors, services
from groundswell.lifecycle.models import Payment, Rate, RulesVersion, Subscription
from tests import factories
from tests.ballots.factories import draft_ballot, open_ballot

pytestmark = pytest.mark.django_db
FREEZE = date(2016, 7, 12)
DUES_BY = date(2016, 8, 8)
TZ = timezone.get_current_timezone()
BEFORE_WINDOW = datetime(2016, 7, 1, 12, tzinfo=TZ)


def bank(lines) -> bytes:
    head = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    head += "Debit Amount,Credit Amount,Balance\n"
    return (head + "".join(f"{d:%d/%m/%Y},FPI,,,{ref},,{amount},0\n" for d, ref, amount in lines)).encode()


def monthly(m, first: date, months: int):
    return [(date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1),
             m.membership_number, "4.00") for i in range(months)]  # fmt: skip


def rules_doc(**kw) -> dict:
    return {
        "categories": ["member", "registered_supporter"],
        "freeze_date": FREEZE.isoformat(),
        "min_membership_months": 6,
        "dues_in_good_standing_by": DUES_BY.isoformat(),
        **kw,
    }


@pytest.fixture
def ro():
    return factories.user(Role.RETURNING_OFFICER)


@pytest.fixture
def future_ballot(ro):
    return draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=3), freeze_date=FREEZE)


def test_publishing_needs_confirming_and_a_version_is_never_changed(ro, future_ballot):
    with pytest.raises(NeedsConfirmation):
        services.rules_publish(user=ro, ballot=future_ballot, document=rules_doc())
    v1 = services.rules_publish(user=ro, ballot=future_ballot, document=rules_doc(), confirm=True)
    assert v1.number == 1
    # the database itself refuses to rewrite a published version
    with pytest.raises(DatabaseError), transaction.atomic():
        RulesVersion.objects.filter(pk=v1.pk).update(document={"categories": ["member"]})
    same = services.rules_publish(user=ro, ballot=future_ballot, document=rules_doc(), confirm=True)
    assert same.pk == v1.pk  # nothing new to publish
    v2 = services.rules_publish(
        user=ro, ballot=future_ballot, document=rules_doc(min_membership_months=0), confirm=True,
        note="the NEC dropped the six months",
    )  # fmt: skip
    assert v2.number == 2
    assert [v.number for v in selectors.rules_versions(future_ballot)] == [2, 1]
    assert selectors.current_rules(future_ballot).document["min_membership_months"] == 0


def test_rules_cannot_be_published_or_changed_once_the_ballot_has_opened(ro):
    already = draft_ballot(ro, freeze_date=FREEZE)  # opened an hour ago by its times
    with pytest.raises(Refused, match="opened"):
        services.rules_publish(user=ro, ballot=already, document=rules_doc(), confirm=True)
    later = draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=3), freeze_date=FREEZE)
    services.rules_publish(user=ro, ballot=later, document=rules_doc(), confirm=True)
    open_ballot(later)
    with pytest.raises(Refused, match="opened"):
        services.rules_publish(
            user=ro, ballot=later, document=rules_doc(min_membership_months=0), confirm=True
        )
    assert RulesVersion.objects.filter(ballot=later).count() == 1


def test_rules_naming_a_supporter_window_are_refused_once_it_has_opened(ro, future_ballot):
    admin = factories.user(Role.NATIONAL_ADMIN)
    services.window_create(
        user=admin, slug="july-2016", name="July 2016", fee_pence=2500, branch=factories.branch(),
        opens_at=datetime(2016, 7, 18, 17, tzinfo=TZ), closes_at=datetime(2016, 7, 20, 17, tzinfo=TZ),
    )  # fmt: skip
    doc = rules_doc(supporter_fee_window="july-2016")
    with pytest.raises(Refused, match="July 2016 opened"):
        services.rules_publish(user=ro, ballot=future_ballot, document=doc, confirm=True)
    v = services.rules_publish(user=ro, ballot=future_ballot, document=doc, confirm=True, now=BEFORE_WINDOW)
    assert v.document["supporter_fee_window"] == "july-2016"


def test_only_a_ballots_runners_publish_its_rules_and_bad_documents_name_their_fields(future_ballot):
    organiser = factories.user(Role.BRANCH_ORGANISER, branch=factories.branch())
    with pytest.raises(Refused) as e:
        services.rules_publish(user=organiser, ballot=future_ballot, document=rules_doc(), confirm=True)
    assert e.value.status == 403
    with pytest.raises(Refused) as e:
        services.rules_publish(
            user=None, ballot=future_ballot, confirm=True,
            document=rules_doc(dues_in_good_standing_by="2099-01-01", categories=["member", "friends"]),
        )  # fmt: skip
    assert e.value.status == 400 and "categories" in e.value.message


def test_the_electorate_is_the_published_rules_as_at_the_freeze_with_a_reason_for_everyone_left_out(
    ro, future_ballot
):
    branch = factories.branch()
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=6)

    def member(joined, **kw):
        m = factories.person(branch=branch, joined_on=joined, **kw).memberships.get()
        if kw.get("category", "member") == "member":
            Subscription.objects.create(membership=m, rate=rate)
        return m

    paid = member(date(2015, 9, 1))
    arrears_paid_by_deadline = member(date(2015, 9, 1))
    arrears = member(date(2015, 9, 1))
    lapsed = member(date(2015, 9, 1))
    too_late = member(date(2016, 3, 1))
    supporter = member(date(2015, 9, 1), category="registered_supporter")
    affiliated = member(date(2015, 9, 1), category="affiliated_supporter", affiliate="Unite")
    rows = monthly(paid, date(2015, 9, 1), 12) + monthly(too_late, date(2016, 3, 1), 6)
    rows += monthly(arrears_paid_by_deadline, date(2015, 9, 1), 9)
    rows.append((date(2016, 8, 5), arrears_paid_by_deadline.membership_number, "12.00"))  # by the deadline
    rows += monthly(arrears, date(2015, 9, 1), 9)
    rows.append((date(2016, 8, 9), arrears.membership_number, "12.00"))  # a day late
    rows += monthly(lapsed, date(2015, 9, 1), 2)
    services.payments_import(user=None, fmt="bank_csv", filename="s.csv", data=bank(rows))
    window = services.window_create(
        user=None, slug="july-2016", name="July 2016", fee_pence=2500, branch=branch,
        opens_at=datetime(2016, 7, 18, 17, tzinfo=TZ), closes_at=datetime(2016, 7, 20, 17, tzinfo=TZ),
    )  # fmt: skip
    doc = rules_doc(supporter_fee_window="july-2016")
    services.rules_publish(user=ro, ballot=future_ballot, document=doc, confirm=True, now=BEFORE_WINDOW)
    paid_fee, _ = services.supporter_signup(
        window=window, first_name="Sue", last_name="Porter", email="sue@example.org", postcode="de221ab",
        declared=True, fee_reference="SUP-0001", now=datetime(2016, 7, 19, 9, tzinfo=TZ),
    )  # fmt: skip

    open_ballot(future_ballot)
    electors = set(Elector.objects.filter(ballot=future_ballot).values_list("person_id", flat=True))
    assert electors == {paid.person_id, arrears_paid_by_deadline.person_id, paid_fee.membership.person_id}
    counts = selectors.exclusion_counts(future_ballot)
    assert counts["rules_version"] == 1
    by = counts["by_reason"]
    for reason in ("in_arrears", "lapsed", "joined_too_late", "no_supporter_fee", "wrong_category"):
        assert by[reason] == 1, reason
    assert Ballot.objects.get(pk=future_ballot.pk).eligible_categories == ["member", "registered_supporter"]
    assert {supporter.person_id, affiliated.person_id}.isdisjoint(electors)


def test_a_hand_match_made_after_the_opening_began_does_not_change_the_frozen_electorate(ro):
    branch = factories.branch()
    rate = Rate.objects.create(name="standard monthly", amount_pence=400, grace_months=6)
    officer = factories.user(Role.NATIONAL_ADMIN)

    def member_paying_without_reference():
        m = factories.person(branch=branch, joined_on=date(2016, 1, 1)).memberships.get()
        Subscription.objects.create(membership=m, rate=rate)
        data = bank([(date(2016, 1, 1), f"NO REF {m.pk}", "28.00")])  # seven months, nobody's reference
        services.payments_import(user=officer, fmt="bank_csv", filename=f"{m.pk}.csv", data=data)
        return m, Payment.objects.get(reference=f"NO REF {m.pk}")

    early, early_row = member_paying_without_reference()
    late, late_row = member_paying_without_reference()
    ballot = draft_ballot(ro, opens_in=timedelta(days=1), closes_in=timedelta(days=3), freeze_date=FREEZE)
    services.rules_publish(user=ro, ballot=ballot, document=rules_doc(min_membership_months=0,
                           dues_in_good_standing_by=FREEZE.isoformat()), confirm=True)  # fmt: skip
    services.payment_match(user=officer, payment=early_row, membership=early)
    ballot_open_start(ballot=ballot, actor=ro)
    services.payment_match(user=officer, payment=late_row, membership=late)  # after the opening began
    ballot_open(ballot_id=ballot.pk)
    electors = set(Elector.objects.filter(ballot=ballot).values_list("person_id", flat=True))
    assert early.person_id in electors
    assert late.person_id not in electors
    assert selectors.exclusion_counts(ballot)["by_reason"]["lapsed"] == 1  # nothing known paid: lapsed 1 July
