"""Cast-vote records as cities publish them: one row per paper (or per group of identical
papers with a count), columns of ranks holding candidate names.

The shape read is Minneapolis's and RCTab's CSV export::

    Precinct,1st Choice,2nd Choice,3rd Choice,Count
    MINNEAPOLIS W-2 P-09,Cam Gordon,undervote,Yusra Arab,1

Rank columns are found by name (`1st Choice`, `Rank 1`, `Choice 1`, any case) and read in
their number's order; a `Count` (or `Weight`) column, when present, is how many papers the
row stands for; every other column (precinct, ballot id, ...) is ignored. In a rank cell,
`overvote` means two or more candidates were marked at that rank, `undervote` or an empty
cell that the rank was left blank; anything else is a candidate's name (`UWI`, the
undeclared write-ins, is counted as one candidate, as Minneapolis records them).

The rules (`CvrRules`), by default those of Minneapolis's ordinance 167.60(c)(2):

- a skipped rank (undervote) is passed over: the paper counts for its next rank;
  `max_skipped=N` makes the paper exhausted after more than N consecutive skipped ranks
  (RCTab's "maximum skipped ranks allowed");
- an overvote is passed over (`overvote="skip"`), or ends the paper there
  (`overvote="exhaust"`, RCTab's "exhaust immediately");
- a candidate ranked again is passed over (`repeat="skip"`) or ends the paper
  (`repeat="exhaust"`);
- a paper with no candidate at any rank is invalid (blank, or overvotes only).

Every paper a rule touched is listed in the report's `truncated_ballots` with its line and
what was done, and counted in `truncated`.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass

from groundswell.core.counting.ballots import BallotBuilder, Ballots
from groundswell.core.formats.ballot_files import (
    MAX_ERRORS,
    Reopen,
    _add_all,
    _fail,
    _first_lines,
    _read_row,
    distinct_rows,
)
from groundswell.core.formats.errors import FormatError, RowError

_RANK = re.compile(r"^\s*(?:(\d+)\s*(?:st|nd|rd|th)?\s+choice|rank\s*(\d+)|choice\s*(\d+))\s*$", re.I)
_WEIGHT = {"count", "weight", "ballotcount", "ballot count"}


@dataclass(frozen=True)
class CvrRules:
    """How a cast-vote record's overvotes, skipped ranks and repeats are read (see module)."""

    overvote: str = "skip"  # "skip" | "exhaust"
    max_skipped: int | None = None  # None: any number of skipped ranks is passed over
    repeat: str = "skip"  # "skip" | "exhaust"
    overvote_label: str = "overvote"
    undervote_label: str = "undervote"

    def __post_init__(self) -> None:
        if self.overvote not in {"skip", "exhaust"} or self.repeat not in {"skip", "exhaust"}:
            raise ValueError("overvote and repeat rules are 'skip' or 'exhaust'")
        if self.max_skipped is not None and self.max_skipped < 0:
            raise ValueError("max_skipped is a whole number of ranks, 0 or more")


MINNEAPOLIS = CvrRules()


def _rank_columns(header: list[str]) -> list[tuple[int, int]]:
    """(rank number, column index) of each rank column, in rank order."""
    found = []
    for i, name in enumerate(header):
        m = _RANK.match(name)
        if m:
            found.append((int(next(g for g in m.groups() if g)), i))
    return sorted(found)


def is_cvr_header(line: str) -> bool:
    """Whether a CSV's first line is a cast-vote record's (rank columns by name)."""
    try:
        header = [h.strip().lstrip("\ufeff") for h in _read_row(line)]
    except csv.Error:
        return False
    return bool(_rank_columns(header))


def parse_cvr(reopen: Reopen, *, filename: str = "", rules: CvrRules | None = None) -> Ballots:
    """Reads a cast-vote-record CSV into ballots, applying `rules` (Minneapolis's by default)."""
    rules = rules or MINNEAPOLIS
    it = iter(reopen())
    header = [h.strip().lstrip("\ufeff") for h in _read_row(next(it, ""))]
    columns = _rank_columns(header)
    if not columns:
        raise _fail(filename, 1, "no rank columns ('1st Choice', 'Rank 1', ...) in the header")
    numbers = [n for n, _ in columns]
    if len(set(numbers)) != len(numbers):
        raise _fail(filename, 1, "two columns for the same rank")
    weight_col = next((i for i, h in enumerate(header) if h.lower() in _WEIGHT), None)
    width = len(header)
    counts = Counter(it)
    bad: dict[str, str] = {}
    rows: list[tuple[str, int, list[str]]] = []
    over = rules.overvote_label.lower()
    under = rules.undervote_label.lower()
    for raw, times, row in distinct_rows(counts, width, bad):
        weight = 1
        if weight_col is not None:
            try:
                weight = int(row[weight_col])
            except ValueError:
                bad[raw] = f"column {header[weight_col]!r}: {row[weight_col]!r} is not a whole number"
                continue
            if weight < 0:
                bad[raw] = f"column {header[weight_col]!r}: negative count {weight}"
                continue
        cells = [row[i].strip() for _, i in columns]
        if weight:
            rows.append((raw, weight * times, cells))
        if len(bad) >= MAX_ERRORS:
            break
    if bad:
        lines = _first_lines(reopen, bad, start=2)
        errors = sorted((RowError(lines.get(r, 0), "", why) for r, why in bad.items()), key=lambda e: e.line)
        raise FormatError(errors, filename=filename)

    seen: dict[str, None] = {}
    for _, _, cells in rows:
        for cell in cells:
            if cell and cell.lower() not in {over, under}:
                seen.setdefault(cell, None)
    builder = BallotBuilder(list(seen))
    index = {name: i for i, name in enumerate(builder.candidates)}

    def add(b: BallotBuilder, cells: list[str], weight: int, line: int) -> None:
        ranking: list[int] = []
        notes: list[str] = []
        run = 0
        for k, cell in enumerate(cells, 1):
            low = cell.lower()
            if not cell or low == under:
                run += 1
                if rules.max_skipped is not None and run > rules.max_skipped:
                    if any(c and c.lower() != under for c in cells[k:]):
                        notes.append(f"exhausted at rank {k}: more than {rules.max_skipped} skipped ranks")
                    break
                continue
            skipped_before = run
            run = 0
            if low == over:
                if rules.overvote == "exhaust":
                    notes.append(f"exhausted at rank {k}: overvote")
                    break
                notes.append(f"overvote at rank {k} passed over")
                continue
            c = index[cell]
            if c in ranking:
                if rules.repeat == "exhaust":
                    notes.append(f"exhausted at rank {k}: {cell} ranked again")
                    break
                notes.append(f"{cell} ranked again at rank {k}, passed over")
                continue
            if skipped_before and ranking:
                notes.append(f"skipped rank(s) before rank {k} passed over")
            elif skipped_before:
                notes.append(f"first choice at rank {k}")
            ranking.append(c)
        if not ranking:
            b.reject(line, "no candidate ranked" + (": " + "; ".join(notes) if notes else ""), weight)
            return
        if notes:
            b.note(line, "; ".join(notes), weight)
        b.add(ranking, weight=weight, line=line)

    _add_all(builder, rows, lambda wanted: _first_lines(reopen, wanted, start=2), add=add)
    return builder.build()
