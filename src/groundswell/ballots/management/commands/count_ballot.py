"""`groundswell count-ballot BALLOT --share FILE --share FILE`: the trustees open the sealed
box from a terminal. Shares are read from files (a trustee's downloaded JSON, or a text
file of the 33 words) or typed when asked; the count runs in this process, whose memory is
the only place the key ever exists."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from groundswell.ballots import services
from groundswell.ballots.models import Ballot


def read_share(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    try:
        return str(json.loads(text)["share"])
    except (ValueError, KeyError, TypeError):
        return text.strip()


class Command(BaseCommand):
    help = "Open a closed ballot's sealed box with k trustees' shares and count it."
    group = "ballots"

    def add_arguments(self, parser):
        parser.add_argument("ballot", type=int, help="the ballot's number")
        parser.add_argument("--share", action="append", default=[], type=Path, help="a trustee's share file")
        parser.add_argument("--ask", action="store_true", help="type the shares instead (not echoed)")

    def handle(self, *args, ballot: int, share: list[Path], ask: bool, **options):
        b = Ballot.objects.filter(pk=ballot).first()
        if b is None:
            raise CommandError(f"no ballot {ballot}")
        given = []
        for path in share:
            if not path.is_file():
                raise CommandError(f"{path}: no such share file")
            given.append(read_share(path))
        if ask:
            for _ in range(b.threshold - len(given)):
                given.append(getpass.getpass(f"Share {len(given) + 1} (33 words): "))
        try:
            key = services.rebuild_key(b, given)
        except services.BallotError as exc:
            raise CommandError(str(exc)) from None
        with Progress(transient=True) as bar:
            task = bar.add_task("Opening sealed papers", total=None)
            done = services.ballot_count(
                ballot_id=b.pk, key=key, progress=lambda i, n: bar.update(task, completed=i, total=n)
            )
        del key
        if done.status != Ballot.Status.COUNTED:
            raise CommandError(f"not counted: the ballot is {done.get_status_display()}")
        result = done.result
        self.stdout.write(
            f"Counted {result['valid']} valid and {result['invalid']} invalid papers. "
            f"Elected: {', '.join(result['winners']) or 'nobody'}."
        )
