"""Electoral register import against a raw baseline, on SQLite and (with DATABASE_URL) PostgreSQL.

    python bench/import_register.py [--rows 1000000]
    bash scripts/with-postgres.sh .venv/bin/python bench/import_register.py   # both databases

Ours: `register_import` on a synthetic register CSV (the demo generator's streets,
households, flats and points): validate every row and parse its address (pass 1, spooled),
then write households and electors in one transaction (pass 2).
Baseline: the same final household and elector rows, built in memory before the clock
starts, written into the same tables by `executemany` (SQLite) or `COPY` (PostgreSQL).
Each run is a fresh process and database; peak RSS is that process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
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


def setup_django(home: Path):
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
    from groundswell.groundgame.models import Constituency

    return Constituency.objects.create(
        ons_code="E14000662", name="Derby North", latitude=52.92, longitude=-1.52
    )


def make_file(path: Path, rows: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    os.environ.setdefault("GROUNDSWELL_HOME", str(path.parent / "gen"))
    import django

    django.setup()
    from groundswell.core.formats.register_csv import HEADER
    from groundswell.core.geo import codepoint
    from groundswell.core.geo.distance import haversine_km
    from groundswell.groundgame.demo import _register_rows
    from groundswell.groundgame.services import bundled_codepoint_path

    # the demo's generator on real postcodes around Derby (enough of them for a million rows)
    postcodes = [
        (pc, la, lo)
        for area in codepoint.read_codepoint(bundled_codepoint_path(), ["de", "ng", "le", "s"])
        for pc, la, lo in zip(area.postcodes, area.latitude.tolist(), area.longitude.tolist(), strict=True)
    ]
    postcodes.sort(key=lambda p: haversine_km(52.92, -1.52, p[1], p[2]))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for row in _register_rows(rows, postcodes, random.Random(1)):
            w.writerow(row)


def run_ours(path: Path, seat) -> dict:
    from groundswell.groundgame.importing import register_import

    start = time.perf_counter()
    result = register_import(constituency=seat, path=path)
    seconds = time.perf_counter() - start
    assert result.ok, result.errors[:3]
    return {
        "seconds": seconds,
        "rows": result.rows,
        "households": result.new_households,
        "peak_rss_mb": peak_rss_mb(),
    }


def run_baseline(path: Path, seat) -> dict:
    from django.db import connection, transaction

    from groundswell.core.formats.register_csv import household_key
    from groundswell.core.geo.address import parse_address
    from groundswell.groundgame.models import PollingDistrict

    districts: dict[str, int] = {}
    households: dict[str, int] = {}
    hh_rows, el_rows = [], []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, r in enumerate(reader, 1):
            if r[0] not in districts:
                districts[r[0]] = PollingDistrict.objects.create(constituency=seat, code=r[0]).pk
            key = household_key(r[7:11], r[11])
            hh = households.get(key)
            if hh is None:
                hh = households[key] = len(households) + 1
                a = parse_address(r[7:11])
                hh_rows.append(
                    (
                        hh,
                        seat.pk,
                        districts[r[0]],
                        key,
                        *r[7:12],
                        a.street,
                        a.house_number,
                        a.house_suffix,
                        a.flat,
                        a.building,
                        float(r[12]),
                        float(r[13]),
                    )
                )
            el_rows.append(
                (
                    i,
                    seat.pk,
                    districts[r[0]],
                    r[1],
                    hh,
                    int(r[1]) * 1000,
                    r[2],
                    r[3] or None,
                    r[4],
                    r[5],
                    r[6],
                    1,
                    None,
                    False,
                )
            )
    hcols = (
        "id, constituency_id, polling_district_id, key, address_1, address_2, address_3, address_4, "
        "postcode, street, house_number, house_suffix, flat, building, latitude, longitude"
    )
    ecols = (
        "id, constituency_id, polling_district_id, elector_number, household_id, number_sort, markers, "
        "attainer_date, title, first_name, last_name, register_version, left_on, synthetic"
    )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY groundgame_household ({hcols}) FROM STDIN") as copy:
                for row in hh_rows:
                    copy.write_row(row)
            with cur.cursor.copy(f"COPY groundgame_elector ({ecols}) FROM STDIN") as copy:
                for row in el_rows:
                    copy.write_row(row)
        else:
            cur.executemany(
                f"INSERT INTO groundgame_household ({hcols}) VALUES ({', '.join(['%s'] * 16)})", hh_rows
            )
            cur.executemany(
                f"INSERT INTO groundgame_elector ({ecols}) VALUES ({', '.join(['%s'] * 14)})", el_rows
            )
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": len(el_rows),
        "households": len(hh_rows),
        "peak_rss_mb": peak_rss_mb(),
    }


def worker(kind: str, path: Path, home: Path) -> None:
    seat = setup_django(home)
    out = run_ours(path, seat) if kind == "ours" else run_baseline(path, seat)
    from django.db import connection

    out["vendor"] = connection.vendor
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--worker", choices=["ours", "baseline"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file, args.home)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        gen = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
                f"import import_register as b; from pathlib import Path; "
                f"b.make_file(Path({str(path)!r}), {args.rows})",
            ],
            env={**os.environ, "GROUNDSWELL_HOME": str(Path(tmp) / "gen")},
            check=False,
        )
        if gen.returncode:
            sys.exit("could not generate the register")
        print(
            f"{args.rows:,} electors, {path.stat().st_size / 1e6:.0f} MB CSV; {os.cpu_count()} cores",
            file=sys.stderr,
        )
        results = run_workers(__file__, path, Path(tmp))
    print_table(f"register import, {args.rows:,} electors", results)


if __name__ == "__main__":
    main()
