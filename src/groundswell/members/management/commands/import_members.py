"""groundswell import-members FILE: validate every row, then import all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from groundswell.accounts.services import audit_record
from groundswell.members.importing import members_import


class Command(BaseCommand):
    help = "Import a members CSV (DESIGN.md format). A file with any bad row imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file: Path, quiet: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=quiet, transient=False) as bar:
            tasks: dict[str, int] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    label = "Checking rows" if phase == "validate" else "Importing rows"
                    tasks[phase] = bar.add_task(label, total=total)
                bar.update(tasks[phase], completed=done, total=max(total, done))

            result = members_import(path=file, filename=str(file), progress=progress)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"{file}: {error}")
            if result.error_count > len(result.errors):
                self.stderr.write(f"... {result.error_count - len(result.errors)} more problems")
            raise CommandError(f"{file}: {result.error_count} problem(s) found; nothing was imported.")
        s = result.summary()
        audit_record(actor=None, action="members.import", target=f"cli:{file}", rows=s["rows"], detail=s)
        self.stdout.write(
            f"Imported {s['rows']} rows from {file}: {s['created_people']} new people, "
            f"{s['created_memberships']} new memberships, {s['updated_memberships']} updated, "
            f"{s['linked_by_email']} linked to people already known by email, "
            f"{s['duplicate_candidates']} possible duplicates to review."
        )
