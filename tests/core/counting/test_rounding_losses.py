"""Every STV stage adds up: tallies + exhausted + value lost to 5-decimal truncation equals
the valid vote. Without `lost`, a scrutineer adding up a stage finds votes missing."""

from __future__ import annotations

from hypothesis import given, settings

from groundswell.core.counting import BallotBuilder, count
from tests.core.counting.test_counting_properties import build, elections

UNIT = 100_000


def units(x: float) -> int:
    return round(x * UNIT)


def test_a_surplus_of_three_sevenths_loses_one_hundred_thousandth_and_says_so():
    b = BallotBuilder(["A", "B", "C"])
    b.add((0, 1), weight=7)
    b.add((1,), weight=1)
    b.add((2,), weight=2)
    report = count(b.build(), method="stv", seats=2).to_dict()
    assert report["quota"] == 4
    # 7 papers at 3/7 = 0.42857 each: 2.99999 moves, 0.00001 is lost
    assert report["rounds"][0]["transfers"] == {"B": 2.99999}
    assert report["rounds"][1]["lost"] == 0.00001
    for r in report["rounds"]:
        assert (
            sum(units(v) for v in r["tallies"].values()) + units(r["exhausted"]) + units(r["lost"])
            == 10 * UNIT
        )


@settings(max_examples=120, deadline=None)
@given(elections(max_papers=80))
def test_every_stv_stage_adds_up_to_the_valid_vote(election):
    candidates, papers, cats = election
    for seats in range(1, len(candidates)):
        report = count(build(candidates, papers, cats), method="stv", seats=seats).to_dict()
        for r in report["rounds"]:
            total = sum(units(v) for v in r["tallies"].values()) + units(r["exhausted"]) + units(r["lost"])
            assert total == report["valid"] * UNIT
