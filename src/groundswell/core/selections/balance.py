"""The balance rule for a shortlist: e.g. at least half of those shortlisted are women.

Gender is self-declared by the applicant; "not stated" never counts towards the quota. The
fraction is exact (half of 5 needs 3), and an empty shortlist never satisfies a rule that
asks for balance, so it cannot be confirmed by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import ceil


@dataclass(frozen=True)
class BalanceRule:
    gender: str = "woman"
    at_least: Fraction = Fraction(1, 2)

    def __post_init__(self) -> None:
        if not (0 <= self.at_least <= 1):
            raise ValueError("at_least: must be a fraction between 0 and 1")


@dataclass(frozen=True)
class BalanceCheck:
    met: bool
    counted: int
    needed: int
    size: int
    message: str


def check_balance(rule: BalanceRule | None, genders: Iterable[str]) -> BalanceCheck:
    """Whether a shortlist with these self-declared genders meets the rule (None: no rule)."""
    genders = list(genders)
    size = len(genders)
    if rule is None:
        return BalanceCheck(True, 0, 0, size, "no balance rule")
    counted = sum(1 for g in genders if g == rule.gender)
    needed = ceil(rule.at_least * size)
    met = size > 0 and counted >= needed
    if size == 0:
        message = "balance: the shortlist is empty"
    elif met:
        message = f"balance met: {counted} of {size} ({rule.gender}), {needed} needed"
    else:
        message = f"balance broken: {counted} of {size} ({rule.gender}), {needed} needed"
    return BalanceCheck(met, counted, needed, size, message)
