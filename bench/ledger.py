"""Payments ledger: import a year of monthly GoCardless collections, then every membership's
standing as at a date (issue 16).

    python bench/ledger.py [--members 20000]
    bash scripts/with-postgres.sh .venv/bin/python bench/ledger.py --members 500000

Fresh database each run (SQLite in a temporary home unless DATABASE_URL is set). Times
`lifecycle.services.payments_import` on one CSV of members x 12 rows (parse, match on the
mandate reference, batches of 5,000 in one transaction, the file read as it goes) and
`lifecycle.selectors.standings_all` (every membership's standing as at a date: on
PostgreSQL one set-wise SQL pass, on SQLite the pure rules a chunk at a time), and checks
its answer against the pure rules for a sample. The issue's goal: 500,000 members,
6,000,000 rows, standing of all under 10 s on PostgreSQL. Prints seconds and peak RSS
(ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    n = parser.parse_args().members
    home = Path(tempfile.mkdtemp(prefix="gs-ledger-"))
    os.environ["GROUNDSWELL_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    from groundswell.core.lifecycle import add_months
    from groundswell.lifecycle.models import Rate, Subscription
    from groundswell.lifecycle.selectors import standings_all, standings_as_at
    from groundswell.lifecycle.services import payments_import
    from groundswell.members.models import Branch, Membership, Person

    branch = Branch.objects.create(ons_code="E14000662", name="Derby North")
    rate = Rate.objects.create(name="standard monthly", amount_pence=417, is_default=True)
    Person.objects.bulk_create([Person(first_name="S", last_name=f"P{i}") for i in range(n)], batch_size=5000)
    people = list(Person.objects.values_list("pk", flat=True))
    joined = date(2016, 1, 1)
    Membership.objects.bulk_create(
        [Membership(person_id=p, membership_number=f"B{i:08d}", branch=branch, category="member",
                    joined_on=joined) for i, p in enumerate(people)],
        batch_size=5000,
    )  # fmt: skip
    ids = list(Membership.objects.values_list("pk", flat=True))
    Subscription.objects.bulk_create(
        [Subscription(membership_id=m, rate=rate, references=[f"MD{m:010d}"]) for m in ids], batch_size=5000
    )
    head = b"id,created_at,charge_date,amount,currency,status,links.mandate\n"
    parts = [head]
    rows = 0
    for k, m in enumerate(ids):
        months = 12 if k % 10 else 3  # one in ten stops paying in March: lapsed by December
        for j in range(months):
            on = add_months(joined, j)
            parts.append(f"PM{m:010d}{j:02d},{on}T09:00:00Z,{on},4.17,GBP,paid_out,MD{m:010d}\n".encode())
        rows += months
    data = b"".join(parts)
    del parts
    t = time.perf_counter()
    result = payments_import(user=None, fmt="gocardless", filename="bench.csv", data=data)
    t_import = time.perf_counter() - t
    assert result.matched == rows, result.summary()
    del data
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")  # what a production database's autovacuum would have done
    on = date(2016, 12, 31)
    t = time.perf_counter()
    states: dict[str, int] = {}
    for _, _, s in standings_all(on):
        states[s.state.value] = states.get(s.state.value, 0) + 1
    t_status = time.perf_counter() - t
    assert states.get("lapsed", 0) == len([k for k in range(len(ids)) if k % 10 == 0]), states
    picked = set(ids[:: max(1, len(ids) // 2000)])  # the SQL's answer against the pure rules
    fast = {pk: s for pk, _, s in standings_all(on) if pk in picked}
    assert fast == standings_as_at(Membership.objects.filter(pk__in=picked), on)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{connection.vendor}: {n:,} members, {rows:,} payment rows: import {t_import:.1f} s "
        f"({rows / t_import:,.0f} rows/s); standing of all as at a date {t_status:.1f} s {states}; "
        f"peak RSS {rss:.0f} MB; {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
