"""Eligibility to apply and the shortlist balance rule: the adversary is an applicant who
joined last month, or is not in the branch, and a panel confirming an unbalanced shortlist."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.selections.balance import BalanceRule, check_balance
from groundswell.core.selections.eligibility import (
    EligibilityRules,
    MemberRecord,
    check_eligibility,
    whole_months_between,
)

CLOSE = date(2026, 12, 1)


def test_a_member_who_joined_last_month_is_refused_with_the_rule_named():
    out = check_eligibility(
        EligibilityRules(min_months=12), MemberRecord(date(2026, 11, 3), True, False), CLOSE
    )
    assert not out.eligible
    assert any(r.startswith("minimum membership: 12 months") for r in out.reasons)


def test_a_member_of_another_branch_is_refused():
    out = check_eligibility(EligibilityRules(), MemberRecord(date(2010, 1, 1), False, True), CLOSE)
    assert out.reasons == ("branch: not a member of this branch",)


def test_union_membership_is_checked_only_when_the_rules_ask():
    rec = MemberRecord(date(2010, 1, 1), True, False)
    assert check_eligibility(EligibilityRules(), rec, CLOSE).eligible
    out = check_eligibility(EligibilityRules(union_required=True), rec, CLOSE)
    assert out.reasons == ("trade union: membership of a trade union is required",)


def test_not_a_member_is_refused():
    out = check_eligibility(EligibilityRules(), MemberRecord(None, True, True), CLOSE)
    assert not out.eligible


def test_month_edges():
    assert whole_months_between(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert whole_months_between(date(2026, 1, 15), date(2026, 3, 15)) == 2
    assert whole_months_between(date(2026, 1, 15), date(2026, 3, 14)) == 1


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1))


@given(dates, dates, st.integers(0, 600), st.booleans(), st.booleans(), st.booleans())
def test_eligible_exactly_when_every_rule_holds(joined, as_of, months, in_branch, union, req):
    rules = EligibilityRules(min_months=months, union_required=req)
    out = check_eligibility(rules, MemberRecord(joined, in_branch, union), as_of)
    expect = whole_months_between(joined, as_of) >= months and in_branch and (union or not req)
    assert out.eligible == expect
    assert out.eligible == (out.reasons == ())


@given(dates, dates, st.integers(0, 4000))
def test_months_are_monotone_and_never_exceed_the_calendar(start, end, extra):
    later = end + timedelta(days=extra)
    assert whole_months_between(start, later) >= whole_months_between(start, end)
    m = whole_months_between(start, end)
    assert m * 28 <= max((end - start).days, 0)


@given(dates, st.integers(0, 600), st.integers(0, 600))
def test_a_longer_requirement_never_admits_someone_a_shorter_one_refuses(joined, a, b):
    lo, hi = sorted((a, b))
    rec = MemberRecord(joined, True, True)
    if check_eligibility(EligibilityRules(min_months=hi), rec, CLOSE).eligible:
        assert check_eligibility(EligibilityRules(min_months=lo), rec, CLOSE).eligible


HALF = BalanceRule("woman", Fraction(1, 2))


def test_half_of_five_needs_three():
    assert not check_balance(HALF, ["woman", "woman", "man", "man", "man"]).met
    assert check_balance(HALF, ["woman", "woman", "woman", "man", "man"]).met


def test_not_stated_never_counts_and_an_empty_shortlist_is_not_balanced():
    assert not check_balance(HALF, ["not stated", "man"]).met
    assert not check_balance(HALF, []).met
    assert check_balance(None, []).met


genders = st.lists(st.sampled_from(["woman", "man", "non-binary", "not stated"]), max_size=20)


@given(genders, st.fractions(min_value=0, max_value=1))
def test_balance_met_exactly_when_the_share_reaches_the_fraction(gs, frac):
    rule = BalanceRule("woman", frac)
    out = check_balance(rule, gs)
    women = gs.count("woman")
    assert out.met == (len(gs) > 0 and Fraction(women, len(gs)) >= frac)


@given(genders)
def test_replacing_a_man_by_a_woman_never_breaks_balance(gs):
    if "man" in gs and check_balance(HALF, gs).met:
        swapped = list(gs)
        swapped[swapped.index("man")] = "woman"
        assert check_balance(HALF, swapped).met
