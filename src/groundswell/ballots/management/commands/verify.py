"""`groundswell verify DIR` checks a published ballot from its files alone; `groundswell
verify audited-paper.json --candidates ... --key-fingerprint ...` checks a paper a voter
audited. Needs no database: the checks are
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
        parser.add_argument("--head", help="the board's head as announced with the result")
        parser.add_argument("--key-fingerprint", help="the ballot key's fingerprint, from the ballot's pages")
        parser.add_argument(
            "--candidates", help="for an audited paper: the candidates in order, comma-separated"
        )

    def handle(self, *args, path: str, **options):
        argv = [path]
        for name in ("tracker", "head", "key_fingerprint", "candidates"):
            if options.get(name):
                argv += ["--" + name.replace("_", "-"), options[name]]
        if main(argv) != 0:
            raise CommandError("NOT VERIFIED")
