"""Properties of party codes and target lists on random results."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.elections.parties import party_code
from groundswell.core.elections.results import SeatResult
from groundswell.core.elections.targets import targets

PARTIES = ["LAB", "CON", "LD", "GRN", "SNP"]


def test_party_names_spelled_many_ways_get_one_code():
    for name in ("Conservative", "Conservative Party", "conservative and unionist party", "CON"):
        assert party_code(name) == "CON"
    for name in ("Labour", "Labour Party", "Labour Co-operative", "Labour & Co-operative"):
        assert party_code(name) == "LAB"
    assert party_code("Liberal Democrat") == party_code("Liberal Democrats") == "LD"
    assert party_code("Monster Raving Loony") == "OTH"


seat_votes = st.dictionaries(st.sampled_from(PARTIES), st.integers(1, 40_000), min_size=2, max_size=5)


@settings(max_examples=100, deadline=None)
@given(st.lists(seat_votes, min_size=1, max_size=40), st.sampled_from(PARTIES))
def test_attack_lists_hold_second_places_in_order_of_swing(all_votes, party):
    seats = [
        SeatResult(f"E{i:08d}", f"Seat {i}", "", "", "England", 70_000, date(2015, 5, 7), v)
        for i, v in enumerate(all_votes)
    ]
    attack = targets(seats, party, kind="attack")
    assert all(t.party_position == 2 for t in attack)
    assert [t.swing_needed for t in attack] == sorted(t.swing_needed for t in attack)
    for t in attack:
        seat = next(s for s in seats if s.ons_code == t.ons_code)
        assert t.majority == seat.votes[seat.winner] - seat.votes[party] or seat.ranked[1][0] != party
        assert t.swing_needed >= 0
    defend = targets(seats, party, kind="defend")
    assert {t.ons_code for t in defend} == {s.ons_code for s in seats if s.winner == party}
