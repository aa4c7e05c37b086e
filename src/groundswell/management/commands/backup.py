"""groundswell backup FILE: a consistent copy of the whole database, while it runs.

PostgreSQL: `pg_dump --format=custom` (one snapshot, so every table is from the same
moment; restore with `groundswell restore`, or `pg_restore`). SQLite: the online backup API.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from groundswell.management.pg import pg_env, pg_tool


class Command(BaseCommand):
    help = "Back up the database to FILE (pg_dump custom format on PostgreSQL, a copy on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            done = subprocess.run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(file), settings["NAME"]],
                env=pg_env(settings),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_dump failed: {done.stderr.strip()}")
        else:
            with sqlite3.connect(settings["NAME"]) as source, sqlite3.connect(file) as target:
                source.backup(target)
        self.stdout.write(f"backed up to {file} ({file.stat().st_size:,} bytes)")
