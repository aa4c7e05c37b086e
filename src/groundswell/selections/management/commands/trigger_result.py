"""groundswell trigger-result ID [--json]: a stored trigger ballot's result by section (the
published one, or what the sections recorded so far give, marked provisional)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from groundswell.selections import services
from groundswell.selections.models import TriggerBallot


class Command(BaseCommand):
    help = "A stored trigger ballot's result by section (published, or provisional)"
    group = "democracy"

    def add_arguments(self, parser):
        parser.add_argument("trigger", type=int)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, trigger: int, **options):
        t = TriggerBallot.objects.select_related("branch").filter(pk=trigger).first()
        if t is None:
            raise CommandError(f"no trigger ballot {trigger}")
        r = dict(t.result) if t.published_at else services.trigger_preview(t).report()
        r["published"] = t.published_at is not None
        r["title"], r["branch"], r["thresholds"] = t.title, t.branch.ons_code, t.thresholds
        if options["json"]:
            self.stdout.write(json.dumps(r, indent=2))
            return
        self.stdout.write(f"{t.title} ({t.branch.name}): {'published' if r['published'] else 'PROVISIONAL'}")
        for s in r["sections"]:
            yes = "YES" if s["says_yes"] else "no"
            self.stdout.write(
                f"  {s['kind']:10} {s['name']:40} for {s['for']:5} against {s['against']:5}  {yes}"
            )
        for kind, k in r["kinds"].items():
            met = "met" if k["met"] else "not met"
            self.stdout.write(
                f"  {kind}: {k['yes']} of {k['sections']} said yes; {k['needed']} needed: {met}"
            )
        self.stdout.write("A selection is TRIGGERED." if r["triggered"] else "No selection is triggered.")
