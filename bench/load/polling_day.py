"""Polling day: canvassers' phones syncing contacts and fetching walk lists, against
gunicorn and PostgreSQL.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/polling_day.py [--seconds 300]

Each of `canvassers` signed-in canvassers has a walk list of `doors` doors. For `seconds`,
each phone does what the doorstep app does every `interval` seconds (15 in the app): sends
its outbox (here `batch` contacts, with the phone's own ids) to `POST /api/canvass/contacts`,
then refreshes its walk lists with everyone's latest knocks (`GET /api/canvass/lists`),
over one keep-alive connection. One sync in ten is sent twice (a phone that lost the
answer) and must add nothing; a batch whose request failed is kept and sent again, as the
app's outbox does. Phones start spread over one interval. Bounded by `seconds` + 60.
Reports requests/s, latency p50/p95/p99, errors, and checks that the database holds exactly
one row per contact: none lost, none doubled.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

from common import Connection, Tally, django_setup, gunicorn, header, session_cookie


def setup(canvassers: int, doors: int):
    """Canvassers with one walk list each; returns (cookie, token, elector ids) per canvasser."""
    from groundswell.accounts.models import Role, User
    from groundswell.accounts.services import role_grant
    from groundswell.groundgame.models import (
        Constituency,
        Elector,
        Household,
        PollingDistrict,
        WalkList,
        WalkListAssignment,
        WalkListDoor,
    )

    seat = Constituency.objects.create(
        ons_code="E14000662", name="Derby North", latitude=52.92, longitude=-1.52
    )
    district = PollingDistrict.objects.create(constituency=seat, code="NA1")
    phones = []
    for c in range(canvassers):
        user = User.objects.create_user(email=f"canvasser{c}@example.org", password=None)
        role_grant(user=user, role=Role.CANVASSER)
        wl = WalkList.objects.create(constituency=seat, polling_district=district, name=f"L{c}", doors=doors)
        houses = Household.objects.bulk_create(
            [
                Household(
                    constituency=seat, polling_district=district, key=f"{c}-{i}", address_1=f"{i} Road {c}"
                )
                for i in range(doors)
            ]
        )
        electors = Elector.objects.bulk_create(
            [
                Elector(
                    constituency=seat,
                    polling_district=district,
                    household=h,
                    elector_number=f"{c * 10000 + i}",
                    number_sort=c * 10000 + i,
                    last_name="Voter",
                )
                for i, h in enumerate(houses)
            ]
        )
        WalkListDoor.objects.bulk_create(
            [WalkListDoor(walk_list=wl, household=h, position=i) for i, h in enumerate(houses)]
        )
        WalkListAssignment.objects.create(walk_list=wl, user=user)
        phones.append((*session_cookie(user), [e.pk for e in electors]))
    return phones


def phone(port, cookie, token, electors, args, offset, contacts, lists, sent, stop_at):
    """One canvasser's phone, as the doorstep app runs: every `interval` seconds it sends its
    outbox, then refreshes its walk lists (with everyone's latest knocks)."""
    time.sleep(offset)
    conn = Connection(port, cookie, token)
    conn.request(lists, "GET", "/api/canvass/lists")
    next_sync = time.monotonic()
    k = rounds = 0
    outbox: list[dict] = []
    while time.monotonic() < stop_at:
        next_sync += args.interval
        time.sleep(max(0.0, next_sync - time.monotonic()))
        for _ in range(args.batch):
            outbox.append(
                {
                    "id": str(uuid.uuid4()),
                    "elector": electors[k % len(electors)],
                    "code": "LAB",
                    "recorded_at": "2017-06-08T10:00:00+00:00",
                }
            )
            k += 1
        rounds += 1
        for attempt in range(2 if rounds % 10 == 0 else 1):
            status, data = conn.request(contacts, "POST", "/api/canvass/contacts", {"contacts": outbox})
            if status == 200 and attempt == 1 and data["created"] != 0:
                contacts.add(0, "a resend stored something")
        if status == 200:
            with sent[1]:
                sent[0].update(c["id"] for c in outbox)
            outbox = []
        conn.request(lists, "GET", "/api/canvass/lists")
    while outbox:  # the app keeps trying until its outbox is empty
        status, _ = conn.request(contacts, "POST", "/api/canvass/contacts", {"contacts": outbox})
        if status == 200:
            with sent[1]:
                sent[0].update(c["id"] for c in outbox)
            outbox = []
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--canvassers", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--doors", type=int, default=60, help="doors on each walk list")
    parser.add_argument("--batch", type=int, default=5, help="contacts in each sync")
    parser.add_argument("--interval", type=float, default=15.0, help="seconds between syncs (the app: 15)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    django_setup("bench/load/polling_day.py")
    phones = setup(args.canvassers, args.doors)
    contacts, lists = Tally("POST contacts"), Tally("GET walk lists")
    sent: tuple[set, threading.Lock] = (set(), threading.Lock())
    header(
        f"Polling day: {args.canvassers} canvassers for {args.seconds} s, each syncing {args.batch} contacts "
        f"and refreshing its lists every {args.interval:g} s; one sync in ten resent",
        args.workers,
        args.threads,
    )
    with gunicorn(args.workers, args.threads) as port:
        stop_at = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=phone,
                args=(port, c, t, e, args, args.interval * i / len(phones), contacts, lists, sent, stop_at),
            )
            for i, (c, t, e) in enumerate(phones)
        ]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.seconds + 60)
        wall = time.perf_counter() - start
    print(contacts.line(wall))
    print(lists.line(wall))
    from groundswell.groundgame.models import Contact

    stored = set(map(str, Contact.objects.values_list("id", flat=True)))
    same = stored == sent[0]
    print(
        f"contacts acknowledged {len(sent[0]):,}, stored {len(stored):,}: "
        f"{'none lost, none doubled' if same else 'MISMATCH'}"
    )
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
