"""Turf cutting the Derby North demo register, and route length against OR-tools.

    python bench/turf.py [--electors 70000] [--sample 10]

Builds the demo's synthetic Derby North register (about 70,000 electors) in a fresh SQLite
database, then times `turfs_cut` (read the households, cut 60-door lists, route each, write
them) and the pure `cut_turfs` alone. Then, for a sample of lists, compares our walking
route with OR-tools' (guided local search, 2 s per list) on the same stops.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--electors", type=int, default=70_000)
    parser.add_argument("--sample", type=int, default=10)
    args = parser.parse_args()
    os.environ["GROUNDSWELL_HOME"] = tempfile.mkdtemp()
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "groundswell.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.ortools_route import ortools_length
    from groundswell.core.turf import best_route, cut_turfs
    from groundswell.groundgame.demo import demo_groundgame
    from groundswell.groundgame.models import Constituency, Elector, Household, WalkList
    from groundswell.groundgame.services import _doors, turfs_cut
    from groundswell.members.services import branches_load_constituencies

    branches_load_constituencies()
    demo_groundgame(organiser=None, n_electors=args.electors, postcode_areas=["DE"])
    derby = Constituency.objects.get(ons_code="E14000662")
    electors = Elector.objects.filter(constituency=derby).count()
    households = Household.objects.filter(constituency=derby).count()
    print(
        f"Derby North (synthetic): {electors:,} electors, {households:,} households; {os.cpu_count()} cores"
    )

    doors = _doors(Household.objects.filter(constituency=derby).select_related("polling_district"))
    start = time.perf_counter()
    turfs = cut_turfs(doors, target=60)
    core = time.perf_counter() - start
    start = time.perf_counter()
    result = turfs_cut(constituency=derby, doors=60)
    whole = time.perf_counter() - start
    sizes = [t.doors for t in turfs]
    print(
        f"cut_turfs (pure): {core:.2f} s -> {len(turfs)} lists, doors per list min {min(sizes)} "
        f"median {int(np.median(sizes))} max {max(sizes)}"
    )
    print(f"turfs_cut (read, cut, route, write): {whole:.2f} s -> {result['lists']} lists")
    assert WalkList.objects.filter(constituency=derby).count() == result["lists"]

    rng = random.Random(1)
    by_id = {d.id: d for d in doors}
    ratios = []
    print(f"{'list':<10} {'stops':>5} {'ours m':>9} {'OR-tools m':>11} {'ours/OR':>8}")
    for t in rng.sample(turfs, min(args.sample, len(turfs))):
        seen, points = set(), []
        for door_id in t.door_ids:  # one point per stop (a block of flats is one stop)
            d = by_id[door_id]
            key = (d.street, d.number)
            if key not in seen:
                seen.add(key)
                points.append((d.latitude, d.longitude))
        _, ours = best_route(points)
        theirs = ortools_length(points)
        ratios.append(ours / theirs if theirs else 1.0)
        print(f"{t.district:<10} {len(points):>5} {ours:9.0f} {theirs:11.0f} {ratios[-1]:8.3f}")
    print(f"route length against OR-tools: mean {np.mean(ratios):.3f}, worst {max(ratios):.3f}")


if __name__ == "__main__":
    main()
