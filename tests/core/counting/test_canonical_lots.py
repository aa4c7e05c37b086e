"""Lots come from the papers alone: any layout of the same papers draws the same lots.

The adversary is a returning officer (or anyone publishing the file) who reorders the
candidates or the papers of a tied count until the lot favours their candidate; a sceptical
member re-counting "the same papers" from another layout must get the identical result."""

from __future__ import annotations

import hashlib
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.counting import BallotBuilder, count
from groundswell.core.formats.ballot_files import parse_blt, parse_csv, write_blt
from tests.core.counting.profiles import FOOD_BLT

NAMES = ["Ann", "Bob", "Cat", "Dan", "Eve"]


def by_names(candidates, papers):
    """Ballots from papers given as tuples of names, candidates listed as given."""
    b = BallotBuilder(candidates)
    for names, weight in papers:
        b.add_names(list(names), weight=weight)
    return b.build()


def outcome(report) -> dict:
    """What must not depend on the layout: winners, lots, seed and every round."""
    d = report.to_dict()
    return {k: d[k] for k in ("winners", "tie_breaks", "seed", "rounds", "valid", "invalid", "quota")}


@st.composite
def tied_elections(draw):
    """Small elections with few papers, so ties (and lots) are frequent."""
    n = draw(st.integers(2, 5))
    names = NAMES[:n]
    paper = st.permutations(names).flatmap(lambda p: st.integers(1, len(p)).map(lambda k, p=p: tuple(p[:k])))
    papers = draw(st.lists(paper, min_size=1, max_size=12))
    return names, papers


@settings(max_examples=150, deadline=None)
@given(tied_elections(), st.sampled_from(["irv", "stv", "fptp"]), st.integers(1, 3), st.randoms())
def test_shuffled_papers_reordered_candidates_and_split_or_merged_weights_draw_the_same_lots(
    election, method, seats, rnd
):
    names, papers = election
    seats = 1 if method == "irv" else min(seats, len(names))
    base = by_names(names, [(p, 1) for p in papers])

    # Another layout of the same papers: candidates listed in another order, papers
    # shuffled, identical papers merged into one weighted line or split again.
    order = list(names)
    rnd.shuffle(order)
    shuffled = list(papers)
    rnd.shuffle(shuffled)
    merged: dict[tuple, int] = {}
    for p in shuffled:
        merged[p] = merged.get(p, 0) + 1
    layout = []
    for p, w in merged.items():
        cut = rnd.randint(0, w)  # split a weight in two lines, or keep it whole
        layout += [(p, cut), (p, w - cut)] if 0 < cut < w else [(p, w)]
    rnd.shuffle(layout)
    other = by_names(order, layout)

    assert base.fingerprint() == other.fingerprint()
    assert outcome(count(base, method=method, seats=seats)) == outcome(
        count(other, method=method, seats=seats)
    )


def test_the_same_three_papers_in_another_order_elect_the_same_candidate():
    """The issue's example: papers A, B, C and C, B, A (one each) elected C and A."""
    first = parse_csv("rank1\nA\nB\nC\n".splitlines(keepends=True))
    second = parse_csv("rank1\nC\nB\nA\n".splitlines(keepends=True))
    assert first.candidates != second.candidates  # first-appearance order differs
    for method in ("irv", "fptp", "stv"):
        a, b = count(first, method=method), count(second, method=method)
        assert a.winners == b.winners and a.to_dict()["tie_breaks"] == b.to_dict()["tie_breaks"]


