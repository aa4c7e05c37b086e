"""Who may apply to be a branch's candidate, checked from membership records.

A selection's rules ask for a minimum number of whole months of continuous membership at
the date applications close (not the day someone applies: everyone is measured against the
same date, so applying early gives no edge) and, when the rules say so, trade-union
membership. A refusal names every rule broken, so an applicant knows what to fix and a
panel can quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class EligibilityRules:
    min_months: int = 0
    union_required: bool = False

    def __post_init__(self) -> None:
        if self.min_months < 0:
            raise ValueError("min_months: must be 0 or more")


@dataclass(frozen=True)
class MemberRecord:
    """What the membership records say about the applicant, as of the check."""

    joined: date | None  # None: not a current member
    in_branch: bool
    union_member: bool


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]  # each names the rule broken; empty when eligible


def whole_months_between(start: date, end: date) -> int:
    """Completed calendar months from start to end (0 if end is before start).

    Joined 31 Jan, measured 28 Feb: 0 months (the 31st has not come round); joined 15 Jan,
    measured 15 Mar: 2 months.
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def check_eligibility(rules: EligibilityRules, record: MemberRecord, as_of: date) -> Eligibility:
    """Check one applicant against the rules, measured at `as_of` (applications close)."""
    reasons: list[str] = []
    if record.joined is None:
        reasons.append("membership: not a current member")
    else:
        months = whole_months_between(record.joined, as_of)
        if months < rules.min_months:
            reasons.append(
                f"minimum membership: {rules.min_months} months needed by {as_of.isoformat()}, {months} held"
            )
    if not record.in_branch:
        reasons.append("branch: not a member of this branch")
    if rules.union_required and not record.union_member:
        reasons.append("trade union: membership of a trade union is required")
    return Eligibility(eligible=not reasons, reasons=tuple(reasons))
