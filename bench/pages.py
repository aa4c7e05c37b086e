"""The motions list, the events calendar and the member list at party scale: 500,000 members
(a third with common British surnames, the rest made of syllables: 1 in 70 is a Smith),
10,000 motions and 5,000 events (synthetic), on PostgreSQL (or SQLite without DATABASE_URL).

    bash scripts/with-postgres.sh .venv/bin/python bench/pages.py [--members 500000] [--requests 200]

Each page is fetched whole through Django's test client (middleware, session, queries,
template) by a signed-in member, an organiser and an anonymous visitor, `requests` times
after a warm-up. Baseline: the page's main query alone, as raw SQL on the same connection
(the floor any implementation pays), so the ratio is what the rest of the page costs.
Prints p50/p95/p99 in milliseconds; the goal is p95 under 150 ms per page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94], q[98]


# common British surnames, most common first, for a third of the members, with Zipf-like
# weights (Smith: 4.7% of those, 1.4% of all: a common-surname search returns ~7,000 at 500,000)
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
]
SYLLABLES = [
    "ab",
    "an",
    "ar",
    "bel",
    "ber",
    "cal",
    "dan",
    "den",
    "el",
    "fen",
    "gar",
    "har",
    "in",
    "ken",
    "lor",
    "mar",
    "nor",
    "os",
    "pen",
    "rad",
    "sen",
    "tor",
    "ul",
    "ven",
    "wyn",
]
FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
]


def seed(members: int, motions: int, events: int, rng: random.Random):
    from django.utils import timezone
    from rich.progress import Progress

    from groundswell.accounts.models import Role, User
    from groundswell.accounts.services import role_grant
    from groundswell.events.models import Event
    from groundswell.members.models import Branch, Membership, Person
    from groundswell.members.services import branches_load_constituencies
    from groundswell.motions.models import Motion

    branches_load_constituencies()
    branch_ids = list(Branch.objects.values_list("pk", flat=True))
    weights = [1 / (rank + 8) for rank in range(len(SURNAMES))]
    batch = 10_000
    with Progress(transient=True) as bar:
        task = bar.add_task("synthetic members", total=members)
        for start in range(0, members, batch):
            n = min(batch, members - start)
            people = Person.objects.bulk_create(
                [
                    Person(
                        first_name=rng.choice(FIRST_NAMES),
                        last_name=rng.choices(SURNAMES, weights)[0]
                        if rng.random() < 0.3
                        else "".join(rng.choices(SYLLABLES, k=3)).capitalize(),
                        email=f"m{start + i}@example.org",
                        email_key=f"m{start + i}@example.org",
                        synthetic=True,
                    )
                    for i in range(n)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        person=p,
                        membership_number=f"B{start + i:08d}",
                        branch_id=rng.choice(branch_ids),
                        category="member",
                        joined_on=date(2015, 9, 1),
                    )
                    for i, p in enumerate(people)
                ]
            )
            bar.update(task, advance=n)
    derby = Branch.objects.get(ons_code="E14000662")
    person = Person.objects.create(first_name="Bench", last_name="Member", email="bench@example.org")
    Membership.objects.create(
        person=person, membership_number="BENCH", branch=derby, category="member", joined_on=date(2015, 9, 1)
    )
    member = User.objects.create_user(email="member@bench.local", password=None, person=person)
    role_grant(user=member, role=Role.MEMBER)
    organiser = User.objects.create_user(email="organiser@bench.local", password=None)
    role_grant(user=organiser, role=Role.BRANCH_ORGANISER, branch=derby)
    now = timezone.now()
    statuses = ["gathering"] * 6 + ["voting", "carried", "lost", "withdrawn"]
    subjects = ["Transport", "Health", "Housing", "Education", "Economy", "Environment", "Democracy"]
    Motion.objects.bulk_create(
        [
            Motion(
                branch_id=derby.pk if i % 50 == 0 else rng.choice(branch_ids),
                title=f"Synthetic motion {i} on {subjects[i % 7].lower()}",
                subject=subjects[i % 7],
                text="Synthetic benchmark motion text.",
                proposed_text="Synthetic benchmark motion text.",
                status=rng.choice(statuses),
                supports_needed=5,
                support_count=rng.randint(0, 5),
                created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 730)),
            )
            for i in range(motions)
        ],
        batch_size=5000,
    )
    kinds = ["rally", "canvass_day", "meeting", "watch_party"]
    visibilities = ["public", "members", "branch"]
    made = []
    for i in range(events):
        start = now + timedelta(minutes=rng.randint(-60 * 24 * 180, 60 * 24 * 180))
        made.append(
            Event(
                branch_id=derby.pk if i % 40 == 0 else rng.choice(branch_ids),
                kind=kinds[i % 4],
                title=f"Synthetic event {i}",
                place="Somewhere",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=50,
                visibility=visibilities[i % 3],
            )
        )
    Event.objects.bulk_create(made, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return derby, member, organiser


def timed(fn, requests: int) -> list[float]:
    for _ in range(10):
        fn()
    out = []
    for _ in range(requests):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--motions", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only-members", action="store_true", help="time only the member list")
    args = parser.parse_args()
    os.environ["GROUNDSWELL_HOME"] = tempfile.mkdtemp()
    os.environ["DJANGO_SETTINGS_MODULE"] = "groundswell.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
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
    t0 = time.perf_counter()
    derby, member, organiser = seed(args.members, args.motions, args.events, random.Random(2017))
    print(
        f"seeded {args.members:,} members, {args.motions:,} motions, {args.events:,} events "
        f"in {time.perf_counter() - t0:.0f} s ({connection.vendor}, {os.cpu_count()} cores)"
    )
    month = timezone.localdate().strftime("%Y-%m")
    first = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.get_current_timezone())
    clients = {"member": Client(), "organiser": Client(), "anonymous": Client()}
    clients["member"].force_login(member)
    clients["organiser"].force_login(organiser)

    def raw(sql, params=()):
        def run():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                cur.fetchall()

        return run

    motions_sql = (
        "SELECT m.id, m.title, m.subject, m.status, m.support_count, m.supports_needed, m.created_at, b.name "
        "FROM motions_motion m LEFT JOIN members_branch b ON b.id = m.branch_id {where} "
        "ORDER BY m.created_at DESC, m.id DESC LIMIT 50 OFFSET {offset}"
    )
    events_sql = (
        "SELECT e.id, e.title, e.starts_at FROM events_event e WHERE e.starts_at >= %s AND e.starts_at < %s "
        "AND e.cancelled_at IS NULL AND (e.visibility IN ('public', 'members') OR e.branch_id = %s) "
        "ORDER BY e.starts_at, e.id"
    )
    window = (first - timedelta(days=7), first + timedelta(days=42))
    pages = [
        ("motions, first page", "member", "/motions/", raw(motions_sql.format(where="", offset=0))),
        (
            "motions, one branch",
            "member",
            f"/motions/?branch={derby.pk}",
            raw(motions_sql.format(where=f"WHERE m.branch_id = {derby.pk}", offset=0)),
        ),
        (
            "motions, voting",
            "organiser",
            "/motions/?status=voting",
            raw(motions_sql.format(where="WHERE m.status = 'voting'", offset=0)),
        ),
        ("motions, page 150", "member", "/motions/?page=150", raw(motions_sql.format(where="", offset=7450))),
        ("calendar, member", "member", f"/events/?month={month}", raw(events_sql, (*window, derby.pk))),
        (
            "calendar, one branch",
            "organiser",
            f"/events/?month={month}&branch={derby.pk}",
            raw(events_sql + "", (*window, derby.pk)),
        ),
        ("calendar, anonymous", "anonymous", f"/events/?month={month}", raw(events_sql, (*window, 0))),
    ]
    head = f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'query p95':>10} {'page/query':>11}"
    print(f"\n{'page':<22} {'who':<10} {head}")
    worst = 0.0
    for name, who, url, baseline in [] if args.only_members else pages:
        client = clients[who]
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

        def fetch(client=client, url=url):
            client.get(url)

        p50, p95, p99 = percentiles(timed(fetch, args.requests))
        _, b95, _ = percentiles(timed(baseline, args.requests))
        worst = max(worst, p95)
        print(f"{name:<22} {who:<10} {p50:7.1f} {p95:7.1f} {p99:7.1f} {b95:10.2f} {p95 / b95:10.0f}x")
    if not args.only_members:
        print(f"\nworst p95 {worst:.1f} ms: {'under' if worst < 150 else 'OVER'} the 150 ms goal")
    member_pages(args, clients, organiser)


def member_pages(args, clients, organiser) -> None:
    """The member list as a national admin: page 5,000 by keyset (ours) against OFFSET (Django's
    Paginator, what the page did before), and a common-surname search; the goal is under 100 ms."""
    from django.core.paginator import Paginator

    from groundswell.accounts.models import Role, User
    from groundswell.accounts.services import role_grant
    from groundswell.members import selectors
    from groundswell.members.views import cursor_token

    admin = User.objects.create_user(email="admin@bench.local", password=None)
    role_grant(user=admin, role=Role.NATIONAL_ADMIN)
    clients["admin"] = client = type(clients["member"])()
    client.force_login(admin)
    target = min(5000, args.members // 50)
    previous = selectors.membership_search(admin)[(target - 1) * 50 - 1]  # set-up: OFFSET once
    cursor = (previous.person.last_name, previous.person.first_name, previous.membership_number)
    ours, _ = selectors.membership_page(selectors.membership_search(admin), after=cursor)
    theirs = list(Paginator(selectors.membership_search(admin), 50).page(target).object_list)
    assert [m.pk for m in ours] == [m.pk for m in theirs], "keyset and OFFSET disagree on the page"
    smiths = selectors.membership_search(admin, query="Smith").count()
    token = cursor_token(cursor)
    rows = [
        (
            f"page {target:,}, keyset",
            lambda: selectors.membership_page(selectors.membership_search(admin), after=cursor),
        ),
        (
            f"page {target:,}, OFFSET",
            lambda: list(Paginator(selectors.membership_search(admin), 50).page(target).object_list),
        ),
        (f"page {target:,} (whole page)", lambda: client.get(f"/members/?after={token}")),
        (
            f"search Smith ({smiths:,}), rows",
            lambda: selectors.membership_page(selectors.membership_search(admin, query="Smith")),
        ),
        ("search Smith (whole page)", lambda: client.get("/members/?q=Smith")),
        ("first page (whole page)", lambda: client.get("/members/")),
    ]
    print(f"\n{'member list (national admin)':<34} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name, fn in rows:
        p50, p95, p99 = percentiles(timed(fn, args.requests))
        print(f"{name:<34} {p50:7.1f} {p95:7.1f} {p99:7.1f}")


if __name__ == "__main__":
    main()
