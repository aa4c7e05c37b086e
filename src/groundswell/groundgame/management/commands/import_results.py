"""groundswell import-results: general election results 2010-2019 for all 650 seats."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.formats.errors import FormatError
from groundswell.groundgame.services import GENERAL_ELECTION_YEARS, GroundGameError, results_import


class Command(BaseCommand):
    help = (
        "Load general election results (default 2010, 2015, 2017, 2019) from the Commons Library file "
        "bundled in the uk-politics package (Open Parliament Licence v3.0)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=None, help="a GE_results.tsv of your own")
        parser.add_argument("--years", default=",".join(map(str, GENERAL_ELECTION_YEARS)))

    def handle(self, *args, file, years, **options):
        try:
            wanted = [int(y) for y in years.split(",") if y.strip()]
            counts = results_import(path=file, years=wanted)
        except (FormatError, GroundGameError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for year, n in sorted(counts.items()):
            self.stdout.write(f"{year}: {n} seats")
        self.stdout.write(
            "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
        )
