"""Travel distance: crow-flies within a nation, through a land crossing into another."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.geo.crossings import ENGLAND, SCOTLAND, WALES, nation_of, travel_km
from groundswell.core.geo.distance import haversine_km

PENZANCE = (50.118, -5.537)
GOWER = (51.60, -4.10)
PLYMOUTH = (50.37, -4.14)


def test_the_bristol_channel_is_crossed_by_the_severn_bridges_not_swum():
    km, via = travel_km(
        *PENZANCE,
        ENGLAND,
        np.array([GOWER[0], PLYMOUTH[0]]),
        np.array([GOWER[1], PLYMOUTH[1]]),
        [WALES, ENGLAND],
    )
    assert haversine_km(*PENZANCE, *GOWER) < 200  # as the crow flies
    assert km[0] > 350 and via[0] in ("the Severn bridges", "Monmouth", "Hay-on-Wye")
    assert km[1] == pytest.approx(haversine_km(*PENZANCE, *PLYMOUTH)) and via[1] == ""


def test_wales_to_scotland_goes_through_england():
    km, via = travel_km(53.3, -4.6, WALES, np.array([55.86]), np.array([-4.25]), [SCOTLAND])
    assert " and " in via[0] and km[0] > haversine_km(53.3, -4.6, 55.86, -4.25)


points = st.tuples(st.floats(50.0, 58.5), st.floats(-5.5, 1.5))


@given(
    points, points, st.sampled_from([ENGLAND, WALES, SCOTLAND]), st.sampled_from([ENGLAND, WALES, SCOTLAND])
)
def test_travel_is_never_shorter_than_the_crow_flies(p, q, home, away):
    km, _ = travel_km(*p, home, np.array([q[0]]), np.array([q[1]]), [away])
    assert km[0] >= haversine_km(*p, *q) - 1e-6


def test_a_shared_location_takes_the_nation_of_the_nearest_seat():
    seats = [(50.2, -5.3, ENGLAND), (51.6, -3.9, WALES)]
    assert nation_of(*PENZANCE, seats) == ENGLAND and nation_of(51.62, -3.95, seats) == WALES
    assert nation_of(*PENZANCE, []) == ""
