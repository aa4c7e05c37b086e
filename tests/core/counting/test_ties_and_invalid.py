"""Ties broken by looking back, then by a seeded lot; invalid papers set aside with reasons."""

from groundswell.core.counting import BallotBuilder, count
from groundswell.core.formats.ballot_files import parse_blt, parse_csv


def test_a_tie_for_exclusion_looks_back_to_an_earlier_round():
    # Round 1: A 4, B 3, C 3, D 2 -> D out, D's 2 go to C (C 5, B 3)? No: make B and C tie later.
    b = BallotBuilder(["A", "B", "C", "D"])
    for paper, n in [((0,), 6), ((1,), 4), ((2,), 3), ((3, 2), 1), ((3,), 1)]:
        for _ in range(n):
            b.add(paper)
    report = count(b.build(), method="irv")
    # round 1: A6 B4 C3 D2 -> D out; round 2: A6 B4 C4 -> B and C tie; C was lower in round 1
    assert report.rounds[1].eliminated == ["C"]
    assert report.tie_breaks[0].method == "lookback" and report.tie_breaks[0].chosen == "C"


def test_a_tie_with_no_earlier_difference_is_drawn_by_lot_reproducibly():
    b = BallotBuilder(["A", "B", "C"])
    for paper in [(0,), (0,), (1,), (1,), (2,)]:  # C out; then A and B tie in every round
        b.add(paper)
    ballots = b.build()
    first = count(ballots, method="irv").to_dict()
    assert first["tie_breaks"][0]["method"] == "lot"
    assert first["tie_breaks"][0]["seed"] == first["seed"]
    assert count(ballots, method="irv").to_dict() == first
    other = [count(ballots, method="irv", seed=s).to_dict()["tie_breaks"][0]["chosen"] for s in range(20)]
    assert set(other) == {"A", "B"}  # the lot really depends on the seed


def test_invalid_papers_are_reported_with_line_and_reason_and_not_counted():
    """A repeated candidate after a valid first preference no longer voids the paper: it
    counts up to the defect (Scottish rules), and is listed as truncated."""
    blt = '3 1\n1 1 2 0\n1 1 1 0\n2 4 0\n1 0\n1 2 0\n0\n"A"\n"B"\n"C"\n"t"\n'
    ballots, _ = parse_blt(blt.splitlines())
    report = count(ballots, method="irv").to_dict()
    assert report["valid"] == 3 and report["invalid"] == 3
    reasons = {(b["line"], b["reason"]) for b in report["invalid_ballots"]}
    assert reasons == {(4, "preference 1 is unknown candidate number 4"), (5, "no preferences")}
    assert report["truncated_ballots"] == [
        {"line": 3, "reason": "counted up to preference 2 ranks A again", "weight": 1}
    ]


def test_csv_categories_give_first_preferences_by_category():
    text = "category,rank1,rank2\nmember,A,B\nmember,B,\nregistered_supporter,A,\n"
    report = count(parse_csv(text.splitlines(keepends=True)), method="irv").to_dict()
    assert report["by_category"] == {"member": {"A": 1, "B": 1}, "registered_supporter": {"A": 1, "B": 0}}
    assert report["winners"] == ["A"]
