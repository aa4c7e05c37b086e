"""groundswell targets --party LAB --election 2015 [--attack|--defend] [--limit N] [--json]"""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from groundswell.core.elections.parties import PARTY_NAMES, party_code
from groundswell.groundgame import selectors


class Command(BaseCommand):
    help = "Seats ranked by the swing a party needs to win them (attack) or would lose them by (defend)."

    def add_arguments(self, parser):
        parser.add_argument("--party", default="LAB")
        parser.add_argument("--election", type=int, default=None, help="year (default: the latest loaded)")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--attack", action="store_true", help="seats the party came second in")
        kind.add_argument("--defend", action="store_true", help="seats the party holds")
        parser.add_argument("--country", default="", help="England, Scotland, Wales or Northern Ireland")
        parser.add_argument("--limit", type=int, default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, party, election, attack, defend, country, limit, json: bool, **options):
        code = party_code(party)
        if code == "OTH" and party.upper() != "OTH":
            raise CommandError(
                f"unknown party {party!r}; use a code such as {', '.join(list(PARTY_NAMES)[:7])}"
            )
        chosen = selectors.election_for(election)
        if chosen is None:
            raise CommandError(
                f"no results for {election or 'any election'}: run `groundswell import-results`"
            )
        kind = "attack" if attack else "defend" if defend else "all"
        rows = selectors.target_seats(party=code, election=chosen, kind=kind, limit=limit, country=country)
        if json:
            self.stdout.write(_dumps([{**asdict(t), "held": t.held} for t in rows]))
            return
        table = Table(title=f"{PARTY_NAMES[code]} {kind} list, {chosen.name}")
        for col in ("#", "Seat", "Region", "Held by", "Majority", "Maj. %", "Swing needed"):
            table.add_column(
                col, justify="right" if col in ("#", "Majority", "Maj. %", "Swing needed") else "left"
            )
        for i, t in enumerate(rows, 1):
            table.add_row(
                str(i),
                t.name,
                t.region or t.country,
                t.winner,
                f"{t.majority:,}",
                f"{t.majority_share:.2f}",
                f"{t.swing_needed:.2f}",
            )
        Console().print(table)


def _dumps(data) -> str:
    return json.dumps(data)
