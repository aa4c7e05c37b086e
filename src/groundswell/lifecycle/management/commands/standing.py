"""groundswell standing --on DATE: every ledger membership's standing as at a date, as CSV."""

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.lifecycle.selectors import standings_all


class Command(BaseCommand):
    help = (
        "Write every membership on the payments ledger with its standing as at a date (CSV: "
        "membership_number, state, paid_up_to, in_arrears_since, lapsed_on). Derived from the "
        "ledger and the rates; a past date shows what was true then."
    )
    group = "members"

    def add_arguments(self, parser):
        parser.add_argument("--on", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, on: str, **options):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"--on: {on!r} is not a date (YYYY-MM-DD)") from None
        out = csv.writer(self.stdout, lineterminator="\n")
        out.writerow(["membership_number", "state", "paid_up_to", "in_arrears_since", "lapsed_on"])
        n = 0
        for _, number, s in standings_all(day):
            out.writerow(
                [number, s.state.value, s.paid_up_to or "", s.in_arrears_since or "", s.lapsed_on or ""]
            )
            n += 1
        # a bulk read of members' payment standing, from the command line
        audit_record(actor=None, action="lifecycle.standing_export", target="memberships", rows=n,
                     detail={"on": day.isoformat()})  # fmt: skip
