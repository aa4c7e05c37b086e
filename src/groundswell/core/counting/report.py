"""The count report: the JSON shape of DESIGN.md, versioned so outside tools can re-check it.

Version 1 still: every key added since (`lost` in STV rounds, `truncated`,
`truncated_ballots`, `seed_source`, `fingerprint`) is new and optional, so a reader of the
first version reads a report of this one unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

REPORT_VERSION = 1


@dataclass(frozen=True)
class Round:
    """One round (stage) of a count.

    `tallies` are the votes each candidate still in the count held at the start of the
    round (elected candidates included); `exhausted` the papers with no further preference
    so far. The round's action follows: who was `elected` on these tallies, whose papers
    were `eliminated` (excluded), and where the moved votes went (`transfers`); for STV
    `surplus_of` names the candidate whose surplus was transferred. `lost` (STV only) is
    the value dropped so far by truncating transfer values to 5 decimal places, so that
    the tallies, `exhausted` and `lost` of every round add up to the valid vote.
    """

    tallies: dict[str, float]
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    exhausted: float = 0
    transfers: dict[str, float] = field(default_factory=dict)
    surplus_of: str | None = None
    lost: float | None = None

    def to_dict(self) -> dict:
        out = {
            "tallies": self.tallies,
            "elected": self.elected,
            "eliminated": self.eliminated,
            "exhausted": self.exhausted,
            "transfers": self.transfers,
        }
        if self.surplus_of is not None:
            out["surplus_of"] = self.surplus_of
        if self.lost is not None:
            out["lost"] = self.lost
        return out


@dataclass(frozen=True)
class TieBreak:
    """A tie resolved during the count: how (`lookback` to an earlier round, or `lot`)."""

    round: int
    purpose: str  # "exclusion", "surplus order", "election"
    tied: list[str]
    method: str
    chosen: str
    seed: int | None = None
    looked_back_to: int | None = None

    def to_dict(self) -> dict:
        out = {
            "round": self.round,
            "purpose": self.purpose,
            "tied": self.tied,
            "method": self.method,
            "chosen": self.chosen,
        }
        if self.method == "lot":
            out["seed"] = self.seed
        if self.looked_back_to is not None:
            out["looked_back_to"] = self.looked_back_to
        return out


@dataclass(frozen=True)
class CountReport:
    method: str
    seats: int
    candidates: list[str]
    valid: int
    invalid: int
    quota: float | None
    winners: list[str]
    rounds: list[Round]
    tie_breaks: list[TieBreak]
    seed: int
    by_category: dict[str, dict[str, int]] | None = None
    invalid_ballots: list[dict] = field(default_factory=list)
    title: str = ""
    truncated_ballots: list[dict] = field(default_factory=list)
    truncated: int = 0
    fingerprint: str = ""  # SHA-256 (hex) of the ballots' canonical form
    seed_source: str = ""  # "papers" (derived from the canonical form) or "given"

    def to_dict(self) -> dict:
        out: dict = {
            "version": REPORT_VERSION,
            "method": self.method,
            "seats": self.seats,
            "candidates": self.candidates,
            "valid": self.valid,
            "invalid": self.invalid,
            "quota": self.quota,
            "winners": self.winners,
            "rounds": [r.to_dict() for r in self.rounds],
        }
        if self.by_category is not None:
            out["by_category"] = self.by_category
        out["tie_breaks"] = [t.to_dict() for t in self.tie_breaks]
        out["seed"] = self.seed
        if self.seed_source:
            out["seed_source"] = self.seed_source
        if self.fingerprint:
            out["fingerprint"] = self.fingerprint
        if self.invalid_ballots:
            out["invalid_ballots"] = self.invalid_ballots
        if self.truncated:
            out["truncated"] = self.truncated
            out["truncated_ballots"] = self.truncated_ballots
        return out


def invalid_list(ballots) -> list[dict]:
    """The invalid papers of a `Ballots`, as the report lists them."""
    return [{"line": b.line, "reason": b.reason, "weight": b.weight} for b in ballots.invalid_ballots]


def truncated_list(ballots) -> list[dict]:
    """The papers of a `Ballots` counted only up to a defect, as the report lists them."""
    return [{"line": b.line, "reason": b.reason, "weight": b.weight} for b in ballots.truncated_ballots]