def test_a_published_blt_shuffled_and_with_candidates_renumbered_recounts_identically():
    """A .blt whose count needs lots (the food election of profiles.py with four more
    papers, Pears, Pears, Strawberries, Sweets, so that exclusions tie at every stage),
    published once, then re-published with its candidate list reordered (every preference
    renumbered) and its ballot lines shuffled."""
    ballots, seats = parse_blt(FOOD_BLT.splitlines())
    names = list(ballots.candidates)
    papers = []
    for row, weight in zip(ballots.prefs.tolist(), ballots.weights.tolist(), strict=True):
        papers += [tuple(c for c in row if c >= 0)] * weight
    papers += [(1,), (1,), (3,), (4,)]  # Pears, Pears, Strawberries, Sweets
    rnd = random.Random(7)
    original = write_blt(names, seats, papers, title="Food election")
    order = names[::-1]
    renumber = {i: order.index(name) for i, name in enumerate(names)}
    reordered = [tuple(renumber[c] for c in p) for p in papers]
    rnd.shuffle(reordered)
    republished = write_blt(order, seats, reordered, title="Food election")
    assert original != republished
    a = count(parse_blt(original.splitlines())[0], method="stv", seats=seats)
    b = count(parse_blt(republished.splitlines())[0], method="stv", seats=seats)
    assert outcome(a) == outcome(b)
    assert any(t.method == "lot" for t in a.tie_breaks)
    for method in ("irv", "fptp"):
        s = 1 if method == "irv" else seats
        first = count(parse_blt(original.splitlines())[0], method=method, seats=s)
        assert outcome(first) == outcome(
            count(parse_blt(republished.splitlines())[0], method=method, seats=s)
        )
        assert method == "fptp" or any(t.method == "lot" for t in first.tie_breaks)


def test_candidates_reaching_the_quota_together_are_elected_without_a_lot():
    """Equal votes over the quota at one stage: both are elected; the order in which they
    are listed is by name and no lot is drawn (the rules give that order no meaning)."""
    ballots = by_names(["Zed", "Amy", "Bo"], [(("Zed", "Bo"), 4), (("Amy", "Bo"), 4), (("Bo",), 1)])
    report = count(ballots, method="stv", seats=2)
    assert report.winners == ["Amy", "Zed"]
    assert report.rounds[0].elected == ["Amy", "Zed"]
    assert [t for t in report.tie_breaks if t.purpose != "surplus order"] == []
    assert all(t.method != "lot" for t in report.tie_breaks if t.purpose == "election order")


def test_the_canonical_form_is_documented_text_anyone_can_rebuild():
    ballots = by_names(["Cat", "Ann"], [(("Cat", "Ann"), 2), (("Ann",), 1)])
    text = "groundswell-ballots 1\ncandidates\tAnn\tCat\nwithdrawn\n1\t1\n2\t2\t1\n"
    assert ballots.canonical_text() == text
    report = count(ballots, method="irv").to_dict()
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert report["fingerprint"] == digest and report["seed_source"] == "papers"
    assert report["seed"] == int(digest[:12], 16)
    assert count(ballots, method="irv", seed=5).to_dict()["seed_source"] == "given"


@settings(max_examples=60, deadline=None)
@given(tied_elections(), st.randoms())
def test_a_blt_and_a_csv_of_the_same_papers_in_any_layout_count_alike(election, rnd):
    """The published .blt and .csv of one ballot, each in its own candidate and paper order."""
    from groundswell.core.formats.ballot_files import write_csv

    names, papers = election
    order = list(names)
    rnd.shuffle(order)
    blt_papers = [tuple(order.index(n) for n in p) for p in papers]
    rnd.shuffle(blt_papers)
    blt_text = write_blt(order, 1, blt_papers, title="t")
    csv_papers = [("", tuple(names.index(n) for n in p)) for p in papers]
    rnd.shuffle(csv_papers)
    csv_text = write_csv(names, csv_papers, width=len(names))
    from_blt = parse_blt(blt_text.splitlines())[0]
    from_csv = parse_csv(csv_text.splitlines(keepends=True), candidates=names)
    assert from_blt.fingerprint() == from_csv.fingerprint()
    for method in ("irv", "stv", "fptp"):
        assert outcome(count(from_blt, method=method)) == outcome(count(from_csv, method=method))
