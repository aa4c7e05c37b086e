"""groundswell import-tps FILE: the Telephone Preference Service list, one number a line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.accounts.policies import Refused
from groundswell.reach import services


class Command(BaseCommand):
    help = "Import the TPS list (one number a line; all or nothing): never called without consent."
    group = "ground game"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"{file}: {e}") from None
        try:
            n = services.tps_import(user=None, lines=lines, filename=path.name, from_console=True)
        except Refused as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"{n:,} numbers on the TPS list from {path.name}")
