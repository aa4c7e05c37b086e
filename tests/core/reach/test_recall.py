"""Recall rules and the chooser: a suppressed number is never handed out, no household is
held by two callers at once, and a phone bank always ends (everyone reached or ruled out)."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.core.reach.recall import (
    CallingHours,
    Outcome,
    Recall,
    RecallRules,
    State,
    Target,
    assign,
    pick_next,
    recall,
)

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)
RULES = RecallRules()


def test_busy_comes_back_to_the_same_caller_after_its_delay_and_not_to_another():
    r = recall(Outcome.BUSY, previous=Recall(), caller=1, now=NOW)
    t = Target(1, recall=r)
    later = NOW + RULES.busy_delay
    assert pick_next([t], caller=1, now=NOW) is None  # not before its delay
    assert pick_next([t], caller=2, now=later) is None  # held for caller 1
    assert pick_next([t], caller=1, now=later) == t
    assert pick_next([t], caller=2, now=later + RULES.hold_for) == t  # caller 1 never came


def test_no_answer_comes_back_after_n_hours_to_anyone():
    r = recall(Outcome.NO_ANSWER, previous=Recall(), caller=1, now=NOW)
    assert r.due == NOW + RULES.no_answer_delay and r.held_for is None


def test_completed_rests_for_a_week_and_wrong_number_and_do_not_call_are_final():
    done = recall(Outcome.ANSWERED, previous=Recall(), caller=1, now=NOW)
    assert done.state is State.REACHED and done.rest_until == NOW + timedelta(days=7)
    assert recall(Outcome.WRONG_NUMBER, previous=Recall(), caller=1, now=NOW).state is State.REMOVED
    assert recall(Outcome.DO_NOT_CALL, previous=Recall(), caller=1, now=NOW).state is State.NEVER


def test_call_back_is_held_for_the_caller_and_moved_into_calling_hours():
    hours = CallingHours(time(9), time(21))
    at = NOW.replace(hour=22)
    r = recall(Outcome.CALL_BACK, previous=Recall(), caller=3, now=NOW, hours=hours, call_back_at=at)
    assert r.due == (NOW + timedelta(days=1)).replace(hour=9) and r.held_for == 3
    with pytest.raises(ValueError):
        recall(Outcome.CALL_BACK, previous=Recall(), caller=3, now=NOW, call_back_at=NOW)


def test_calling_hours():
    h = CallingHours(time(9), time(21))
    assert h.is_open(NOW) and not h.is_open(NOW.replace(hour=8))
    assert h.next_open(NOW.replace(hour=7)) == NOW.replace(hour=9)
    assert h.next_open(NOW.replace(hour=21)) == (NOW + timedelta(days=1)).replace(hour=9)


def test_unanswered_attempts_are_capped():
    r = Recall()
    for _ in range(RULES.max_attempts):
        r = recall(Outcome.NO_ANSWER, previous=r, caller=1, now=NOW)
    assert r.state is State.EXHAUSTED


OUTCOMES = st.sampled_from(list(Outcome))


@settings(max_examples=150, deadline=None)
@given(
    households=st.integers(1, 12),
    callers=st.integers(1, 5),
    suppressed=st.sets(st.integers(0, 11)),
    steps=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from(["next", "wrap", "wait", "drop"]), OUTCOMES),
        max_size=120,
    ),
)
def test_a_phone_bank_never_hands_out_a_suppressed_number_never_doubles_and_always_ends(
    households, callers, suppressed, steps
):
    targets = {i: Target(i, suppressed=i in suppressed) for i in range(households)}
    now = NOW
    holding: dict[int, int] = {}  # caller -> target id

    def check():
        live = [t for t in targets.values() if t.assigned_to is not None and t.lease_until > now]
        assert len({t.id for t in live}) == len(live)
        held = [
            tid
            for c, tid in holding.items()
            if targets[tid].assigned_to == c and targets[tid].lease_until > now
        ]
        assert len(held) == len(set(held))  # no household with two callers

    def step(caller, action, outcome):
        nonlocal now
        if action == "next":
            t = pick_next(targets.values(), caller=caller, now=now)
            if t is not None:
                assert not t.suppressed
                assert t.assigned_to in (None, caller) or t.lease_until <= now
                targets[t.id] = assign(t, caller=caller, now=now, lease=LEASE)
                holding[caller] = t.id
        elif action == "wrap" and caller in holding:
            t = targets[holding.pop(caller)]
            if t.assigned_to == caller and t.lease_until > now:
                cb = now + timedelta(hours=2) if outcome is Outcome.CALL_BACK else None
                r = recall(
                    outcome,
                    previous=t.recall,
                    caller=caller,
                    now=now,
                    call_back_at=cb,
                    hours=CallingHours(time(0), time(23, 59)),
                )
                targets[t.id] = replace(t, recall=r, assigned_to=None, lease_until=None)
        elif action == "drop":
            holding.pop(caller, None)  # walks away: the lease runs out
        now += timedelta(minutes=7)
        check()

    for c, action, outcome in steps:
        step(c % callers, action, outcome)

    # Then everyone calls until nothing is left, every call unanswered (the worst case):
    # the bank still ends, with every unsuppressed household reached or ruled out.
    for _ in range(households * (RULES.max_attempts + 2) * 10):
        for c in range(callers):
            step(c, "next", Outcome.NO_ANSWER)
            step(c, "wrap", Outcome.NO_ANSWER)
        now += timedelta(hours=6)
        if all(t.suppressed or t.recall.state.final for t in targets.values()):
            break
    assert all(t.suppressed or t.recall.state.final for t in targets.values())
