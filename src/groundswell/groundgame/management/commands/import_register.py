"""groundswell import-register FILE --constituency ONS_CODE --mode full|update [--confirm]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from groundswell.accounts.policies import NeedsConfirmation
from groundswell.accounts.services import audit_record
from groundswell.groundgame.importing import MODES, register_import
from groundswell.groundgame.models import Constituency


class Command(BaseCommand):
    help = "Import an electoral register CSV for one constituency (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--constituency", required=True, help="ONS code, e.g. E14000662")
        parser.add_argument(
            "--mode",
            required=True,
            choices=MODES,
            help="full: the whole register (those not on it are marked as left); "
            "update: a monthly update file (A/C/D rows; nobody else is touched)",
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="a full register may mark more than 5%% of the seat as left without asking",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, file: Path, constituency: str, quiet: bool, mode: str, confirm: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        seat = Constituency.objects.filter(ons_code=constituency.upper()).first()
        if seat is None:
            raise CommandError(
                f"no constituency {constituency!r}: run `groundswell import-results` first, "
                "and use an ONS code such as E14000662"
            )
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=Console(stderr=True), disable=quiet) as bar:
            tasks: dict[str, int] = {}

            def progress(phase, done, total):
                if phase not in tasks:
                    tasks[phase] = bar.add_task(
                        "Checking rows" if phase == "validate" else "Importing", total=total
                    )
                bar.update(tasks[phase], completed=done, total=max(done, total))

            def run(confirmed: bool):
                return register_import(
                    constituency=seat,
                    path=file,
                    filename=str(file),
                    progress=progress,
                    mode=mode,
                    confirm=confirmed,
                )

            try:
                result = run(confirm)
            except NeedsConfirmation as asked:
                bar.stop()
                if not self._ask(file, asked):
                    raise CommandError(
                        f"{file}: {asked.message} Nothing was imported (run again with --confirm, or "
                        "--mode update for a monthly update file)."
                    ) from None
                result = run(True)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{file}: {result.error_count} problem(s) found; nothing was imported.")
        audit_record(
            actor=None,
            action="register.import",
            target=f"{seat.ons_code}:{file}",
            rows=result.rows,
            detail=result.summary(),
        )
        s = result.summary()
        self.stdout.write(
            f"{seat.name} register version {s['version']}: {s['rows']} electors ({s['new_electors']} new, "
            f"{s['updated_electors']} updated, {s['left']} marked as left), "
            f"{s['new_households']} new households, {s['polling_districts']} polling districts."
        )

    def _ask(self, file: Path, asked: NeedsConfirmation) -> bool:
        """Asks at a terminal, defaulting to no; with no terminal to ask, the answer is no."""
        if not sys.stdin.isatty():
            return False
        c = asked.consequences
        self.stderr.write(f"{file}: {asked.message}")
        if c.get("sample"):
            self.stderr.write("Among them: " + "; ".join(c["sample"]))
        self.stderr.write(f"Mark {c.get('leaving', 0):,} electors as left? [y/N] ", ending="")
        self.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        return answer in ("y", "yes")
