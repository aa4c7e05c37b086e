"""Organisers and admins browsing dashboards and lists with 500,000 members.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/dashboards.py [--browsers 20] [--seconds 120]

Seeds the party (the same synthetic 500,000 members, 10,000 motions and 5,000 events as
bench/pages.py, plus the real 2010-2019 results), then `browsers` signed-in people — half
national admins, half Derby North organisers — each load a page, wait `think` seconds and
load the next, round the pages below, for `seconds`: a closed loop, as people at desks.
Reports pages/s and latency p50/p95/p99 for each page, and errors. Reads only: the write
check of this run is that nothing failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time

from common import ROOT, Connection, Tally, django_setup, gunicorn, header, session_cookie

sys.path.insert(0, str(ROOT / "bench"))

PAGES = [
    ("home dashboard", "/"),
    ("member list", "/members/"),
    ("member search", "/members/?q=0004"),
    ("seat dashboard", "/dashboard/E14000662/"),
    ("target seats", "/targets/"),
    ("motions", "/motions/"),
    ("events calendar", "/events/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--browsers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    django_setup("bench/load/dashboards.py")
    from django.core.management import call_command
    from pages import seed

    from groundswell.accounts.models import Role, User
    from groundswell.accounts.services import role_grant
    from groundswell.groundgame.models import Constituency

    t = time.perf_counter()
    derby, _, organiser = seed(args.members, 10_000, 5_000, random.Random(2017))
    call_command("import_results", verbosity=0)
    Constituency.objects.filter(ons_code="E14000662").update(branch=derby)
    admin = User.objects.create_user(email="admin@bench.local", password=None)
    role_grant(user=admin, role=Role.NATIONAL_ADMIN)
    print(f"seeded {args.members:,} members, results, motions and events in {time.perf_counter() - t:.0f} s")
    cookies = [session_cookie(admin if b % 2 == 0 else organiser) for b in range(args.browsers)]
    tallies = {name: Tally(name) for name, _ in PAGES}
    header(
        f"Dashboards: {args.browsers} people browsing {len(PAGES)} pages for {args.seconds} s "
        f"({args.think:g} s between pages), {args.members:,} members",
        args.workers,
        args.threads,
    )

    def browse(b: int, stop_at: float) -> None:
        conn = Connection(port, *cookies[b])
        i = b
        while time.monotonic() < stop_at:
            name, path = PAGES[i % len(PAGES)]
            conn.request(tallies[name], "GET", path)
            i += 1
            time.sleep(args.think)
        conn.close()

    with gunicorn(args.workers, args.threads) as port:
        stop_at = time.monotonic() + args.seconds
        pool = [threading.Thread(target=browse, args=(b, stop_at)) for b in range(args.browsers)]
        start = time.perf_counter()
        for th in pool:
            th.start()
        for th in pool:
            th.join(timeout=args.seconds + 60)
        wall = time.perf_counter() - start
    everything = Tally("all pages")
    for tally in tallies.values():
        print(tally.line(wall))
        everything.latencies += tally.latencies
        everything.errors += tally.errors
    print(everything.line(wall))
    if everything.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
