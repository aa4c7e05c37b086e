"""groundswell import-payments FILE --format F: record a payments file in the ledger."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.lifecycle.parsers import PARSERS
from groundswell.lifecycle.services import ImportRefused, payments_import


class Command(BaseCommand):
    help = (
        "Import a payments file (GoCardless or Stripe CSV, Bacs ARUDD/ADDACS XML, bank CSV) into the "
        "ledger. A file with any bad row imports nothing; the same file twice changes nothing."
    )
    group = "members"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(PARSERS), dest="fmt")

    def handle(self, *args, file: Path, fmt: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = payments_import(user=None, fmt=fmt, filename=str(file), data=file.read_bytes())
        except ImportRefused as e:
            for problem in e.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file}: {len(e.problems)} problem(s) found; nothing was imported.") from None
        self.stdout.write(f"{file}: {result.summary()}")
