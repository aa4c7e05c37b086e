"""groundswell vetting list BALLOT: a ballot's exclusion cases, and the counts by reason."""

import json

from django.core.management.base import BaseCommand, CommandError

from groundswell.ballots.models import Ballot
from groundswell.vetting import selectors, services


class Command(BaseCommand):
    help = (
        "Exclusions from a ballot's electorate: `list BALLOT` shows its cases (criterion, state, "
        "appeal) and the counts by reason published with its result."
    )
    group = "ballots"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="a ballot's exclusion cases")
        listing.add_argument("ballot", type=int, help="the ballot's number")
        listing.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args, action: str, ballot: int, json: bool = False, **options):
        found = Ballot.objects.filter(pk=ballot).first()
        if found is None:
            raise CommandError(f"no ballot {ballot}")
        cases = services.exclusions_for_officer(actor=None, ballot=found)  # audited as a bulk read
        counts = selectors.published_counts(found) or {}
        rows = []
        for ex in cases:
            appeal = selectors.appeal_of(ex)
            rows.append(
                {
                    "case": ex.pk,
                    "person": ex.person_id,
                    "name": f"{ex.person.first_name} {ex.person.last_name}".strip(),
                    "criterion": ex.criterion.code,
                    "state": ex.state,
                    "appeal": (appeal.decision or "undecided") if appeal else "",
                    "paper": appeal.paper if appeal else "",
                }
            )
        if json:
            self.stdout.write(
                _dumps({"ballot": found.pk, "title": found.title, "cases": rows, "counts": counts})
            )
            return
        self.stdout.write(f"{found.title}: {len(rows)} case(s)")
        for r in rows:
            self.stdout.write(
                f"  #{r['case']:<5} {r['name'][:30]:<30} {r['criterion']:<24} {r['state']:<11} "
                f"{('appeal ' + r['appeal']) if r['appeal'] else ''}"
            )
        if counts:
            by_reason = ", ".join(f"{k}: {v}" for k, v in counts["in_force_by_reason"].items()) or "none"
            self.stdout.write(
                f"In force by reason: {by_reason}; reinstated on appeal: {counts['reinstated_on_appeal']}"
            )


def _dumps(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
