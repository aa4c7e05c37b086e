"""groundswell nearest --at LAT,LON | --postcode PC [--party LAB] [--election 2015] [--json]"""

import json

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.elections.parties import party_code
from groundswell.groundgame import selectors


class Command(BaseCommand):
    help = "The target seats a volunteer at a place should go to, best first, and why."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--at", help="LAT,LON")
        where.add_argument("--postcode")
        parser.add_argument("--party", default="LAB")
        parser.add_argument("--election", type=int, default=None)
        parser.add_argument("--limit", type=int, default=5)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, at, postcode, party, election, limit, json: bool, **options):
        nation = ""
        try:
            if at:
                lat, lon = (float(x) for x in at.split(","))
            else:
                place = selectors.postcode_location(postcode)
                lat, lon, nation = place.latitude, place.longitude, place.country
                if place.note:
                    self.stderr.write(place.note)
        except ValueError:
            raise CommandError(f"--at takes LAT,LON, for example 52.92,-1.52 (got {at!r})") from None
        except selectors.PostcodeNotFound as exc:
            raise CommandError(str(exc)) from None
        chosen = selectors.election_for(election)
        if chosen is None:
            raise CommandError("no results loaded: run `groundswell import-results`")
        found = selectors.nearest_marginals(
            latitude=lat, longitude=lon, party=party_code(party), election=chosen, limit=limit, nation=nation
        )
        if json:
            self.stdout.write(_dumps([_row(n) for n in found]))
            return
        for i, n in enumerate(found, 1):
            s = n.suggestion
            self.stdout.write(f"{i}. {s.seat.name} ({s.distance_km:.0f} km, score {s.score:.3f})")
            for reason in s.reasons:
                self.stdout.write(f"     {reason}")


def _row(n) -> dict:
    s = n.suggestion
    return {
        "ons_code": s.seat.ons_code,
        "name": s.seat.name,
        "distance_km": round(s.distance_km, 2),
        "score": round(s.score, 4),
        "swing_needed": round(s.seat.swing_needed, 3),
        "held": s.seat.held,
        "majority": s.seat.majority,
        "reasons": list(s.reasons),
        "sessions": [
            {"id": x.pk, "title": x.title, "starts_at": x.starts_at.isoformat(), "free": x.free}
            for x in n.sessions
        ],
    }


def _dumps(data) -> str:
    return json.dumps(data)
