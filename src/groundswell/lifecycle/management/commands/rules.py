"""groundswell rules publish FILE --ballot N: publish a version of a ballot's eligibility rules."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.accounts.policies import NeedsConfirmation, Refused
from groundswell.ballots.models import Ballot
from groundswell.lifecycle import selectors, services


class Command(BaseCommand):
    help = (
        "Publish (or show) a ballot's eligibility rules: `rules publish FILE --ballot N [--confirm]` "
        "publishes a JSON rules document as a new version; `rules show --ballot N` prints every version."
    )
    group = "ballots"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["publish", "show"])
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--ballot", type=int, required=True)
        parser.add_argument("--note", default="")
        parser.add_argument("--confirm", action="store_true", help="publishing is final: say so")

    def handle(self, *args, action: str, file: Path | None, ballot: int, note: str, confirm: bool, **options):
        b = Ballot.objects.filter(pk=ballot).first()
        if b is None:
            raise CommandError(f"--ballot: no ballot {ballot}")
        if action == "show":
            for v in selectors.rules_versions(b):
                self.stdout.write(json.dumps({"version": v.number, "published_at": v.published_at.isoformat(),
                                              "note": v.note, "document": v.document}))  # fmt: skip
            return
        if file is None or not file.is_file():
            raise CommandError("give the rules file (JSON) to publish")
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except ValueError as e:
            raise CommandError(f"{file}: not JSON ({e})") from None
        try:
            v = services.rules_publish(user=None, ballot=b, document=document, note=note, confirm=confirm)
        except NeedsConfirmation as e:
            raise CommandError(f"{e.message} (add --confirm)") from None
        except Refused as e:
            raise CommandError(f"{file}: {e.message}") from None
        self.stdout.write(f"{b.title}: rules version {v.number} published")
