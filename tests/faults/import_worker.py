"""A members import in its own process, printing its progress: the test kills it -9 mid-write."""

import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

connection.settings_dict["NAME"] = os.environ["GROUNDSWELL_DB_NAME"]

from groundswell.members.importing import members_import  # noqa: E402


def progress(phase: str, done: int, total: int) -> None:
    print(phase, done, total, flush=True)


outcome = members_import(path=Path(sys.argv[1]), progress=progress)
print("done", outcome.rows, flush=True)
