"""A city's cast-vote record counted to its certified result.

`data/minneapolis_2021_ward2_cvr.csv.gz` is the City of Minneapolis's cast-vote record for
the 2021 City Council Ward 2 election (columns `Precinct, 1st Choice, 2nd Choice, 3rd
Choice, Count`; 9,799 rows, one per paper; cells hold a name, `undervote`, `overvote` or
`UWI`), as redistributed in mggg/VoteKit (tests/data/mn_2021_Ward_2.csv, commit 5bd9e22,
MIT licence; the record itself is public). Only gzipped here.

The certified result (https://vote.minneapolismn.gov/results-data/election-results/2021/
council-ward-2/, canvass of 12 Nov 2021, before the recount): 9,799 ballots; final round
Robin Wonsley Worlobah 4,056, Yusra Arab 4,037, "all other" (exhausted or no vote for the
office) 1,706; Wonsley Worlobah elected. First choices as reported on election night:
Wonsley Worlobah 29.04%, Arab 28.49%, Gordon 26.36% of the 9,501 first choices that named a
candidate. Minneapolis's ordinance 167.60(c)(2) passes over skipped ranks, overvotes and
repeated candidates, and 167.60(c)(1)(b) defeats together the candidates who cannot win.

The file is the real record (not rebuilt from the tabulation), so the test plays the
sceptical member with the city's own file."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from groundswell.core.counting import count
from groundswell.core.formats.ballot_files import open_ballot_file
from groundswell.core.formats.cvr import CvrRules
from groundswell.core.formats.errors import FormatError

DATA = Path(__file__).parent / "data" / "minneapolis_2021_ward2_cvr.csv.gz"


@pytest.fixture(scope="module")
def ward2(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cvr") / "2021-ward-2.csv"
    with gzip.open(DATA, "rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def first_column(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
        name = line.split(",")[1]
        out[name] = out.get(name, 0) + 1
    return out


@pytest.mark.parametrize("batch", [True, False])
def test_minneapolis_2021_ward_2_is_counted_to_its_certified_final_round(ward2, batch):
    got = open_ballot_file(ward2)
    assert got.kind == "cvr"
    report = count(got.ballots, method="irv", batch=batch).to_dict()
    assert report["valid"] + report["invalid"] == 9_799
    final = report["rounds"][-1]
    assert final["tallies"] == {"Robin Wonsley Worlobah": 4_056, "Yusra Arab": 4_037}
    assert final["exhausted"] + report["invalid"] == 1_706
    assert report["winners"] == ["Robin Wonsley Worlobah"]
    if batch:  # Anderson, Gaskin and the write-ins defeated together, then Gordon
        assert [r["eliminated"] for r in report["rounds"]] == [
            ["Guy T Gaskin", "Tom Anderson", "UWI"],
            ["Cam Gordon"],
            [],
        ]
    assert report["tie_breaks"] == []


def test_the_record_holds_overvotes_skipped_ranks_and_repeats_and_the_count_reads_past_them(ward2):
    """What makes this the test the issue asks for: the city's own file has overvotes, ranks
    skipped before a later choice and candidates ranked twice (counted here from the raw
    rows), and the count lists papers it read past such a defect."""
    import csv

    overvotes = skipped = repeats = 0
    with ward2.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            ranks = row[1:4]
            named = [i for i, x in enumerate(ranks) if x not in {"undervote", "overvote"}]
            overvotes += "overvote" in ranks
            skipped += bool(named) and "undervote" in ranks[: named[-1]]
            repeats += len({ranks[i] for i in named}) < len(named)
    assert (overvotes, skipped, repeats) == (23, 30, 266)
    report = count(open_ballot_file(ward2).ballots, method="irv").to_dict()
    assert report["truncated"] > 0 and report["truncated_ballots"]


def test_the_record_s_first_choices_are_those_reported_on_election_night(ward2):
    firsts = first_column(ward2)
    named = sum(n for name, n in firsts.items() if name not in {"undervote", "overvote"})
    assert named == 9_501
    assert [
        round(100 * firsts[c] / named, 2) for c in ("Robin Wonsley Worlobah", "Yusra Arab", "Cam Gordon")
    ] == [
        29.04,
        28.49,
        26.36,
    ]


def test_overvotes_skipped_ranks_and_repeats_follow_the_documented_rules(tmp_path):
    path = tmp_path / "cvr.csv"
    path.write_text(
        "Precinct,1st Choice,2nd Choice,3rd Choice,Count\n"
        "P-1,overvote,Ann,Bob,2\n"  # overvote passed over: counts for Ann
        "P-1,undervote,undervote,Bob,1\n"  # skipped ranks passed over: Bob
        "P-1,Ann,Ann,Cat,1\n"  # repeat passed over: Ann then Cat
        "P-2,undervote,undervote,undervote,3\n"  # blank: invalid
        "P-2,overvote,overvote,undervote,1\n"  # overvotes only: invalid
        "P-2,Cat,Bob,undervote,1\n"
    )
    report = count(open_ballot_file(path).ballots, method="irv").to_dict()
    assert report["valid"] == 5 and report["invalid"] == 4
    assert report["rounds"][0]["tallies"] == {"Ann": 3, "Bob": 1, "Cat": 1}
    assert {b["line"] for b in report["invalid_ballots"]} == {5, 6}
    assert {b["line"] for b in report["truncated_ballots"]} == {2, 3, 4}

    strict = CvrRules(overvote="exhaust", max_skipped=1, repeat="exhaust")
    report = count(open_ballot_file(path, cvr_rules=strict).ballots, method="irv").to_dict()
    # the overvote paper ends at rank 1 (invalid); two skipped ranks exhaust the Bob paper
    assert report["rounds"][0]["tallies"] == {"Ann": 1, "Bob": 0, "Cat": 1}
    assert report["invalid"] == 4 + 2 + 1


def test_a_bad_count_column_is_refused_with_its_line(tmp_path):
    path = tmp_path / "cvr.csv"
    path.write_text("Precinct,1st Choice,2nd Choice,Count\nP,Ann,Bob,1\nP,Ann,Bob,-2\nP,Bob,Ann,x\n")
    with pytest.raises(FormatError) as info:
        open_ballot_file(path)
    assert [(e.line, "negative" in e.message or "whole number" in e.message) for e in info.value.errors] == [
        (3, True),
        (4, True),
    ]
    assert str(info.value).startswith(f"{path}: line 3")
