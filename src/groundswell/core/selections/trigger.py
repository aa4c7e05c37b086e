"""Trigger ballots: whether the sections of a seat open a full selection against a sitting
representative.

Each section (a branch, an affiliate) holds its own vote: it says *yes* when more of its
votes are for opening a selection than against (a tie is no: the sitting representative
stays unless a majority wants otherwise). The selection is triggered when, for at least one
kind of section, the share saying yes reaches that kind's threshold, e.g. a third of the
branches *or* a third of the affiliates. Thresholds are exact fractions, so "a third of 9"
needs 3, never 2.9999 rounded either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import ceil


class TriggerError(ValueError):
    """Input the rules cannot count: the message names the section and the field."""


@dataclass(frozen=True)
class Section:
    name: str
    kind: str  # "branch", "affiliate", ...
    votes_for: int
    votes_against: int

    @property
    def says_yes(self) -> bool:
        return self.votes_for > self.votes_against


@dataclass(frozen=True)
class SectionResult:
    name: str
    kind: str
    votes_for: int
    votes_against: int
    says_yes: bool


@dataclass(frozen=True)
class KindResult:
    kind: str
    sections: int
    yes: int
    needed: int | None  # None: no sections of this kind, so it cannot trigger
    met: bool


@dataclass(frozen=True)
class TriggerOutcome:
    triggered: bool
    kinds: tuple[KindResult, ...]
    sections: tuple[SectionResult, ...]

    def report(self) -> dict:
        """The published result, by section (`"version": 1`)."""
        return {
            "version": 1,
            "triggered": self.triggered,
            "kinds": {
                k.kind: {"sections": k.sections, "yes": k.yes, "needed": k.needed, "met": k.met}
                for k in self.kinds
            },
            "sections": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "for": s.votes_for,
                    "against": s.votes_against,
                    "says_yes": s.says_yes,
                }
                for s in self.sections
            ],
        }


def needed(threshold: Fraction, sections: int) -> int | None:
    """The fewest sections saying yes whose share reaches `threshold` (None if there are none)."""
    if sections <= 0:
        return None
    return max(1, ceil(threshold * sections))


def trigger_outcome(sections: Iterable[Section], thresholds: Mapping[str, Fraction]) -> TriggerOutcome:
    """Counts each section's vote and decides whether any kind of section reaches its
    threshold. Sections of a kind without a threshold are refused (a typo in a kind must
    not silently drop a section's vote)."""
    for kind, t in thresholds.items():
        if not isinstance(t, Fraction | int) or not (0 < Fraction(t) <= 1):
            raise TriggerError(f"threshold for {kind!r}: must be a fraction above 0 and at most 1, not {t!r}")
    seen: set[str] = set()
    results = []
    for s in sections:
        if s.name in seen:
            raise TriggerError(f"section {s.name!r}: listed twice")
        seen.add(s.name)
        if s.kind not in thresholds:
            raise TriggerError(f"section {s.name!r}: kind {s.kind!r} has no threshold")
        for field in ("votes_for", "votes_against"):
            value = getattr(s, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TriggerError(f"section {s.name!r}: {field} must be a whole number, 0 or more")
        results.append(SectionResult(s.name, s.kind, s.votes_for, s.votes_against, s.says_yes))
    results.sort(key=lambda r: (r.kind, r.name))
    kinds = []
    for kind in sorted(thresholds):
        mine = [r for r in results if r.kind == kind]
        yes = sum(r.says_yes for r in mine)
        need = needed(Fraction(thresholds[kind]), len(mine))
        kinds.append(KindResult(kind, len(mine), yes, need, need is not None and yes >= need))
    return TriggerOutcome(any(k.met for k in kinds), tuple(kinds), tuple(results))
