"""The hour a ballot closes: voters casting at a steady rate, then the count.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/ballot_close.py [--rate 200] [--seconds 120]

Freezes an electorate of rate x seconds (+5%) members, opens an IRV ballot with five
candidates, then casts through `POST /api/vote` (what a voting app calls; the page's cast
runs the same service) at `rate` a second, open loop, for `seconds`. One voter in twenty
presses "cast" twice: the second must be refused (409) and add nothing. Then the ballot is
closed and counted. Reports casts/s, latency p50/p95/p99, errors, the count's time, and
checks the database: one cast ballot per spent credential, one per accepted vote, no voter
twice.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from common import Tally, django_setup, gunicorn, header, open_loop


def setup(electors: int):
    from django.utils import timezone

    from groundswell.ballots import services
    from groundswell.ballots.models import Ballot, Elector
    from groundswell.members.models import Branch, Membership, Person

    branch = Branch.objects.create(ons_code="E14000662", name="Derby North")
    for start in range(0, electors, 10_000):
        n = min(10_000, electors - start)
        people = Person.objects.bulk_create(
            [
                Person(first_name="Voter", last_name=str(start + i), email=f"v{start + i}@example.org")
                for i in range(n)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    person=p,
                    membership_number=f"V{start + i:08d}",
                    branch=branch,
                    category="member",
                    joined_on=date(2015, 1, 1),
                )
                for i, p in enumerate(people)
            ]
        )
    now = timezone.now()
    ballot = services.ballot_create(
        actor=None,
        title="Leader (load test)",
        method="irv",
        seats=1,
        candidates=["Ann", "Bob", "Cat", "Dan", "Eve"],
        eligible_categories=["member"],
        freeze_date=now.date(),
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
        key_custody="server",  # counted at once after the close; trustees would change nothing here
    )
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPENING, in_app=True)  # no emails
    services.ballot_open(ballot_id=ballot.pk)
    from django.db import transaction

    with transaction.atomic():
        codes = [
            code for _, code in services.codes_issue(Elector.objects.filter(ballot=ballot).order_by("pk"))
        ]
    random.Random(1).shuffle(codes)
    settle()
    return Ballot.objects.get(pk=ballot.pk), codes


def settle() -> None:
    """Codes go out days before a ballot closes, so by its last hour autovacuum has long
    since cleared the rows the code UPDATE rewrote and the dirty pages are on disk. Doing
    both now measures that hour, not PostgreSQL tidying up after the set-up (which, left to
    autovacuum, ran during the first 30 s of the load and tripled their p99)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            cur.execute("CHECKPOINT")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200, help="casts a second")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--clients", type=int, default=48, help="client connections")
    args = parser.parse_args()
    django_setup("bench/load/ballot_close.py")
    total = int(args.rate * args.seconds)
    ballot, codes = setup(int(total * 1.05))
    casts, doubles = Tally("cast"), Tally("second press (409)")
    accepted: list[str] = []
    rng = random.Random(2)
    rankings = [rng.sample(range(5), rng.randint(1, 5)) for _ in range(1000)]

    def work(i, conn):
        body = {"credential": codes[i], "ranking": rankings[i % 1000]}
        status, data = conn.request(casts, "POST", "/api/vote", body, ok=(201,))
        if status == 201:
            accepted.append(data["tracker"])
        if i % 20 == 0:
            conn.request(doubles, "POST", "/api/vote", body, ok=(409,))

    header(
        f"Ballot close: {args.rate:g} casts/s for {args.seconds} s ({total:,} voters)",
        args.workers,
        args.threads,
    )
    with gunicorn(args.workers, args.threads) as port:
        wall = open_loop(args.rate, total, args.clients, args.seconds + 60, work, port)
    print(casts.line(wall))
    print(doubles.line(wall))

    from groundswell.ballots import services
    from groundswell.ballots.models import Ballot, SealedBallot, SpentCredential

    services.ballot_close(ballot=ballot, actor=None)
    t = time.perf_counter()
    counted = services.ballot_count(ballot_id=ballot.pk)
    count_s = time.perf_counter() - t
    stored = SealedBallot.objects.filter(ballot=ballot).count()
    spent = SpentCredential.objects.filter(ballot=ballot).count()
    valid = counted.result["valid"]
    print(f"count: {valid:,} ballots counted in {count_s:.2f} s; winner {counted.result['winners']}")
    same = stored == spent == len(accepted) == len(set(accepted)) == valid
    print(
        f"accepted {len(accepted):,}, sealed ballots stored {stored:,}, credentials spent {spent:,}: "
        f"{'none lost, no double votes' if same and not doubles.errors else 'MISMATCH'}"
    )
    assert Ballot.objects.get(pk=ballot.pk).status == "counted"
    if not same or doubles.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
