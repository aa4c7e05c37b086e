"""`groundswell verify DIR` checks a published ballot from its files alone; `groundswell
verify audited-paper.json` checks a paper a voter audited. Needs no database: the checks are
`groundswell.core.ballotbox.verify`, which also runs as `python -m` without Django."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from groundswell.core.ballotbox.verify import main


class Command(BaseCommand):
    help = "Check a published ballot's files (board, marked register, papers, recount) or an audited paper."
    group = "ballots"
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("path", help="a folder of published files, or an audited paper's JSON")
        parser.add_argument("--tracker", help="also find this tracker (your receipt) on the board")

    def handle(self, *args, path: str, tracker: str | None, **options):
        argv = [path] + (["--tracker", tracker] if tracker else [])
        if main(argv) != 0:
            raise CommandError("NOT VERIFIED")
