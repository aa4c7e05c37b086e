"""300 callers working one phone bank on PostgreSQL behind gunicorn.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/phone_bank.py [--callers 300] [--seconds 180]

Seeds one seat with `households` households, each with one (synthetic) number, builds a
phone bank through the service, and signs in `callers` callers who have joined it. All of
them ask for their first household at the same moment (the worst race), then each saves a
result and asks for the next about every `think` seconds (jittered ±50 %): a closed loop,
as people on phones. Outcomes are drawn as a phone bank's are (a third answered, the rest
no answer, busy, voicemail, wrong number, do not call).

Reports p50/p95/p99 for "next household" and "save result", and checks, from the clients
and then from the database:
- no household was held by two callers at once (each caller's holding, as the server
  answered it, between its "next" and its "save");
- nothing was lost: every result the server accepted (204) is one logged call (and an
  answered one a phone contact record), and there are no others.
Goal: p99 < 100 ms for both.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from datetime import time as clock

from common import ROOT, Connection, Tally, django_setup, gunicorn, header, session_cookie

sys.path.insert(0, str(ROOT / "bench"))

OUTCOMES = [
    ("answered", 33),
    ("no_answer", 35),
    ("busy", 8),
    ("voicemail", 16),
    ("wrong_number", 5),
    ("do_not_call", 3),
]
CODES = ["LAB", "CON", "LD", "GRN", "DK", "WS", "AG"]


def seed(households: int, callers: int):
    from groundswell.accounts.models import Role, User
    from groundswell.accounts.services import role_grant
    from groundswell.groundgame.models import Constituency, Elector, Household, PollingDistrict
    from groundswell.members.models import Branch
    from groundswell.reach import services
    from groundswell.reach.models import Caller, ElectorPhone, PhoneBank

    branch = Branch.objects.create(ons_code="E14000662", name="Derby North")
    seat = Constituency.objects.create(ons_code=branch.ons_code, name=branch.name, branch=branch)
    pd = PollingDistrict.objects.create(constituency=seat, code="NA1")
    Household.objects.bulk_create(
        [
            Household(constituency=seat, polling_district=pd, key=f"{i} st", address_1=f"{i} High Street")
            for i in range(households)
        ],
        batch_size=5000,
    )
    hs = list(Household.objects.filter(constituency=seat).order_by("pk").values_list("pk", flat=True))
    Elector.objects.bulk_create(
        [
            Elector(
                constituency=seat,
                polling_district=pd,
                household_id=h,
                elector_number=str(i),
                number_sort=i,
                last_name=f"Synthetic{i}",
                synthetic=True,
            )
            for i, h in enumerate(hs)
        ],
        batch_size=5000,
    )
    es = Elector.objects.filter(constituency=seat).order_by("pk").values_list("pk", flat=True)
    ElectorPhone.objects.bulk_create(
        [ElectorPhone(elector_id=e, number=f"+4479{i:08d}", source="bench") for i, e in enumerate(es)],
        batch_size=5000,
    )
    organiser = User.objects.create_user(email="organiser@bench.local", password=None)
    role_grant(user=organiser, role=Role.BRANCH_ORGANISER, branch=branch)
    bank = services.phone_bank_create(user=organiser, branch=branch, name="Bench calls")
    PhoneBank.objects.filter(pk=bank.pk).update(opens=clock(0), closes=clock(23, 59, 59))
    users = [User.objects.create_user(email=f"caller{i}@bench.local", password=None) for i in range(callers)]
    Caller.objects.bulk_create([Caller(bank=bank, user=u) for u in users])
    return bank, users


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--callers", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--think", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    django_setup("bench/load/phone_bank.py")
    t = time.perf_counter()
    bank, users = seed(args.households, args.callers)
    print(
        f"seeded {args.households:,} households with numbers and {args.callers} callers "
        f"in {time.perf_counter() - t:.0f} s"
    )
    cookies = [session_cookie(u) for u in users]
    first, nxt, save = Tally("first (all at once)"), Tally("next household"), Tally("save result")
    holders: dict[int, int] = {}  # target id -> caller holding it (between next and save)
    doubles: list[tuple[int, int, int]] = []
    accepted = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(args.callers)
    header(
        f"Phone bank: {args.callers} callers, one bank of {args.households:,} households, {args.seconds} s, "
        f"a result and the next household every ~{args.think:g} s each",
        args.workers,
        args.threads,
    )

    def call(c: int, stop_at: float) -> None:
        rng = random.Random(c)
        conn = Connection(port, *cookies[c])
        start_gate.wait()
        tally = first  # every caller's first ask comes at the same instant: the worst race
        while time.monotonic() < stop_at:
            status, body = conn.request(tally, "POST", f"/api/call/{bank.code}/next", ok=(200, 204))
            tally = nxt
            conn.conn.close()  # a phone's connection does not outlive a minute's call (keep-alive is 30 s):
            # the next request reconnects, and its latency includes that
            if status != 200:
                time.sleep(args.think * rng.uniform(0.5, 1.5))
                continue
            tid = body["id"]
            with lock:
                if holders.get(tid, c) != c:
                    doubles.append((tid, holders[tid], c))
                holders[tid] = c
            time.sleep(args.think * rng.uniform(0.5, 1.5))
            outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
            result = {"outcome": outcome}
            if outcome == "answered":
                result |= {
                    "code": rng.choice(CODES),
                    "likelihood": rng.randint(1, 10),
                    "pledged": rng.random() < 0.3,
                }
            with lock:  # released before the save is sent: from here the server may hand it on
                holders.pop(tid, None)
            status, _ = conn.request(
                save, "POST", f"/api/call/{bank.code}/targets/{tid}/result", result, ok=(204,)
            )
            if status == 204:
                with lock:
                    accepted[0] += 1
        conn.close()

    with gunicorn(args.workers, args.threads) as port:
        stop_at = time.monotonic() + args.seconds
        pool = [threading.Thread(target=call, args=(c, stop_at)) for c in range(args.callers)]
        start = time.perf_counter()
        for th in pool:
            th.start()
        for th in pool:
            th.join(timeout=args.seconds + 3 * args.think + 60)
        wall = time.perf_counter() - start
    print(first.line(wall))
    print(nxt.line(wall))
    print(save.line(wall))
    from django.db import connection

    from groundswell.reach.models import CallAttempt

    contacts = CallAttempt.objects.count()  # every accepted result is one logged call
    with connection.cursor() as cur:  # no household held by two callers in the database either
        cur.execute(
            "SELECT count(*) FROM reach_calltarget WHERE assigned_to_id IS NOT NULL "
            "GROUP BY assigned_to_id HAVING count(*) > 1"
        )
        multi = cur.fetchall()
    print(
        f"results accepted {accepted[0]:,}, calls logged {contacts:,}, "
        f"households held by two callers at once {len(doubles)}, callers holding two households {len(multi)}"
    )
    goal = all(
        t.latencies and sorted(t.latencies)[int(0.99 * (len(t.latencies) - 1))] < 100 for t in (nxt, save)
    )
    print("goal p99 < 100 ms:", "met" if goal else "NOT met")
    if doubles or contacts != accepted[0] or first.errors or nxt.errors or save.errors or multi:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
