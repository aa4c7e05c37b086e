"""A selection's published timetable, checked before it is published.

The stages must come in order (applications open, applications close, shortlisting,
hustings, ballot opens, ballot closes), since eligibility is measured at the close of
applications and the shortlist must exist before anyone can vote on it. Every problem is
reported at once, each naming the field, so an organiser fixes the form in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

STAGES = (
    "applications_open",
    "applications_close",
    "shortlisting",
    "hustings",
    "ballot_opens",
    "ballot_closes",
)


@dataclass(frozen=True)
class Timetable:
    applications_open: date
    applications_close: date
    shortlisting: date
    hustings: date
    ballot_opens: date
    ballot_closes: date

    def stage_on(self, day: date) -> str:
        """The stage a member sees on `day`: before, applying, shortlisting, hustings,
        voting or closed."""
        if day < self.applications_open:
            return "not yet open"
        if day <= self.applications_close:
            return "applications open"
        if day < self.hustings:
            return "shortlisting"
        if day < self.ballot_opens:
            return "hustings"
        if day <= self.ballot_closes:
            return "ballot"
        return "closed"


def timetable_problems(t: Timetable) -> list[str]:
    """Problems with the order of the stages, each naming the later field; empty if fine.

    Applications may not close the day they open, shortlisting may not be before the close,
    and the ballot must open after the hustings and close after it opens."""
    problems = []
    values = [getattr(t, s) for s in STAGES]
    for i in range(len(STAGES) - 1):
        a, b, va, vb = STAGES[i], STAGES[i + 1], values[i], values[i + 1]
        strict = (a, b) != ("applications_close", "shortlisting")
        if vb < va or (strict and vb == va):
            word = "after" if strict else "on or after"
            problems.append(f"{b}: must be {word} {a} ({va.isoformat()}), got {vb.isoformat()}")
    return problems
