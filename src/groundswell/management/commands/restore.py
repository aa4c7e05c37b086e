"""groundswell restore FILE --database-url URL: load a backup into an empty database.

Restores into the database named by --database-url (not the one this server runs on, so
a restore can be tested beside the live system), then checks the audit trail's chain in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from groundswell.config import database_from_url
from groundswell.management.pg import pg_env, pg_tool


class Command(BaseCommand):
    help = (
        "Restore a backup made by `groundswell backup` into an empty database, then verify its audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--database-url", required=True, help="the empty database: postgres://... or sqlite:///path"
        )

    def handle(self, *args, file: Path, database_url: str, **options):
        target = database_from_url(database_url, Path())
        if target["ENGINE"].endswith("postgresql"):
            done = subprocess.run(
                [
                    pg_tool("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    target["NAME"],
                    str(file),
                ],
                env=pg_env(target),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise CommandError(f"pg_restore failed: {done.stderr.strip()}")
        else:
            if Path(target["NAME"]).exists():
                raise CommandError(f"{target['NAME']} exists: restore into a new file")
            shutil.copyfile(file, target["NAME"])
        # the check runs as the restored system would: a process of its own on that database
        verify = subprocess.run(
            [sys.executable, "-m", "groundswell.cli", "audit", "verify"],
            env={**os.environ, "DATABASE_URL": database_url},
            capture_output=True,
            text=True,
        )
        if verify.returncode:
            raise CommandError(f"restored, but {verify.stderr.strip().removeprefix('CommandError: ')}")
        self.stdout.write(f"restored {file} into {target['NAME']}; {verify.stdout.strip()}")
