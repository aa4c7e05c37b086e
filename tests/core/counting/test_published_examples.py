"""STV examples from published sources, reproduced stage by stage."""

from groundswell.core.counting import count
from groundswell.core.formats.ballot_files import parse_blt
from tests.core.counting.profiles import ANDREA_BLT, ANDREA_STAGES, FOOD_BLT, FOOD_STAGES


def test_food_election_is_reproduced_stage_by_stage():
    ballots, seats = parse_blt(FOOD_BLT.splitlines())
    report = count(ballots, method="stv", seats=seats)
    assert report.quota == 6
    assert [r.tallies for r in report.rounds] == FOOD_STAGES
    assert report.rounds[0].elected == ["Chocolate"] and report.rounds[0].surplus_of == "Chocolate"
    assert report.rounds[0].transfers == {"Strawberries": 4, "Sweets": 2}
    assert report.rounds[1].eliminated == ["Pears"] and report.rounds[1].transfers == {"Oranges": 2}
    assert report.rounds[2].elected == ["Oranges"] and report.rounds[2].eliminated == ["Sweets"]
    assert report.winners == ["Chocolate", "Oranges", "Strawberries"]


def test_counting_stv_example_is_reproduced_stage_by_stage():
    ballots, seats = parse_blt(ANDREA_BLT.splitlines())
    report = count(ballots, method="stv", seats=seats)
    assert report.quota == 20
    assert [r.tallies for r in report.rounds] == ANDREA_STAGES
    assert report.rounds[0].transfers == {"Brad": 8, "Carter": 12}
    assert report.rounds[1].eliminated == ["Brad"]
    assert report.winners == ["Andrea", "Carter"]


def test_transfer_values_are_truncated_to_five_decimal_places():
    # 2 seats, 11 votes: quota 4. A has 7: surplus 3 over 7 papers -> 0.42857 each.
    blt = '4 2\n7 1 2 0\n2 2 0\n1 3 0\n1 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n'
    ballots, seats = parse_blt(blt.splitlines())
    report = count(ballots, method="stv", seats=seats)
    assert report.rounds[0].transfers == {"B": 2.99999}  # 7 x 0.42857, not 3
    assert report.rounds[1].tallies["B"] == 4.99999
    assert report.winners == ["A", "B"]
