"""When the database is read-only, full or restarting, people get a clear page ("nothing was
saved, try again") and a 503, never a traceback; once it is back, requests work again."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
from django.db import connection

from groundswell.accounts.models import Role
from groundswell.motions.models import Motion, MotionRules
from tests.faults.server import Server

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def propose(client):
    return client.post(
        "/motions/new/", {"title": "Rail", "subject": "Transport", "text": "Rail.", "branch": "x"}
    )


def member_client(client, users, branches):
    MotionRules.current()
    client.force_login(users[Role.MEMBER])
    north, _ = branches
    return client, north


def test_a_read_only_database_gives_a_clear_page(client, users, branches):
    client, north = member_client(client, users, branches)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET default_transaction_read_only = on")
        else:
            cur.execute("PRAGMA query_only = ON")
    try:
        page = client.post(
            "/motions/new/",
            {"title": "Rail", "subject": "Transport", "text": "Rail.", "branch": str(north.pk)},
        )
        api = client.post(
            "/api/motions",
            {"branch": north.ons_code, "title": "Rail", "subject": "T", "text": "R"},
            content_type="application/json",
            HTTP_X_CSRFTOKEN="x",
        )
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET default_transaction_read_only = off")
            else:
                cur.execute("PRAGMA query_only = OFF")
    assert page.status_code == 503 and page["Retry-After"] == "60"
    text = page.content.decode()
    assert "read-only" in text and "nothing was saved" in text and "Traceback" not in text
    assert api.status_code in (403, 503)  # the API's CSRF check may refuse first; never a 500
    assert not Motion.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a full disk is simulated with SQLite's page limit")
def test_a_full_database_gives_a_clear_page(client, users, branches):
    client, north = member_client(client, users, branches)
    with connection.cursor() as cur:
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
    try:
        page = client.post(
            "/motions/new/",
            {"title": "Rail", "subject": "Transport", "text": "Rail. " * 5000, "branch": str(north.pk)},
        )
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA max_page_count = 1073741823")
    assert page.status_code == 503
    assert "disk is full" in page.content.decode() and "Traceback" not in page.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("GROUNDSWELL_PG_RESTART"),
    reason="restarts the PostgreSQL server that scripts/with-postgres.sh started",
)
def test_restarting_postgres_under_load_fails_cleanly_and_recovers(branches):
    server = Server().start()
    statuses: list = []
    stop = threading.Event()

    def load():
        while not stop.is_set():
            for path in ("/health", "/events/", "/api/events?start=2000-01-01T00:00Z&end=2100-01-01T00:00Z"):
                try:
                    statuses.append(server.request("GET", path, timeout=10)[0])
                except OSError as e:
                    statuses.append(type(e).__name__)

    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        for t in threads:
            t.start()
        time.sleep(1)
        before = len(statuses)
        subprocess.run([os.environ["GROUNDSWELL_PG_RESTART"]], check=True, timeout=60)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and statuses[-12:] != [200] * 12:
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        stop.set()
        server.stop()
        connection.close()  # this process's connection died with the restart too
    assert before > 0 and statuses[:before] == [200] * before
    assert set(statuses) <= {200, 503}, sorted(set(map(str, statuses)))
    assert 503 in statuses, "no request met the restart: it tested nothing"
    assert statuses[-12:] == [200] * 12  # recovered without restarting the app
