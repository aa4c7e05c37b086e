"""Recall rules for phone banks: after each call, when (and to whom) a household comes back.

Pure: no Django. The reach app stores a `Recall` on its call target and asks `eligible` /
`pick_next` which household a caller gets next, so the rules are the same in the database
query, the property tests and the load run.

The rules (one per outcome a caller can record):

- answered (the survey done): reached; not called again for `completed_rest` (a week)
- busy: back to the *same* caller after `busy_delay` (they know the story); if that caller
  has not taken it by `hold_for` after it is due, anyone may
- no answer / voicemail: again after `no_answer_delay` / `voicemail_delay`, by anyone
- call back at a time: due at that time (not before the calling hours open), same caller held
- wrong number: the number is removed; the household is ruled out
- do not call: never again, anywhere (the reach app records the objection)

Unanswered attempts are capped (`max_attempts`), so every household is eventually reached
or ruled out: a phone bank ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    CALL_BACK = "call_back"
    DO_NOT_CALL = "do_not_call"


class State(StrEnum):
    OPEN = "open"  # to be called (when due)
    REACHED = "reached"  # survey done
    REMOVED = "removed"  # wrong number: the number is gone
    NEVER = "never"  # do not call
    EXHAUSTED = "exhausted"  # too many unanswered attempts

    @property
    def final(self) -> bool:
        return self is not State.OPEN


@dataclass(frozen=True)
class RecallRules:
    busy_delay: timedelta = timedelta(minutes=15)
    no_answer_delay: timedelta = timedelta(hours=4)
    voicemail_delay: timedelta = timedelta(hours=24)
    completed_rest: timedelta = timedelta(days=7)
    hold_for: timedelta = timedelta(minutes=30)
    max_attempts: int = 4


@dataclass(frozen=True)
class CallingHours:
    """When calls may be made (organisation's settings): local wall-clock times, every day."""

    opens: time = time(9, 0)
    closes: time = time(21, 0)

    def is_open(self, at: datetime) -> bool:
        return self.opens <= at.timetz().replace(tzinfo=None) < self.closes

    def next_open(self, at: datetime) -> datetime:
        """`at` if calls may be made then, else when they next may."""
        if self.is_open(at):
            return at
        today = at.replace(hour=self.opens.hour, minute=self.opens.minute, second=0, microsecond=0)
        return today if at < today else today + timedelta(days=1)


@dataclass(frozen=True)
class Recall:
    """A household's standing in one phone bank after its last call."""

    state: State = State.OPEN
    due: datetime | None = None  # not before this (None: now)
    held_for: int | None = None  # this caller gets it first ...
    held_until: datetime | None = None  # ... until then
    attempts: int = 0  # unanswered attempts so far
    rest_until: datetime | None = None  # reached: not called again by any bank before this


def recall(
    outcome: Outcome,
    *,
    previous: Recall,
    caller: int,
    now: datetime,
    rules: RecallRules = RecallRules(),
    hours: CallingHours = CallingHours(),
    call_back_at: datetime | None = None,
) -> Recall:
    """The household's standing after `caller` recorded `outcome` at `now`."""
    if outcome is Outcome.ANSWERED:
        return Recall(State.REACHED, attempts=previous.attempts, rest_until=now + rules.completed_rest)
    if outcome is Outcome.WRONG_NUMBER:
        return Recall(State.REMOVED, attempts=previous.attempts)
    if outcome is Outcome.DO_NOT_CALL:
        return Recall(State.NEVER, attempts=previous.attempts)
    if outcome is Outcome.CALL_BACK:
        if call_back_at is None or call_back_at <= now:
            raise ValueError("a call back needs a time in the future")
        due = hours.next_open(call_back_at)
        return Recall(
            State.OPEN, due=due, held_for=caller, held_until=due + rules.hold_for, attempts=previous.attempts
        )
    attempts = previous.attempts + 1
    if attempts >= rules.max_attempts:
        return Recall(State.EXHAUSTED, attempts=attempts)
    if outcome is Outcome.BUSY:
        due = hours.next_open(now + rules.busy_delay)
        return Recall(
            State.OPEN, due=due, held_for=caller, held_until=due + rules.hold_for, attempts=attempts
        )
    delay = rules.voicemail_delay if outcome is Outcome.VOICEMAIL else rules.no_answer_delay
    return Recall(State.OPEN, due=hours.next_open(now + delay), attempts=attempts)


@dataclass(frozen=True)
class Target:
    """A household in a phone bank as the chooser sees it."""

    id: int
    recall: Recall = Recall()
    suppressed: bool = False  # TPS without consent, or do not call
    assigned_to: int | None = None
    lease_until: datetime | None = None


def eligible(target: Target, *, caller: int, now: datetime) -> bool:
    """May `caller` be handed `target` now? (The reach app's query says the same in SQL.)"""
    r = target.recall
    if target.suppressed or r.state is not State.OPEN:
        return False
    if r.due is not None and r.due > now:
        return False
    if target.assigned_to is not None and target.lease_until is not None and target.lease_until > now:
        return False
    held_by_another = r.held_for is not None and r.held_for != caller
    return not (held_by_another and r.held_until is not None and r.held_until > now)


def pick_next(targets: Iterable[Target], *, caller: int, now: datetime) -> Target | None:
    """The caller's current household if they hold one, else the household held for them
    that is due, else the one due longest ago (then the lowest id)."""
    items = list(targets)
    for t in items:
        if (
            t.assigned_to == caller
            and t.lease_until is not None
            and t.lease_until > now
            and not t.suppressed
            and t.recall.state is State.OPEN
        ):
            return t
    far_past = datetime.min.replace(tzinfo=now.tzinfo)
    candidates = [t for t in items if eligible(t, caller=caller, now=now)]
    if not candidates:
        return None
    return min(candidates, key=lambda t: (t.recall.held_for != caller, t.recall.due or far_past, t.id))


def assign(target: Target, *, caller: int, now: datetime, lease: timedelta) -> Target:
    return replace(target, assigned_to=caller, lease_until=now + lease)
