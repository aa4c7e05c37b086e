"""Contacts posted through the API by many canvassers at once, against gunicorn and PostgreSQL.

    bash scripts/with-postgres.sh .venv/bin/python bench/contacts_load.py [--clients 200] [--batch 10]

Starts gunicorn (gthread workers) on 127.0.0.1 against the PostgreSQL of DATABASE_URL,
signs in `clients` canvassers (each with a walk list), and has each phone send its outbox —
a batch of `batch` contacts — every `interval` seconds to /api/canvass/contacts over one
keep-alive connection, for `requests` rounds (an open-loop load of clients x batch /
interval contacts a second). One batch in ten is sent a second time, as a phone that lost
the answer would, and must add nothing. Bounded: clients x requests requests, 180 s at most.
Reports contacts/s, request latency p50/p95/p99, errors, and checks that the database holds
exactly one row per contact: none lost, none doubled.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEADLINE_S = 180


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def setup(clients: int, per_client: int):
    """Canvassers with one walk list each, signed in; returns their cookies and electors."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
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
    people = []
    for c in range(clients):
        user = User.objects.create_user(email=f"canvasser{c}@example.org", password=None)
        role_grant(user=user, role=Role.CANVASSER)
        wl = WalkList.objects.create(
            constituency=seat, polling_district=district, name=f"L{c}", doors=per_client
        )
        houses = Household.objects.bulk_create(
            [
                Household(
                    constituency=seat, polling_district=district, key=f"{c}-{i}", address_1=f"{i} Road {c}"
                )
                for i in range(per_client)
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
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        token = _get_new_csrf_string()
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={token}"
        people.append((cookie, token, [e.pk for e in electors]))
    return people


def client(
    port, cookie, token, electors, requests, batch, interval, offset, latencies, errors, stop_at, retries
):
    time.sleep(offset)
    next_at = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Content-Type": "application/json",
        "Cookie": cookie,
        "X-CSRFToken": token,
        "Referer": f"http://127.0.0.1:{port}/canvass/",
    }
    k = 0
    for round_no in range(requests):
        if time.monotonic() > stop_at:
            break
        next_at += interval
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        items = []
        for _ in range(batch):
            items.append(
                {
                    "id": str(uuid.uuid4()),
                    "elector": electors[k % len(electors)],
                    "code": "LAB",
                    "recorded_at": "2017-06-08T10:00:00+00:00",
                }
            )
            k += 1
        body = json.dumps({"contacts": items})
        for attempt in range(2 if round_no % 10 == 0 else 1):  # a resend must add nothing
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/canvass/contacts", body=body, headers=headers)
                response = conn.getresponse()
                data = json.loads(response.read())
                if response.status != 200:
                    errors.append(response.status)
                elif attempt == 0 and data["created"] != batch:
                    errors.append(f"created {data['created']}")
                elif attempt == 1 and (data["created"] != 0 or data["duplicates"] != batch):
                    errors.append("resend stored something")
            except (OSError, http.client.HTTPException) as exc:
                # as the phone does: keep the batch, reconnect, send it again (idempotent)
                retries.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/canvass/contacts", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            latencies.append((time.perf_counter() - t) * 1000)
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30, help="rounds per client")
    parser.add_argument("--batch", type=int, default=10, help="contacts per request")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a client's requests")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("needs PostgreSQL: bash scripts/with-postgres.sh .venv/bin/python bench/contacts_load.py")
    home = tempfile.mkdtemp()
    os.environ.update(
        {
            "GROUNDSWELL_HOME": home,
            "DJANGO_SETTINGS_MODULE": "groundswell.settings",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    people = setup(args.clients, per_client=min(args.requests * args.batch, 500))
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "groundswell.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-k",
            "gthread",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        latencies: list[float] = []
        errors: list = []
        retries: list = []
        stop_at = time.monotonic() + DEADLINE_S
        threads = [
            threading.Thread(
                target=client,
                args=(
                    port,
                    c,
                    t,
                    e,
                    args.requests,
                    args.batch,
                    args.interval,
                    args.interval * k / len(people),
                    latencies,
                    errors,
                    stop_at,
                    retries,
                ),
            )
            for k, (c, t, e) in enumerate(people)
        ]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - start
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    from groundswell.groundgame.models import Contact

    sent = args.clients * args.requests * args.batch
    stored = Contact.objects.count()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    offered = args.clients * args.batch / args.interval
    print(
        f"{args.clients} clients, each {args.batch} contacts every {args.interval:g} s for {args.requests} "
        f"rounds (offered {offered:,.0f} contacts/s; one batch in ten resent); gunicorn {args.workers} "
        f"workers x {args.threads} threads, PostgreSQL; {os.cpu_count()} cores"
    )
    print(
        f"requests {len(latencies):,} in {wall:.1f} s: {len(latencies) / wall:,.0f} requests/s, "
        f"{sent / wall:,.0f} contacts/s stored"
    )
    print(f"latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {max(latencies):.1f}")
    print(f"errors: {len(errors)}  {sorted(set(map(str, errors)))[:5]}; connections retried: {len(retries)}")
    verdict = "none lost or doubled" if stored == sent else "MISMATCH"
    print(f"contacts sent {sent:,}, stored {stored:,}: {verdict}")
    if stored != sent or errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
