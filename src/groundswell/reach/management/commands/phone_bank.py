"""groundswell phone-bank CODE [--json]: a phone bank's progress (households by state,
calls, results by code, callers active)."""

import json

from django.core.management.base import BaseCommand, CommandError

from groundswell.reach import selectors
from groundswell.reach.models import PhoneBank


class Command(BaseCommand):
    help = "A phone bank's progress: households by state, calls made, results by code, callers active."
    group = "ground game"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, code: str, json: bool, **options):
        bank = PhoneBank.objects.filter(code=code.lower()).first()
        if bank is None:
            raise CommandError(f"no phone bank has the code {code!r}")
        progress = selectors.bank_progress(bank)
        if json:
            self.stdout.write(_dumps({"name": bank.name, "branch": bank.branch.name, **progress}))
            return
        self.stdout.write(f"{bank.name} ({bank.branch.name}): {progress['total']} households")
        for key in ("states", "codes"):
            self.stdout.write(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in sorted(progress[key].items())))
        self.stdout.write(
            f"  calls {progress['calls']}, callers {progress['callers']}, active {progress['active']}"
        )


_dumps = json.dumps
