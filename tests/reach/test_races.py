"""Real races on PostgreSQL (threads, each with its own connection): callers asking at the
same instant never get the same household, and a caller asking from two tabs at once never
holds two. (SQLite's in-memory test database is not shared between threads; there the
conditional update and the caller's write lock keep the same rules.)"""

import threading

import pytest
from django.db import connection, connections

from groundswell.accounts.models import Role
from groundswell.reach import services
from groundswell.reach.models import CallTarget
from tests import factories
from tests.reach.helpers import daytime, seat_with_phones

pytestmark = pytest.mark.django_db(transaction=True)


def test_callers_racing_never_share_a_household_and_never_hold_two(branches, users):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared between threads (PostgreSQL)")
    north, _ = branches
    seat_with_phones(north, n=40)
    bank = services.phone_bank_create(user=users[Role.BRANCH_ORGANISER], branch=north, name="Race")
    callers = [factories.user(Role.CANVASSER, email=f"racer{i}@example.org") for i in range(12)]
    for c in callers:
        services.phone_bank_join(user=c, code=bank.code)
    now = daytime()
    gate = threading.Barrier(len(callers) * 2)
    got: list[tuple[int, int]] = []
    lock = threading.Lock()

    def ask(c):
        try:
            gate.wait()
            t = services.call_next(bank=bank, user=c, now=now)
            with lock:
                got.append((c.pk, t.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(c,)) for c in callers for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(got) == 24
    by_caller: dict[int, set[int]] = {}
    for caller_id, target_id in got:
        by_caller.setdefault(caller_id, set()).add(target_id)
    assert all(len(ts) == 1 for ts in by_caller.values())  # both tabs show the same household
    held = [next(iter(ts)) for ts in by_caller.values()]
    assert len(set(held)) == len(held) == 12  # no household with two callers
    assert CallTarget.objects.exclude(assigned_to=None).count() == 12
