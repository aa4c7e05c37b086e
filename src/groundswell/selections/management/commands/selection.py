"""groundswell selection ID [--json]: a selection's timetable, hustings, nominations,
shortlist and result, for an officer at the server (no statements: those stay on the
panel's page)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from groundswell.selections import selectors
from groundswell.selections.models import Nomination, Selection


def report(s: Selection) -> dict:
    counts = selectors.nomination_counts(s)
    name = lambda a: f"{a.person.first_name} {a.person.last_name}".strip()  # noqa: E731
    ballot = s.ballot
    return {
        "version": 1,
        "id": s.pk,
        "title": s.title,
        "branch": s.branch.ons_code,
        "stage": s.stage_on(selectors.today()),
        "timetable": {f: getattr(s.timetable, f).isoformat() for f in s.timetable.__dataclass_fields__},
        "hustings": [
            {"event": e.pk, "title": e.title, "starts_at": e.starts_at.isoformat(), "place": e.place}
            for e in selectors.hustings(s)
        ],
        "applications": s.applications.count(),
        "nominations": [
            {
                "by": n.body,
                "method": n.method,
                "status": n.status,
                "nominee": name(n.application) if n.application_id else None,
                "decided_on": n.decided_on.isoformat() if n.decided_on else None,
                "minutes_ref": n.minutes_ref,
            }
            for n in s.nominations.select_related("branch", "affiliate__organisation", "application__person")
        ],
        "shortlist_confirmed": s.shortlist_confirmed_at is not None,
        "shortlist": [
            {"name": name(a), "gender": a.gender, "nominations": counts.get(a.pk, 0)}
            for a in selectors.shortlist(s)
        ],
        "balance": selectors.balance(s).message,
        "ballot": None
        if ballot is None
        else {
            "id": ballot.pk,
            "status": ballot.status,
            "winners": (ballot.result or {}).get("winners") if ballot.status == "published" else None,
        },
    }


class Command(BaseCommand):
    help = (
        "A selection's timetable, hustings, nominations, shortlist and result (--json: the versioned report)"
    )
    group = "democracy"

    def add_arguments(self, parser):
        parser.add_argument("selection", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, selection: int, **options):
        s = Selection.objects.select_related("branch", "ballot").filter(pk=selection).first()
        if s is None:
            raise CommandError(f"no selection {selection}")
        r = report(s)
        if options["json"]:
            self.stdout.write(json.dumps(r, indent=2))
            return
        self.stdout.write(f"{r['title']} ({s.branch.name}) — now: {r['stage']}")
        for k, v in r["timetable"].items():
            self.stdout.write(f"  {k.replace('_', ' '):20} {v}")
        for h in r["hustings"]:
            self.stdout.write(f"  hustings: {h['title']}, {h['starts_at']}, {h['place']}")
        self.stdout.write(f"Applications: {r['applications']}")
        for n in r["nominations"]:
            made = n["nominee"] if n["status"] == Nomination.Status.MADE else "(vote open)"
            self.stdout.write(f"  nomination by {n['by']}: {made} [{n['method']}] {n['minutes_ref']}")
        self.stdout.write(
            f"Shortlist ({'confirmed' if r['shortlist_confirmed'] else 'not confirmed'}; {r['balance']}):"
        )
        for a in r["shortlist"]:
            self.stdout.write(f"  {a['name']} — {a['nominations']} nomination(s)")
        if r["ballot"]:
            b = r["ballot"]
            won = f", elected: {', '.join(b['winners'])}" if b["winners"] else ""
            self.stdout.write(f"Ballot {b['id']}: {b['status']}{won}")
