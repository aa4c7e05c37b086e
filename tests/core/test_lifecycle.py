"""Standing derived from payments and rules (issue 16): properties a member or an auditor
would notice if they broke."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.lifecycle import Entry, Rules, State, add_months, standing_as_at

JOINED = date(2015, 9, 1)
MONTHLY = Rules(rate_pence=500, period_months=1, grace_months=6)
YEARLY = Rules(rate_pence=4800, period_months=12, grace_months=3)

days = st.integers(min_value=0, max_value=1500)
entries = st.lists(
    st.builds(
        lambda d, a, k: Entry(on=JOINED + timedelta(days=d), amount_pence=a, key=str(k)),
        days,
        st.sampled_from([500, 1000, 4800, 250, -500]),
        st.integers(0, 10**6),
    ),
    max_size=30,
)
rules = st.sampled_from([MONTHLY, YEARLY, Rules(rate_pence=300, grace_months=0)])


@given(entries, rules, days, st.randoms())
def test_standing_is_a_function_of_the_set_of_payments_not_their_import_order(es, r, d, rnd):
    shuffled = list(es)
    rnd.shuffle(shuffled)
    as_at = JOINED + timedelta(days=d)
    assert standing_as_at(joined_on=JOINED, entries=es, rules=r, as_at=as_at) == standing_as_at(
        joined_on=JOINED, entries=shuffled, rules=r, as_at=as_at
    )


@given(entries, entries, rules, days)
def test_a_later_payment_never_changes_the_standing_as_at_an_earlier_date(es, later, r, d):
    """The freeze date sees what was true then: no back-dated good standing by paying after it."""
    as_at = JOINED + timedelta(days=d)
    after = [
        Entry(on=as_at + timedelta(days=1) + (e.on - JOINED), amount_pence=e.amount_pence) for e in later
    ]
    assert standing_as_at(joined_on=JOINED, entries=es, rules=r, as_at=as_at) == standing_as_at(
        joined_on=JOINED, entries=es + after, rules=r, as_at=as_at
    )


@given(entries, rules, days, days)
def test_payments_learnt_of_after_the_knowledge_date_are_not_seen(es, r, d, k):
    as_at = JOINED + timedelta(days=d)
    known_by = JOINED + timedelta(days=k)
    late = [Entry(on=e.on, amount_pence=e.amount_pence, known_on=known_by + timedelta(days=1)) for e in es]
    assert standing_as_at(
        joined_on=JOINED, entries=late, rules=r, as_at=as_at, known_by=known_by
    ) == standing_as_at(joined_on=JOINED, entries=[], rules=r, as_at=as_at)


@given(st.integers(1, 60), st.integers(0, 27), st.integers(0, 2000), st.sampled_from([1, 12]))
def test_a_member_paying_every_period_on_time_is_never_in_arrears(periods, early, d, months):
    r = Rules(rate_pence=500 * months, period_months=months, grace_months=6)
    es = [
        Entry(
            on=max(JOINED, add_months(JOINED, i * months) - timedelta(days=early)), amount_pence=r.rate_pence
        )
        for i in range(periods)
    ]
    as_at = JOINED + timedelta(days=d)
    s = standing_as_at(joined_on=JOINED, entries=es, rules=r, as_at=as_at)
    if as_at < add_months(JOINED, periods * months):
        assert s.state == State.GOOD_STANDING
    assert s.state != State.IN_ARREARS or as_at >= add_months(JOINED, periods * months)


@given(entries, rules, days)
def test_more_money_never_makes_standing_worse_before_a_lapse(es, r, d):
    """Paying an extra period on the joining day never turns good standing into arrears."""
    as_at = JOINED + timedelta(days=d)
    base = standing_as_at(joined_on=JOINED, entries=es, rules=r, as_at=as_at)
    more = standing_as_at(
        joined_on=JOINED, entries=[*es, Entry(on=JOINED, amount_pence=r.rate_pence)], rules=r, as_at=as_at
    )
    if base.state == State.GOOD_STANDING and base.restored_on is None:
        assert more.state == State.GOOD_STANDING


def test_arrears_then_lapse_then_restoration_on_paying_again():
    es = [Entry(on=JOINED, amount_pence=500), Entry(on=date(2015, 10, 1), amount_pence=500)]
    at = lambda d: standing_as_at(joined_on=JOINED, entries=es, rules=MONTHLY, as_at=d)  # noqa: E731
    assert at(date(2015, 10, 31)).state == State.GOOD_STANDING
    s = at(date(2015, 11, 1))
    assert s.state == State.IN_ARREARS and s.in_arrears_since == date(2015, 11, 1)
    s = at(date(2016, 5, 1))
    assert s.state == State.LAPSED and s.lapsed_on == date(2016, 5, 1)
    # paying again after the lapse restores from that day; the old arrears are not owed
    es.append(Entry(on=date(2016, 7, 15), amount_pence=500))
    s = at(date(2016, 7, 20))
    assert s.state == State.GOOD_STANDING and s.restored_on == date(2016, 7, 15)
    assert s.paid_up_to == date(2016, 8, 15)
    # paying within the grace period clears arrears, counted from the old paid-up-to date
    es2 = [Entry(on=JOINED, amount_pence=500), Entry(on=date(2016, 1, 5), amount_pence=1000)]
    s = standing_as_at(joined_on=JOINED, entries=es2, rules=MONTHLY, as_at=date(2016, 1, 6))
    assert s.state == State.IN_ARREARS and s.paid_up_to == date(2015, 12, 1)


def test_a_failed_collection_takes_back_the_months_it_bought():
    es = [Entry(on=JOINED, amount_pence=500), Entry(on=date(2015, 10, 1), amount_pence=500)]
    ok = standing_as_at(joined_on=JOINED, entries=es, rules=MONTHLY, as_at=date(2015, 10, 10))
    failed = standing_as_at(
        joined_on=JOINED, entries=[*es, Entry(on=date(2015, 10, 6), amount_pence=-500)], rules=MONTHLY,
        as_at=date(2015, 10, 10),
    )  # fmt: skip
    assert ok.state == State.GOOD_STANDING
    assert failed.state == State.IN_ARREARS and failed.in_arrears_since == date(2015, 10, 1)


def test_month_ends_are_counted_from_the_anchor():
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)
    assert add_months(date(2016, 1, 31), 2) == date(2016, 3, 31)
    assert add_months(date(2015, 12, 15), 1) == date(2016, 1, 15)
