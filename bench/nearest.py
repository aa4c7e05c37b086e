"""Nearest-marginal latency with 650 seats and 10,000 upcoming canvass sessions.

    python bench/nearest.py [--queries 1000] [--sessions 10000]
    bash scripts/with-postgres.sh .venv/bin/python bench/nearest.py   # PostgreSQL too

Loads the real 2010-2019 results, spreads the sessions over the target seats, then times
`nearest_marginals` (the query behind the page, the API and the CLI) for random points in
Great Britain, and the whole `GET /api/nearest` request through Django's test client.
Baseline: a brute-force ranking in plain Python over all 650 seats, without the shortlist,
on the same points. Prints p50/p95/p99 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {q[49]:6.2f}  p95 {q[94]:6.2f}  p99 {q[98]:6.2f}  max {max(samples):6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=10_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["GROUNDSWELL_HOME"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "groundswell.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from groundswell.core.geo import nearest
    from groundswell.core.geo.distance import haversine_km
    from groundswell.groundgame import selectors, services
    from groundswell.groundgame.models import CanvassSession, Constituency

    services.results_import()
    election = selectors.election_for()
    seats = selectors.marginal_seats(party="LAB", election=election)
    by_code = {c.ons_code: c for c in Constituency.objects.filter(ons_code__in=[s.ons_code for s in seats])}
    rng = random.Random(1)
    now = timezone.now()
    sessions = []
    for _ in range(args.sessions):
        seat = by_code[rng.choice(seats).ons_code]
        start = now + timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 10))
        capacity = rng.choice((10, 15, 20, 30))
        sessions.append(
            CanvassSession(
                constituency=seat,
                title="Canvass",
                meeting_point="Hall",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=capacity,
                signed_up=rng.randint(0, capacity),
            )
        )
    CanvassSession.objects.bulk_create(sessions, batch_size=2000)
    points = [(rng.uniform(50.4, 55.8), rng.uniform(-4.5, 1.3)) for _ in range(args.queries)]
    print(
        f"{connection.vendor}: {len(seats)} marginal seats (of 650), {args.sessions:,} sessions, "
        f"{args.queries} queries; {os.cpu_count()} cores"
    )

    selectors.nearest_marginals(latitude=52.9, longitude=-1.5, election=election)  # warm the seat cache
    times = []
    for lat, lon in points:
        t = time.perf_counter()
        selectors.nearest_marginals(latitude=lat, longitude=lon, election=election)
        times.append((time.perf_counter() - t) * 1000)
    print(f"{'nearest_marginals (query)':<34} {percentiles(times)} ms")

    client = Client()
    http = []
    for lat, lon in points[:300]:
        t = time.perf_counter()
        response = client.get(f"/api/nearest?lat={lat}&lon={lon}", HTTP_HOST="127.0.0.1")
        http.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    print(f"{'GET /api/nearest (whole request)':<34} {percentiles(http)} ms")

    # baseline: score every seat in plain Python, rooms from one aggregate over all sessions
    def brute(lat, lon):
        rooms = selectors.rooms([s.ons_code for s in seats])
        scored = [
            (
                nearest.winnability(s.swing_needed)
                * 2.718281828
                ** (-haversine_km(lat, lon, s.latitude, s.longitude) / nearest.DISTANCE_SCALE_KM)
                * nearest.room_factor(rooms.get(s.ons_code)),
                s,
            )
            for s in seats
        ]
        return sorted(scored, key=lambda x: -x[0])[:5]

    base = []
    for lat, lon in points[:300]:
        t = time.perf_counter()
        brute(lat, lon)
        base.append((time.perf_counter() - t) * 1000)
    print(f"{'baseline: every seat, every session':<34} {percentiles(base)} ms")


if __name__ == "__main__":
    main()
