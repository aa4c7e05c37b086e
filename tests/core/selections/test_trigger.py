"""Trigger ballots: a third of the branches or a third of the affiliates opens a selection."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.selections import Section, TriggerError, needed, trigger_outcome

THIRD = {"branch": Fraction(1, 3), "affiliate": Fraction(1, 3)}


def sec(name, kind, f, a):
    return Section(name, kind, f, a)


def test_a_third_of_the_affiliates_triggers_even_when_every_branch_says_no():
    sections = [sec(f"B{i}", "branch", 10, 20) for i in range(6)] + [
        sec("Unite", "affiliate", 5, 1),
        sec("GMB", "affiliate", 1, 5),
        sec("CWU", "affiliate", 0, 3),
    ]
    out = trigger_outcome(sections, THIRD)
    assert out.triggered
    kinds = {k.kind: k for k in out.kinds}
    assert (kinds["affiliate"].yes, kinds["affiliate"].needed, kinds["affiliate"].met) == (1, 1, True)
    assert (kinds["branch"].yes, kinds["branch"].needed, kinds["branch"].met) == (0, 2, False)
    assert out.report()["sections"][0] == {
        "name": "CWU",
        "kind": "affiliate",
        "for": 0,
        "against": 3,
        "says_yes": False,
    }


def test_just_under_a_third_does_not_trigger_and_a_tie_is_no():
    # 9 branches: a third is exactly 3; two yes and a tie is not enough
    sections = [sec("B1", "branch", 5, 1), sec("B2", "branch", 5, 1), sec("B3", "branch", 4, 4)] + [
        sec(f"N{i}", "branch", 0, 1) for i in range(6)
    ]
    out = trigger_outcome(sections, {"branch": Fraction(1, 3)})
    assert not out.triggered and out.kinds[0].needed == 3 and out.kinds[0].yes == 2


@pytest.mark.parametrize(
    "sections,thresholds,message",
    [
        ([sec("A", "branch", 1, 0), sec("A", "branch", 0, 1)], THIRD, "section 'A': listed twice"),
        ([sec("A", "brnach", 1, 0)], THIRD, "section 'A': kind 'brnach' has no threshold"),
        ([sec("A", "branch", -1, 0)], THIRD, "section 'A': votes_for must be a whole number"),
        ([], {"branch": Fraction(0)}, "threshold for 'branch'"),
        ([], {"branch": Fraction(3, 2)}, "threshold for 'branch'"),
    ],
)
def test_bad_input_is_refused_naming_the_section_and_field(sections, thresholds, message):
    with pytest.raises(TriggerError, match=message):
        trigger_outcome(sections, thresholds)


kinds = st.sampled_from(["branch", "affiliate"])
votes = st.integers(min_value=0, max_value=50)
section_lists = st.lists(st.tuples(kinds, votes, votes), max_size=30).map(
    lambda rows: [Section(f"S{i}", k, f, a) for i, (k, f, a) in enumerate(rows)]
)
fractions = st.fractions(min_value=Fraction(1, 20), max_value=1, max_denominator=20)


@given(section_lists, fractions, fractions)
def test_triggered_exactly_when_some_kinds_yes_share_reaches_its_threshold(sections, tb, ta):
    thresholds = {"branch": tb, "affiliate": ta}
    out = trigger_outcome(sections, thresholds)
    expected = False
    for kind, t in thresholds.items():
        mine = [s for s in sections if s.kind == kind]
        yes = sum(s.votes_for > s.votes_against for s in mine)
        if mine and Fraction(yes, len(mine)) >= t:
            expected = True
    assert out.triggered == expected


@given(section_lists, fractions, st.randoms(use_true_random=False))
def test_the_order_sections_are_listed_in_changes_nothing(sections, t, rnd):
    shuffled = list(sections)
    rnd.shuffle(shuffled)
    th = {"branch": t, "affiliate": t}
    assert trigger_outcome(sections, th) == trigger_outcome(shuffled, th)


@given(section_lists, fractions, st.data())
def test_a_section_changing_to_yes_never_stops_a_trigger(sections, t, data):
    th = {"branch": t, "affiliate": t}
    before = trigger_outcome(sections, th)
    if not sections:
        return
    i = data.draw(st.integers(0, len(sections) - 1))
    s = sections[i]
    flipped = [*sections[:i], Section(s.name, s.kind, s.votes_against + 1, 0), *sections[i + 1 :]]
    assert trigger_outcome(flipped, th).triggered >= before.triggered


@given(st.integers(1, 700), fractions)
def test_needed_is_the_smallest_count_reaching_the_threshold(n, t):
    k = needed(t, n)
    assert Fraction(k, n) >= t and (k == 1 or Fraction(k - 1, n) < t)
