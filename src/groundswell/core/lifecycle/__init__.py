"""A membership's standing on any date, derived from its payments and the dues rules.

Pure (no Django): the ledger app feeds it rows, the ballots ask it "as at" a freeze date.

The rules, as a party's rulebook states them:

* a rate is an amount for a period of whole months (e.g. 500p a month, 4800p a year);
* the first period starts on the day the member joined; each payment buys
  ``amount * period_months // rate`` whole months, added to the paid-up-to date;
  a failed collection (a Bacs ARUDD return) takes back what the collection bought;
* a member whose paid-up-to date has passed is *in arrears since* that date, and has
  *lapsed* once the grace period (whole months) after it has passed;
* a lapsed member who pays again is *restored* from the day of that payment: the months
  bought start again from there (arrears from before the lapse are not owed).

"As at" a date D looks only at rows dated on or before D (the value date of the bank's
file), and optionally only at rows the organisation knew of by a date (``known_by``):
adding a later payment never changes the standing as at an earlier date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

__all__ = ["Entry", "Rules", "Standing", "State", "add_months", "standing_as_at"]


def add_months(start: date, months: int) -> date:
    """`start` plus whole months, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    Always counted from an anchor, never chained, so 31 Jan + 2 months is 31 Mar, not 28 Mar."""
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Rules:
    """A rate (pence for a period of months) and the grace period before lapsing."""

    rate_pence: int
    period_months: int = 1
    grace_months: int = 6

    def __post_init__(self) -> None:
        if self.rate_pence <= 0 or self.period_months <= 0 or self.grace_months < 0:
            raise ValueError("a rate must be positive, its period at least a month, grace not negative")

    def months_bought(self, amount_pence: int) -> int:
        """Whole months an amount buys (a failed collection's negative amount takes them back)."""
        sign = -1 if amount_pence < 0 else 1
        return sign * (abs(amount_pence) * self.period_months // self.rate_pence)


@dataclass(frozen=True)
class Entry:
    """One ledger row as the rules see it: value date, signed amount in pence, and when the
    organisation learnt of it (the import's date; None: known from the start)."""

    on: date
    amount_pence: int
    known_on: date | datetime | None = None  # compared with `known_by`: both dates or both datetimes
    key: str = ""  # a tie-break, so equal dates sort the same whatever the import order


class State(StrEnum):
    NOT_JOINED = "not_joined"
    GOOD_STANDING = "good_standing"
    IN_ARREARS = "in_arrears"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Standing:
    state: State
    paid_up_to: date | None  # first day not paid for
    in_arrears_since: date | None = None
    lapsed_on: date | None = None
    restored_on: date | None = None  # the last restoration on or before the date asked about

    @property
    def label(self) -> str:
        """The state in words, for pages and letters."""
        return {
            State.NOT_JOINED: "not yet a member",
            State.GOOD_STANDING: "in good standing",
            State.IN_ARREARS: "in arrears",
            State.LAPSED: "lapsed",
        }[self.state]

    @property
    def in_good_standing(self) -> bool:
        return self.state == State.GOOD_STANDING


def standing_as_at(
    *,
    joined_on: date,
    entries: Iterable[Entry],
    rules: Rules,
    as_at: date,
    known_by: date | datetime | None = None,
) -> Standing:
    """The standing on `as_at` from the entries dated on or before it (and known by `known_by`).

    A function of the set of entries alone: they are sorted here, so the order files were
    imported in does not matter."""
    if as_at < joined_on:
        return Standing(State.NOT_JOINED, None)
    seen = sorted(
        (
            e
            for e in entries
            if e.on <= as_at and (known_by is None or e.known_on is None or e.known_on <= known_by)
        ),
        key=lambda e: (e.on, -e.amount_pence, e.key),  # a return follows its collection
    )
    anchor, months, restored = joined_on, 0, None
    for e in seen:
        paid_up_to = add_months(anchor, months)
        lapse = add_months(paid_up_to, rules.grace_months)
        if e.amount_pence > 0 and e.on >= lapse:
            # lapsed when this payment came: restored from the day it was paid
            anchor, months, restored = e.on, 0, e.on
        months += rules.months_bought(e.amount_pence)
    paid_up_to = add_months(anchor, months)
    if as_at < paid_up_to:
        return Standing(State.GOOD_STANDING, paid_up_to, restored_on=restored)
    lapse = add_months(paid_up_to, rules.grace_months)
    if as_at < lapse:
        return Standing(State.IN_ARREARS, paid_up_to, in_arrears_since=paid_up_to, restored_on=restored)
    return Standing(
        State.LAPSED, paid_up_to, in_arrears_since=paid_up_to, lapsed_on=lapse, restored_on=restored
    )
