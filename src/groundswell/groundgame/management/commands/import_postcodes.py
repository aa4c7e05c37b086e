"""groundswell import-postcodes FILE (CSV postcode,latitude,longitude)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.formats.errors import FormatError
from groundswell.groundgame.services import postcodes_import


class Command(BaseCommand):
    help = (
        "Import postcode locations (postcode,latitude,longitude), used for 'nearest marginal' and registers."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            n = postcodes_import(path=file)
        except FormatError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{file}: nothing was imported") from None
        self.stdout.write(f"{n} postcodes imported")
