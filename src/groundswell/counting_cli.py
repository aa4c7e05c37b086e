"""`groundswell count FILE`: re-count a published ballot file anywhere, without Django.

Nothing here imports Django or touches a database or the home directory: a sceptical
member runs it on a laptop with the package installed and nothing else, and it writes
nothing but its output. Exit status: 0 when the count elected someone, 1 when the file was
refused or nobody could be elected (no valid papers), 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

HELP = "Count a ballot file (.blt, ballot .csv or a city's cast-vote record); round by round, or --json."

DESCRIPTION = """\
Count a ballot file: an ERS .blt file, the ballot CSV ([category,]rank1,rank2,...), or a
city's cast-vote-record CSV (columns '1st Choice', '2nd Choice', ... or 'Rank 1', ...;
cells 'overvote', 'undervote'; optional 'Count'). Prints the count round by round, or
the versioned JSON report with --json. Lots are drawn from a seed derived from the papers
alone (see README, "Counting"), so any layout of the same papers gives the same result.
A malformed file is refused naming file, line and reason; nothing is counted."""


def _seats(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _skips(text: str) -> int | None:
    if text == "any":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number or 'any', not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from groundswell.core.counting import METHODS

    parser.add_argument("file", type=Path, help="the .blt or .csv file")
    parser.add_argument(
        "--method", choices=METHODS, default=None, help="default: irv for one seat, stv for more"
    )
    parser.add_argument(
        "--seats", type=_seats, default=None, help="seats to fill (default: as the .blt says, else 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the versioned JSON report")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed for lots (default: derived from the papers)"
    )
    parser.add_argument(
        "--candidates",
        default=None,
        help="ballot CSV only: comma-separated names, for candidates no paper ranks",
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="irv: exclude together every candidate who cannot win (Minneapolis, RCTab)",
    )
    cvr = parser.add_argument_group("cast-vote records (defaults: Minneapolis ordinance 167.60)")
    cvr.add_argument(
        "--overvote", choices=("skip", "exhaust"), default="skip", help="an overvoted rank (default: skip)"
    )
    cvr.add_argument(
        "--max-skipped",
        type=_skips,
        default=None,
        metavar="N|any",
        help="consecutive blank ranks allowed (default: any)",
    )
    cvr.add_argument(
        "--repeat",
        choices=("skip", "exhaust"),
        default="skip",
        help="a candidate ranked again (default: skip)",
    )


def parser(prog: str = "groundswell count") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_arguments(p)
    return p


def main(argv: list[str], *, prog: str = "groundswell count") -> int:
    # A count does no linear algebra, so OpenBLAS (loaded by numpy's import) needs no pool
    # of threads: starting one per core is a fifth of `count`'s start-up (bench/count_file.py).
    # Set before numpy is first imported, and only if the user has not chosen.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    options = vars(parser(prog).parse_args(argv))
    return run(options, stdout=sys.stdout, stderr=sys.stderr)


def run(options: dict, *, stdout: TextIO, stderr: TextIO) -> int:
    """Counts the file `options` name; returns the exit status."""
    from groundswell.core.counting import count
    from groundswell.core.formats.ballot_files import open_ballot_file
    from groundswell.core.formats.errors import FormatError

    file: Path = options["file"]
    if not file.is_file():
        stderr.write(f"{file}: no such file; nothing was counted\n")
        return 1
    names = [c.strip() for c in options["candidates"].split(",")] if options.get("candidates") else None
    rules = None
    if (options.get("overvote"), options.get("max_skipped"), options.get("repeat")) != ("skip", None, "skip"):
        from groundswell.core.formats.cvr import CvrRules  # only then: a .blt needs none of it

        rules = CvrRules(
            overvote=options.get("overvote") or "skip",
            max_skipped=options.get("max_skipped"),
            repeat=options.get("repeat") or "skip",
        )
    try:
        got = open_ballot_file(file, candidates=names, cvr_rules=rules)
    except FormatError as exc:
        for error in exc.errors:
            stderr.write(f"{file}: {error}\n")
        if exc.truncated:
            stderr.write(f"{file}: ... and {exc.truncated} more\n")
        stderr.write(f"{file}: refused; nothing was counted\n")
        return 1
    seats = options.get("seats") or got.seats or 1
    method = options.get("method") or ("irv" if seats == 1 else "stv")
    try:
        report = count(
            got.ballots, method=method, seats=seats, seed=options.get("seed"), batch=options.get("batch")
        )
    except ValueError as exc:
        stderr.write(f"{file}: {exc}; nothing was counted\n")
        return 1
    if options.get("json"):
        stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        print_table(report, stdout)
    if not report.winners:
        stderr.write(f"{file}: no valid papers ({report.invalid:,} invalid): nobody is elected\n")
        return 1
    return 0


def _cell(value, mark: str = "") -> str:
    if isinstance(value, float) and value != int(value):
        return f"{value:,.5f}".rstrip("0") + mark
    return f"{int(value):,}{mark}"


def print_table(report, out: TextIO) -> None:
    """The count round by round, as a returning officer reads it aloud."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out)
    title = report.title or "Count"
    console.print(
        f"[bold]{title}[/bold]: {report.method.upper()}, {report.seats} seat(s); "
        f"valid {report.valid:,}, invalid {report.invalid:,}"
        + (f", quota {report.quota:,}" if report.quota is not None else "")
    )
    table = Table(show_lines=False)
    table.add_column("Candidate")
    for i in range(len(report.rounds)):
        table.add_column(f"R{i + 1}", justify="right")
    for name in report.candidates:
        cells = []
        for r in report.rounds:
            v = r.tallies.get(name)
            mark = "*" if name in r.elected else ("x" if name in r.eliminated else "")
            cells.append("" if v is None else _cell(v, mark))
        table.add_row(name, *cells)
    table.add_row("exhausted", *[_cell(r.exhausted) for r in report.rounds])
    if any(r.lost is not None for r in report.rounds):
        table.add_row("lost to rounding", *[_cell(r.lost or 0) for r in report.rounds])
    console.print(table)
    console.print("* elected   x excluded")
    if report.by_category:
        cat = Table(title="First preferences by category")
        cat.add_column("Candidate")
        for c in report.by_category:
            cat.add_column(c, justify="right")
        for name in report.candidates:
            cat.add_row(name, *[f"{report.by_category[c][name]:,}" for c in report.by_category])
        console.print(cat)
    if any(t.method == "lot" for t in report.tie_breaks):
        origin = "derived from the papers alone" if report.seed_source == "papers" else "given"
        console.print(
            f"Lots drawn from seed {report.seed} ({origin}; fingerprint {report.fingerprint[:16]}...)"
        )
    for t in report.tie_breaks:
        console.print(
            f"Tie in round {t.round} ({t.purpose}) between {', '.join(t.tied)}: "
            f"{t.chosen} by {t.method}" + (f" (seed {t.seed})" if t.seed is not None else "")
        )
    if report.truncated:
        console.print(
            f"{report.truncated:,} paper(s) with a defect, read as the rules say (listed with --json)"
        )
    console.print(f"[bold]Elected:[/bold] {', '.join(report.winners) or 'nobody'}")
