"""Nearest marginal: distances and the ordering, checked by hand on fixed points."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.geo.distance import haversine_km
from groundswell.core.geo.nearest import Room, Seat, shortlist, suggest

# Three seats on the meridian of Derby, 0.1 degrees of latitude apart (11.1 km each).
HOME = (52.9, -1.5)
A = Seat("A", "Alpha", 52.9, -1.5, swing_needed=1.0, held=False, majority=900)  # here
B = Seat("B", "Beta", 53.0, -1.5, swing_needed=1.0, held=False, majority=900)  # 11.1 km
C = Seat("C", "Gamma", 53.1, -1.5, swing_needed=0.1, held=False, majority=90)  # 22.2 km, very close seat


def test_haversine_matches_a_degree_of_latitude():
    assert haversine_km(52.0, -1.5, 53.0, -1.5) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(0.0, 0.0, 90.0, 0.0) == pytest.approx(10_007.5, abs=0.5)  # equator to pole


def test_ordering_on_fixed_points_by_hand():
    # scores by hand: exp(-swing/3) * exp(-km/30) * room(none planned = 0.4)
    # A: e^-0.333 * e^0 = 0.7165; B: e^-0.333 * e^-0.3706 = 0.4950; C: e^-0.0333 * e^-0.7413 = 0.4609
    found = suggest(*HOME, shortlist(*HOME, [C, B, A], k=3), {}, limit=3)
    assert [s.seat.ons_code for s in found] == ["A", "B", "C"]
    assert found[0].score == pytest.approx(0.7165 * 0.4, abs=1e-3)
    assert found[2].score == pytest.approx(0.4609 * 0.4, abs=1e-3)
    assert found[1].distance_km == pytest.approx(11.12, abs=0.05)


def test_when_the_nearest_seats_sessions_are_full_the_volunteer_goes_to_the_next():
    open_rooms = {"A": Room(2, 40, 30), "B": Room(2, 40, 30)}
    assert suggest(*HOME, shortlist(*HOME, [A, B], k=2), open_rooms)[0].seat.ons_code == "A"
    full = {"A": Room(2, 40, 0), "B": Room(2, 40, 30)}
    ranked = suggest(*HOME, shortlist(*HOME, [A, B], k=2), full)
    assert [s.seat.ons_code for s in ranked] == ["B", "A"]
    assert "full" in ranked[1].reasons[2] and "30 of 40 places free" in ranked[0].reasons[2]


def test_reasons_say_why():
    s = suggest(*HOME, shortlist(*HOME, [C], k=1), {"C": Room(1, 20, 5)})[0]
    assert s.reasons == (
        "a 0.10-point swing wins it (majority 90)",
        "22 km away",
        "5 of 20 places free in 1 session",
    )


points = st.tuples(st.floats(49.9, 60.8), st.floats(-8.6, 1.7))


@given(points, points)
def test_distance_is_symmetric_and_zero_only_at_the_same_point(p, q):
    assert haversine_km(*p, *q) == pytest.approx(haversine_km(*q, *p))
    assert haversine_km(*p, *p) == 0
    assert haversine_km(*p, *q) <= math.pi * 6371.0088


@given(st.floats(0, 8), st.floats(0, 8))
def test_a_closer_seat_scores_higher_all_else_equal(d1, d2):
    near = Seat("N", "Near", 52.9 + min(d1, d2) / 111, -1.5, 1.0, False, 100)
    far = Seat("F", "Far", 52.9 + max(d1, d2) / 111 + 0.01, -1.5, 1.0, False, 100)
    ranked = suggest(*HOME, shortlist(*HOME, [far, near], k=2), {})
    assert ranked[0].seat.ons_code == "N"
