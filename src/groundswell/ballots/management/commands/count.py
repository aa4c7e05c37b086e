"""`count` as a Django management command (for `call_command("count", ...)`): the same
code as `groundswell count`, which runs without Django (groundswell.counting_cli)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from groundswell import counting_cli


class Command(BaseCommand):
    help = counting_cli.HELP
    group = "ballots"
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        counting_cli.add_arguments(parser)

    def handle(self, *args, **options):
        if counting_cli.run(options, stdout=self.stdout, stderr=self.stderr):
            raise CommandError(f"{options['file']}: nothing was elected or the file was refused")
