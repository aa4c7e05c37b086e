"""groundswell count FILE [--method fptp|irv|stv] [--seats N] [--json]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from groundswell.core.counting import METHODS, count
from groundswell.core.formats.ballot_files import read_ballot_file
from groundswell.core.formats.errors import FormatError


class Command(BaseCommand):
    help = "Count a ballot file (.blt or .csv). Prints the round-by-round result, or JSON with --json."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--method", choices=METHODS, default=None, help="default: irv for one seat, stv for several"
        )
        parser.add_argument("--seats", type=int, default=None, help="default: as the .blt file says, else 1")
        parser.add_argument("--json", action="store_true", help="print the versioned JSON report")
        parser.add_argument(
            "--seed", type=int, default=None, help="seed for drawing lots (default: derived from the ballots)"
        )
        parser.add_argument(
            "--candidates",
            default=None,
            help="CSV only: comma-separated candidate names, for candidates no paper ranks",
        )

    def handle(self, *args, file: Path, method, seats, json: bool, seed, candidates, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            names = [c.strip() for c in candidates.split(",")] if candidates else None
            ballots, blt_seats = read_ballot_file(file, candidates=names)
        except FormatError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{file}: malformed ballot file; nothing was counted") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason}); nothing was counted") from None
        seats = seats or blt_seats or 1
        method = method or ("irv" if seats == 1 else "stv")
        try:
            report = count(ballots, method=method, seats=seats, seed=seed)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if json:
            sys.stdout.write(_json_dumps(report.to_dict()) + "\n")
            return
        self._table(report)

    def _table(self, report) -> None:
        console = Console()
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
                cells.append(
                    ""
                    if v is None
                    else f"{v:,.5g}{mark}"
                    if isinstance(v, float) and v != int(v)
                    else f"{int(v):,}{mark}"
                )
            table.add_row(name, *cells)
        table.add_row("exhausted", *[f"{r.exhausted:,}" for r in report.rounds])
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
        for t in report.tie_breaks:
            console.print(
                f"Tie in round {t.round} ({t.purpose}) between {', '.join(t.tied)}: "
                f"{t.chosen} by {t.method}" + (f" (seed {t.seed})" if t.seed is not None else "")
            )
        console.print(f"[bold]Elected:[/bold] {', '.join(report.winners) or 'nobody'}")


def _json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
