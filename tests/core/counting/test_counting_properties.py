"""Properties every count must have, on random elections (hypothesis)."""

import random

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from groundswell.core.counting import BallotBuilder, count, from_array

CANDIDATES = ["Ann", "Bob", "Cat", "Dan", "Eve"]


@st.composite
def elections(draw, min_candidates=2, max_candidates=5, max_papers=60):
    n = draw(st.integers(min_candidates, max_candidates))
    papers = draw(
        st.lists(
            st.permutations(range(n)).flatmap(
                lambda p: st.integers(1, len(p)).map(lambda k, p=p: tuple(p[:k]))
            ),
            min_size=1,
            max_size=max_papers,
        )
    )
    cats = draw(
        st.lists(
            st.sampled_from(["member", "registered_supporter", "affiliated_supporter"]),
            min_size=len(papers),
            max_size=len(papers),
        )
    )
    return CANDIDATES[:n], papers, cats


def build(candidates, papers, cats=None):
    b = BallotBuilder(candidates)
    for i, paper in enumerate(papers):
        b.add(paper, category=cats[i] if cats else None)
    return b.build()


@settings(max_examples=80, deadline=None)
@given(elections(), st.sampled_from(["irv", "stv", "fptp"]), st.integers(1, 3), st.randoms())
def test_the_result_does_not_depend_on_the_order_of_ballots(election, method, seats, rnd):
    candidates, papers, cats = election
    seats = 1 if method == "irv" else min(seats, len(candidates))
    shuffled = list(zip(papers, cats, strict=True))
    rnd.shuffle(shuffled)
    a = count(build(candidates, papers, cats), method=method, seats=seats).to_dict()
    b = count(
        build(candidates, [p for p, _ in shuffled], [c for _, c in shuffled]), method=method, seats=seats
    ).to_dict()
    assert a == b


@settings(max_examples=80, deadline=None)
@given(elections())
def test_every_irv_round_conserves_votes(election):
    candidates, papers, _ = election
    report = count(build(candidates, papers), method="irv")
    for r in report.rounds:
        assert sum(r.tallies.values()) + r.exhausted == report.valid


@settings(max_examples=80, deadline=None)
@given(elections(max_papers=40), st.integers(1, 3))
def test_every_stv_round_conserves_votes_within_truncation(election, seats):
    candidates, papers, _ = election
    seats = min(seats, len(candidates))
    report = count(build(candidates, papers), method="stv", seats=seats)
    for i, r in enumerate(report.rounds):
        total = sum(r.tallies.values()) + r.exhausted
        # each surplus transfer may lose under 0.00001 per paper
        assert report.valid - len(papers) * 1e-5 * (i + 1) - 1e-9 <= total <= report.valid + 1e-9


@settings(max_examples=80, deadline=None)
@given(elections())
def test_a_majority_of_first_preferences_wins_irv_in_round_one(election):
    candidates, papers, _ = election
    firsts = [p[0] for p in papers]
    top = max(set(firsts), key=firsts.count)
    assume(2 * firsts.count(top) > len(papers))
    report = count(build(candidates, papers), method="irv")
    assert report.winners == [candidates[top]] and len(report.rounds) == 1
    assert report.rounds[0].elected == [candidates[top]]


@settings(max_examples=120, deadline=None)
@given(elections())
def test_irv_equals_stv_with_one_seat(election):
    candidates, papers, _ = election
    ballots = build(candidates, papers)
    assert count(ballots, method="irv").winners == count(ballots, method="stv", seats=1).winners


@settings(max_examples=40, deadline=None)
@given(elections(max_papers=30), st.integers(0, 2**32))
def test_dense_arrays_and_paper_by_paper_give_the_same_count(election, seed):
    candidates, papers, _ = election
    dense = np.full((len(papers), len(candidates)), -1)
    for i, p in enumerate(papers):
        dense[i, : len(p)] = p
    a = count(from_array(candidates, dense), method="irv", seed=seed).to_dict()
    b = count(build(candidates, papers), method="irv", seed=seed).to_dict()
    assert a == b


def test_stv_elects_exactly_the_seats():
    rng = random.Random(3)
    papers = [tuple(rng.sample(range(5), rng.randint(1, 5))) for _ in range(500)]
    report = count(build(CANDIDATES, papers), method="stv", seats=3)
    assert len(report.winners) == 3 == len(set(report.winners))
