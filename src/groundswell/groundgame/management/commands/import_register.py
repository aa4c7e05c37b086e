"""groundswell import-register FILE --constituency ONS_CODE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from groundswell.accounts.services import audit_record
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import Constituency


class Command(BaseCommand):
    help = "Import an electoral register CSV for one constituency (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--constituency", required=True, help="ONS code, e.g. E14000662")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, file: Path, constituency: str, quiet: bool, **options):
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

            result = register_import(constituency=seat, path=file, filename=str(file), progress=progress)
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
