"""OS Code-Point Open import (every GB postcode) against a plain Django baseline, on SQLite
and (with DATABASE_URL) PostgreSQL.

    python bench/import_postcodes.py
    bash scripts/with-postgres.sh .venv/bin/python bench/import_postcodes.py   # both databases

Ours: `postcodes_import_codepoint`, the whole thing: read the zip area by area, check every
row, convert the British National Grid with pyproj, write in one transaction (executemany on
SQLite, COPY on PostgreSQL), then the sector and district centres.
Baseline: the same rows, read and converted before the clock starts (all 1.7 million held
in memory), written with Django's `bulk_create(batch_size=5000)` in one transaction: what
one writes without thinking about it. Each run is a fresh process and database; peak RSS
is that process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from harness import print_table, run_workers  # noqa: E402
from import_register import peak_rss_mb  # noqa: E402


def setup_django(home: Path) -> None:
    os.environ["GROUNDSWELL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def run_ours(path: Path) -> dict:
    from groundswell.groundgame.services import postcodes_import_codepoint

    start = time.perf_counter()
    result = postcodes_import_codepoint(path=path)
    return {"seconds": time.perf_counter() - start, "rows": result["postcodes"], "peak_rss_mb": peak_rss_mb()}


def run_baseline(path: Path) -> dict:
    from django.db import transaction

    from groundswell.core.geo import codepoint
    from groundswell.groundgame.models import Postcode

    rows = []
    for area in codepoint.read_codepoint(path):
        rows += zip(
            area.postcodes, area.latitude.tolist(), area.longitude.tolist(), area.country, strict=True
        )
    start = time.perf_counter()
    with transaction.atomic():
        Postcode.objects.bulk_create(
            (Postcode(postcode=p, latitude=la, longitude=lo, country=c) for p, la, lo, c in rows),
            batch_size=5000,
        )
    return {"seconds": time.perf_counter() - start, "rows": len(rows), "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--worker", choices=["ours", "baseline"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.worker:
        setup_django(args.home)
        out = run_ours(args.file) if args.worker == "ours" else run_baseline(args.file)
        from django.db import connection

        out["vendor"] = connection.vendor
        print(json.dumps(out))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import importlib.util

    spec = importlib.util.find_spec("geocode")
    path = Path(next(iter(spec.submodule_search_locations))) / "code_point_open" / "codepo_gb.zip"
    with tempfile.TemporaryDirectory() as tmp:
        print_table("Code-Point Open import, all of GB", run_workers(__file__, path, Path(tmp)))


if __name__ == "__main__":
    main()
