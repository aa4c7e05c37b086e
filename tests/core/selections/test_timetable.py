"""A selection timetable whose stages are out of order is refused, naming the field."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from groundswell.core.selections.timetable import STAGES, Timetable, timetable_problems

GOOD = Timetable(
    date(2026, 1, 5),
    date(2026, 1, 31),
    date(2026, 2, 3),
    date(2026, 2, 10),
    date(2026, 2, 15),
    date(2026, 2, 28),
)


def test_a_good_timetable_has_no_problems_and_its_stages_follow():
    assert timetable_problems(GOOD) == []
    assert GOOD.stage_on(date(2026, 1, 1)) == "not yet open"
    assert GOOD.stage_on(date(2026, 1, 31)) == "applications open"
    assert GOOD.stage_on(date(2026, 2, 1)) == "shortlisting"
    assert GOOD.stage_on(date(2026, 2, 12)) == "hustings"
    assert GOOD.stage_on(date(2026, 2, 28)) == "ballot"
    assert GOOD.stage_on(date(2026, 3, 1)) == "closed"


def test_a_ballot_before_the_hustings_is_refused_naming_the_field():
    bad = Timetable(**{**GOOD.__dict__, "ballot_opens": date(2026, 2, 9)})
    assert [p.split(":")[0] for p in timetable_problems(bad)] == ["ballot_opens"]


@given(st.lists(st.integers(0, 40), min_size=6, max_size=6))
def test_accepted_exactly_when_each_stage_follows_the_last(offsets):
    start = date(2026, 1, 1)
    days = [start + timedelta(days=o) for o in offsets]
    t = Timetable(*days)
    ok = all(days[i + 1] > days[i] or (i == 1 and days[i + 1] == days[i]) for i in range(len(STAGES) - 1))
    assert (timetable_problems(t) == []) == ok


@given(st.lists(st.integers(1, 30), min_size=6, max_size=6), st.integers(0, 200))
def test_stages_never_go_backwards_in_a_valid_timetable(gaps, probe):
    day = date(2026, 1, 1)
    days = []
    for g in gaps:
        day += timedelta(days=g)
        days.append(day)
    t = Timetable(*days)
    assert timetable_problems(t) == []
    order = ["not yet open", "applications open", "shortlisting", "hustings", "ballot", "closed"]
    d = date(2026, 1, 1) + timedelta(days=probe)
    assert order.index(t.stage_on(d)) <= order.index(t.stage_on(d + timedelta(days=1)))
