"""Eligibility decided from published rules and facts alone (issue 16, item 4): properties a
voter, a returning officer or a court would notice if they broke."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.lifecycle import Entry, Rules
from groundswell.core.lifecycle.eligibility import (
    EligibilityRules,
    MembershipFacts,
    Reason,
    RulesProblem,
    decide,
    membership_reason,
)

FREEZE = date(2016, 7, 12)
MONTHLY = Rules(rate_pence=400, period_months=1, grace_months=6)
START = date(2015, 1, 1)

day_offsets = st.integers(min_value=0, max_value=800)
entry = st.builds(
    lambda d, a, k, known: Entry(
        on=START + timedelta(days=d),
        amount_pence=a,
        key=str(k),
        known_on=datetime(2015, 1, 1) + timedelta(days=d + known),
    ),
    day_offsets,
    st.sampled_from([400, 800, 4800, -400]),
    st.integers(0, 10**6),
    st.integers(0, 60),
)
facts_strategy = st.lists(
    st.builds(
        lambda i, person, cat, joined, on_ledger, es, fee, erased, lapsed: MembershipFacts(
            membership_id=i,
            person_id=person,
            category=cat,
            joined_on=START + timedelta(days=joined),
            lapsed_on=None if lapsed is None else START + timedelta(days=joined + lapsed),
            dues=MONTHLY if on_ledger else None,
            entries=tuple(es) if on_ledger else (),
            fee_paid=fee,
            erased=erased,
        ),
        st.integers(1, 10**6),
        st.integers(1, 12),
        st.sampled_from(["member", "registered_supporter", "affiliated_supporter"]),
        day_offsets,
        st.booleans(),
        st.lists(entry, max_size=12),
        st.booleans(),
        st.booleans(),
        st.none() | st.integers(0, 500),
    ),
    max_size=15,
    unique_by=lambda f: f.membership_id,
)
rules_strategy = st.builds(
    EligibilityRules,
    categories=st.sampled_from(
        [
            ("member",),
            ("member", "registered_supporter"),
            ("member", "affiliated_supporter", "registered_supporter"),
        ]
    ),
    freeze_date=st.just(FREEZE),
    min_membership_months=st.integers(0, 12),
    dues_by=st.none() | st.sampled_from([FREEZE, date(2016, 8, 8)]),
    supporter_fee_window=st.sampled_from(["", "july-2016"]),
)
known_by = st.none() | st.builds(lambda d: datetime(2016, 1, 1) + timedelta(days=d), st.integers(0, 400))


@given(rules_strategy, facts_strategy, known_by, st.randoms())
def test_everyone_is_either_an_elector_or_excluded_with_a_reason_whatever_the_order(r, facts, kb, rnd):
    decision = decide(r, facts, known_by=kb)
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    assert decide(r, shuffled, known_by=kb) == decision
    people = {f.person_id for f in facts}
    assert set(decision.electors) | set(decision.excluded) == people
    assert not set(decision.electors) & set(decision.excluded)
    assert sum(decision.counts().values()) == len(decision.excluded)
    for pid, (category, _) in decision.electors.items():
        assert category in r.categories
        assert any(f.person_id == pid and membership_reason(r, f, known_by=kb) is None for f in facts)


@given(rules_strategy, facts_strategy, known_by, st.lists(entry, max_size=6))
def test_payments_dated_after_the_freeze_and_dues_date_change_nobodys_vote(r, facts, kb, later):
    """Paying after the deadline buys nothing before it, whatever the amount."""
    last = max(r.freeze_date, r.dues_by or r.freeze_date)
    moved = tuple(
        Entry(
            on=last + timedelta(days=1 + (e.on - START).days), amount_pence=e.amount_pence, key="late" + e.key
        )
        for e in later
    )
    more = [MembershipFacts(**{**f.__dict__, "entries": f.entries + moved}) if f.dues else f for f in facts]
    assert decide(r, more, known_by=kb) == decide(r, facts, known_by=kb)


@given(
    rules_strategy,
    facts_strategy,
    st.builds(lambda d: datetime(2016, 1, 1) + timedelta(days=d), st.integers(0, 400)),
)
def test_a_match_recorded_after_opening_began_does_not_change_the_frozen_electorate(r, facts, kb):
    """Rows the organisation learnt of after `known_by` are as if they did not exist."""
    known = [
        MembershipFacts(**{**f.__dict__, "entries": tuple(e for e in f.entries if e.known_on <= kb)})
        for f in facts
    ]
    assert decide(r, facts, known_by=kb) == decide(r, known, known_by=kb)


@given(rules_strategy, facts_strategy)
def test_dropping_the_dues_date_never_takes_a_vote_away(r, facts):
    strict = decide(r, facts)
    lenient = decide(
        EligibilityRules(categories=r.categories, freeze_date=r.freeze_date,
                         min_membership_months=r.min_membership_months,
                         supporter_fee_window=r.supporter_fee_window),
        facts,
    )  # fmt: skip
    assert set(strict.electors) <= set(lenient.electors)


def test_a_supporter_who_paid_in_the_window_qualifies_by_the_fee_not_a_joining_date():
    """2016: members had to have joined by 12 January; supporters paid £25 in July."""
    july = one(category="registered_supporter", joined_on=date(2016, 7, 19), fee_paid=True)
    assert membership_reason(RULES, july) is None
    assert membership_reason(RULES, one(category="registered_supporter", joined_on=date(2016, 7, 19))) == (
        Reason.NO_SUPPORTER_FEE
    )


@given(rules_strategy)
def test_a_published_document_reads_back_as_the_same_rules(r):
    assert EligibilityRules.from_document(r.to_document()) == r


def one(**kw) -> MembershipFacts:
    base = dict(membership_id=1, person_id=1, category="member", joined_on=date(2015, 6, 1))
    return MembershipFacts(**{**base, **kw})


RULES = EligibilityRules(
    categories=("member", "registered_supporter"),
    freeze_date=FREEZE,
    min_membership_months=6,
    dues_by=date(2016, 8, 8),
    supporter_fee_window="july-2016",
)


def monthly(*days: date) -> tuple[Entry, ...]:
    return tuple(Entry(on=d, amount_pence=400, key=str(i)) for i, d in enumerate(days))


def test_each_exclusion_names_its_reason():
    paid = monthly(
        *(date(2015 + (5 + m) // 12, (5 + m) % 12 + 1, 1) for m in range(15))
    )  # Jun 2015..Aug 2016
    assert membership_reason(RULES, one(dues=MONTHLY, entries=paid)) is None
    assert membership_reason(RULES, one(joined_on=date(2016, 1, 13))) == Reason.JOINED_TOO_LATE
    assert membership_reason(RULES, one(joined_on=date(2016, 1, 12))) is None  # six months to the day
    assert membership_reason(RULES, one(category="affiliated_supporter")) == Reason.WRONG_CATEGORY
    assert membership_reason(RULES, one(category="registered_supporter")) == Reason.NO_SUPPORTER_FEE
    assert membership_reason(RULES, one(category="registered_supporter", fee_paid=True)) is None
    assert membership_reason(RULES, one(lapsed_on=date(2016, 7, 1))) == Reason.LAPSED
    assert membership_reason(RULES, one(dues=MONTHLY, entries=paid[:3])) == Reason.LAPSED  # paid to Sep 2015
    assert membership_reason(RULES, one(dues=MONTHLY, entries=paid[:12])) == Reason.IN_ARREARS  # to Jun 2016
    assert membership_reason(RULES, one(erased=True)) == Reason.ERASED
    assert membership_reason(RULES, one(excluded=True)) == Reason.EXCLUDED


def test_a_member_in_arrears_who_pays_by_the_dues_date_votes_and_one_who_pays_after_does_not():
    arrears = monthly(*(date(2015 + (5 + m) // 12, (5 + m) % 12 + 1, 1) for m in range(12)))  # to 1 Jun 2016
    by_deadline = (*arrears, Entry(on=date(2016, 8, 1), amount_pence=1200, key="late"))
    after = (*arrears, Entry(on=date(2016, 8, 9), amount_pence=1200, key="late"))
    assert membership_reason(RULES, one(dues=MONTHLY, entries=by_deadline)) is None
    assert membership_reason(RULES, one(dues=MONTHLY, entries=after)) == Reason.IN_ARREARS


def test_a_person_votes_once_in_their_first_category_and_is_excluded_for_the_nearest_reason():
    both = [one(), one(membership_id=2, category="registered_supporter", fee_paid=True)]
    assert decide(RULES, both).electors == {1: ("member", 0)}
    nearest = [one(membership_id=3, category="affiliated_supporter"), one(lapsed_on=date(2016, 1, 1))]
    assert decide(RULES, nearest).excluded == {1: Reason.LAPSED}


def test_a_rules_document_with_mistakes_names_every_field():
    with pytest.raises(RulesProblem) as e:
        EligibilityRules.from_document(
            {"categories": ["member", "friend"], "freeze_date": "12/07/2016", "min_membership_months": "six",
             "colour": "red"}
        )  # fmt: skip
    text = str(e.value)
    for field in ("colour", "freeze_date", "min_membership_months"):
        assert field in text
