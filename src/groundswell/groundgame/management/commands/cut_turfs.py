"""groundswell cut-turfs --constituency ONS_CODE [--doors 60]"""

from django.core.management.base import BaseCommand, CommandError

from groundswell.groundgame.models import Constituency
from groundswell.groundgame.services import turfs_cut


class Command(BaseCommand):
    help = "Cut a constituency's register into walk lists in walking order (assigned lists are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--constituency", required=True, help="ONS code, e.g. E14000662")
        parser.add_argument("--doors", type=int, default=60, help="doors per list (default 60)")

    def handle(self, *args, constituency: str, doors: int, **options):
        seat = Constituency.objects.filter(ons_code=constituency.upper()).first()
        if seat is None:
            raise CommandError(f"no constituency {constituency!r}")
        if doors < 5:
            raise CommandError("--doors must be at least 5")
        result = turfs_cut(constituency=seat, doors=doors)
        self.stdout.write(
            f"{seat.name}: {result['lists']} walk lists, {result['doors']} doors "
            f"({result['kept']} assigned lists kept)."
        )
