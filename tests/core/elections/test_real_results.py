"""The real general election results (Commons Library file in uk-politics), checked by the
figures everyone quotes."""

import functools
import importlib.util
from pathlib import Path

import pytest

from groundswell.core.elections.results import read_long_results
from groundswell.core.elections.targets import targets


@functools.cache
def seats(year: int):
    spec = importlib.util.find_spec("uk_politics")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "GE_results.tsv"
    with open(path, encoding="utf-8") as fh:
        return {s.ons_code: s for s in read_long_results(fh, years={year})}


def by_name(year: int, name: str):
    return next(s for s in seats(year).values() if s.name.casefold() == name.casefold())


def test_every_seat_is_there_for_each_election():
    for year in (2010, 2015, 2017, 2019):
        assert len(seats(year)) == 650


def test_derby_north_2015():
    derby = seats(2015)["E14000662"]
    assert derby.votes["CON"] == 16_402 and derby.votes["LAB"] == 16_361
    assert derby.winner == "CON" and derby.runner_up == "LAB" and derby.majority == 41
    target = next(t for t in targets(seats(2015).values(), "LAB", kind="attack") if t.ons_code == "E14000662")
    assert target.swing_needed == pytest.approx(0.05, abs=0.005)


def test_derby_north_is_second_on_labours_2015_attack_list_after_gower_and_first_in_england():
    attack = targets(seats(2015).values(), "LAB", kind="attack")
    assert [t.name.title() for t in attack[:2]] == ["Gower", "Derby North"]
    assert attack[0].majority == 27
    england = [t for t in attack if t.country == "England"]
    assert england[0].ons_code == "E14000662"  # Derby North


@pytest.mark.parametrize(
    "name", ["North East Derbyshire", "Mansfield", "Stoke-on-Trent South", "Walsall North"]
)
def test_conservative_gains_from_labour_in_2017(name):
    seat_2017 = by_name(2017, name)  # names differ between years ("Derbyshire North East"): use the code
    assert seats(2015)[seat_2017.ons_code].winner == "LAB"
    assert seat_2017.winner == "CON"


def test_derby_north_is_a_labour_gain_in_2017():
    assert seats(2015)["E14000662"].winner == "CON"
    assert seats(2017)["E14000662"].winner == "LAB"


def test_defend_list_holds_only_seats_the_party_won_and_swing_is_half_the_lead():
    defend = targets(seats(2017).values(), "LAB", kind="defend")
    assert all(t.held for t in defend) and len(defend) == 262  # Labour won 262 seats in 2017
    first = defend[0]
    seat = seats(2017)[first.ons_code]
    assert first.swing_needed == pytest.approx((seat.share("LAB") - seat.share(seat.runner_up)) / 2)
