"""Constituency results: reading the Commons Library long-format file and the arithmetic of
majorities and swing."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from groundswell.core.elections.parties import party_code
from groundswell.core.formats.errors import FormatError, RowError


@dataclass(frozen=True)
class SeatResult:
    """One constituency at one election."""

    ons_code: str
    name: str
    county: str
    region: str
    country: str
    electorate: int
    election: date
    votes: dict[str, int] = field(default_factory=dict)  # party code -> votes

    @property
    def total(self) -> int:
        return sum(self.votes.values())

    @property
    def ranked(self) -> list[tuple[str, int]]:
        return sorted(self.votes.items(), key=lambda kv: (-kv[1], kv[0]))

    @property
    def winner(self) -> str:
        return self.ranked[0][0]

    @property
    def runner_up(self) -> str | None:
        ranked = self.ranked
        return ranked[1][0] if len(ranked) > 1 else None

    @property
    def majority(self) -> int:
        ranked = self.ranked
        return ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0)

    @property
    def turnout(self) -> float:
        """Votes cast as a percentage of the electorate."""
        return 100 * self.total / self.electorate if self.electorate else 0.0

    def share(self, party: str) -> float:
        """A party's share of the votes cast, in percent."""
        return 100 * self.votes.get(party, 0) / self.total if self.total else 0.0


def read_long_results(
    lines: Iterable[str], *, years: set[int] | None = None, filename: str = "GE_results.tsv"
) -> list[SeatResult]:
    """Reads the `location, date, party, votes` file (location is
    `ONS_CODE|NAME|COUNTY|REGION|COUNTRY|ELECTORATE`); party names are normalised and
    votes for names that share a code are added up."""
    reader = csv.reader(lines, delimiter="\t")
    header = next(reader, None)
    if header != ["location", "date", "party", "votes"]:
        raise FormatError(
            [RowError(1, "", f"expected header location, date, party, votes; found {header}")],
            filename=filename,
        )
    seats: dict[tuple[str, date], dict] = {}
    errors: list[RowError] = []
    for line, row in enumerate(reader, 2):
        if not row:
            continue
        try:
            location, day, party, votes = row
            when = date.fromisoformat(day)
            if years is not None and when.year not in years:
                continue
            ons, name, county, region, country, electorate = location.split("|")
            count = int(votes)
        except ValueError as exc:
            errors.append(RowError(line, "", f"unreadable row ({exc})"))
            continue
        key = (ons, when)
        seat = seats.setdefault(
            key,
            {
                "ons_code": ons,
                "name": name,
                "county": county,
                "region": region,
                "country": country,
                "electorate": int(electorate or 0),
                "votes": {},
            },
        )
        code = party_code(party)
        seat["votes"][code] = seat["votes"].get(code, 0) + count
    if errors:
        raise FormatError(errors[:1000], filename=filename, truncated=max(0, len(errors) - 1000))
    return [SeatResult(election=when, **data) for (_, when), data in sorted(seats.items())]
