"""Members import against a raw baseline, on SQLite and (when DATABASE_URL is set) PostgreSQL.

    python bench/import_members.py [--rows 500000]
    bash scripts/with-postgres.sh .venv/bin/python bench/import_members.py   # both databases

Ours: `groundswell.members.importing.members_import` on a synthetic members CSV — two
passes over the file (validate every row, then write in one transaction), duplicates
found, people linked by email.
Baseline: the same final rows, already parsed into tuples before the clock starts, written
into the same two tables by one `executemany` per table (SQLite) or `COPY` (PostgreSQL) —
the floor for getting those rows into the database at all.

Each run is a fresh process with a freshly migrated database, so peak RSS (ru_maxrss) is
that run's own. Prints rows/s, ratio to the baseline and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from harness import print_table, run_workers  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    from groundswell.members.services import branches_load_constituencies

    branches_load_constituencies()


def make_file(path: Path, rows: int) -> None:
    from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER
    from groundswell.members.demo import synthetic_rows

    codes = [
        line.split(",")[0]
        for line in (ROOT / "src/groundswell/data/constituency_centroids.csv").read_text().splitlines()[1:]
    ]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*HEADER, *CONSENT_COLUMNS])
        w.writerows(synthetic_rows(rows, codes, seed=1))


def run_ours(path: Path) -> dict:
    from groundswell.members.importing import members_import
    from groundswell.members.models import Membership

    start = time.perf_counter()
    result = members_import(path=path)
    seconds = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    assert Membership.objects.count() == result.rows
    return {"seconds": seconds, "rows": result.rows, "peak_rss_mb": peak_rss_mb()}


def run_baseline(path: Path) -> dict:
    from datetime import UTC, datetime

    from django.db import connection, transaction

    from groundswell.members.models import Affiliate, Branch

    branch_ids = dict(Branch.objects.values_list("ons_code", "pk"))
    affiliates: dict[str, int] = {}
    people, memberships = [], []
    now = datetime.now(UTC)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, r in enumerate(reader, 1):
            aff = None
            if r[8]:
                if r[8] not in affiliates:
                    affiliates[r[8]] = Affiliate.objects.create(name=r[8]).pk
                aff = affiliates[r[8]]
            email = r[3].lower()
            name_key = f"{r[1].lower()}|{r[2].lower()}|{r[5].replace(' ', '')}"
            people.append(
                (
                    i,
                    r[1],
                    r[2],
                    r[3],
                    email,
                    name_key,
                    r[4],
                    r[5],
                    r[11] or None,
                    r[12] or None,
                    r[13] or None,
                    False,
                    now,
                )
            )
            memberships.append((i, i, r[0], branch_ids[r[6]], r[7], aff, r[9], r[10] or None))
    pcols = (
        "id, first_name, last_name, email, email_key, name_key, phone, postcode, consent_email_on, "
        "consent_phone_on, consent_data_processing_on, synthetic, created_at"
    )
    mcols = "id, person_id, membership_number, branch_id, category, affiliate_id, joined_on, lapsed_on"
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY members_person ({pcols}) FROM STDIN") as copy:
                for p in people:
                    copy.write_row(p)
            with cur.cursor.copy(f"COPY members_membership ({mcols}) FROM STDIN") as copy:
                for m in memberships:
                    copy.write_row(m)
        else:
            people = [(*p[:-1], str(p[-1].replace(tzinfo=None))) for p in people]
            cur.executemany(f"INSERT INTO members_person ({pcols}) VALUES ({', '.join(['%s'] * 13)})", people)
            cur.executemany(
                f"INSERT INTO members_membership ({mcols}) VALUES ({', '.join(['%s'] * 8)})", memberships
            )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(memberships), "peak_rss_mb": peak_rss_mb()}


def worker(kind: str, path: Path, home: Path) -> None:
    setup_django(home)
    out = run_ours(path) if kind == "ours" else run_baseline(path)
    from django.db import connection

    out["vendor"] = connection.vendor
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--worker", choices=["ours", "baseline"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file, args.home)
        return

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        print(f"Generating {args.rows:,} synthetic members ...", file=sys.stderr)
        make_file(path, args.rows)
        print(f"{path.stat().st_size / 1e6:.0f} MB CSV; {os.cpu_count()} cores", file=sys.stderr)
        results = run_workers(__file__, path, Path(tmp))
    print_table(f"members import, {args.rows:,} rows", results)


if __name__ == "__main__":
    main()
