"""kill -9 in the middle of an import, of casting votes and of doorstep syncs: the database
holds each transaction wholly or not at all, and resending after a restart doubles nothing."""

from __future__ import annotations

import csv
import http.client
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from groundswell.accounts.models import Role
from groundswell.ballots.models import SealedBallot, SpentCredential
from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER
from groundswell.members.demo import synthetic_rows
from groundswell.members.models import Membership, Person
from tests import factories
from tests.faults.server import Server, child_env

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_kill9_mid_import_leaves_nothing_and_the_rerun_imports_everything(tmp_path, branches):
    rows = 30_000
    path = tmp_path / "members.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*HEADER, *CONSENT_COLUMNS])
        w.writerows(synthetic_rows(rows, [b.ons_code for b in branches], seed=7))
    people_before = Person.objects.count()
    worker = [sys.executable, str(Path(__file__).with_name("import_worker.py")), str(path)]
    proc = subprocess.Popen(worker, stdout=subprocess.PIPE, text=True, bufsize=1, env=child_env())
    for line in iter(proc.stdout.readline, ""):
        phase, *numbers = line.split()
        if phase == "write" and 0 < int(numbers[0]) < int(numbers[1]):
            proc.kill()  # SIGKILL, half-way through writing
            break
    proc.wait(timeout=30)
    assert proc.returncode == -9
    assert Membership.objects.count() == 0 and Person.objects.count() == people_before
    done = subprocess.run(worker, capture_output=True, text=True, env=child_env(), timeout=300, check=True)
    assert f"done {rows}" in done.stdout
    assert Membership.objects.count() == rows


def _race(server: Server, jobs: list, send, kill_after: float) -> dict:
    """Sends every job from 16 threads; kills the server -9 after `kill_after` seconds.
    Returns each job's outcome: an HTTP status, or "lost" when no answer came."""
    outcomes: dict = {}
    lock = threading.Lock()
    it = iter(jobs)

    def worker():
        while True:
            with lock:
                job = next(it, None)
            if job is None:
                return
            try:
                status = send(job)
            except (OSError, http.client.HTTPException):
                status = "lost"
            with lock:
                outcomes[job if isinstance(job, str) else job[0]] = status

    pool = [threading.Thread(target=worker) for _ in range(16)]
    for t in pool:
        t.start()
    time.sleep(kill_after)
    server.kill9()
    for t in pool:
        t.join(timeout=60)
    return outcomes


def test_kill9_mid_cast_never_splits_a_vote_and_a_resend_never_doubles(branches, users):
    from tests.ballots.factories import codes as issue_codes
    from tests.ballots.factories import draft_ballot, open_ballot

    north, _ = branches
    for _ in range(300):
        factories.person(branch=north)
    ballot = open_ballot(draft_ballot(users[Role.RETURNING_OFFICER]))
    elector_of = {code: elector for elector, code in issue_codes(ballot).items()}
    codes = list(elector_of)
    server = Server().start()

    def cast(code):
        return server.request("POST", "/api/vote", {"credential": code, "ranking": [0, 1]})[0]

    try:
        first = _race(server, codes, cast, kill_after=0.4)
    finally:
        server.stop()
    # every vote is whole: a spent credential always has its ballot, and the other way round
    assert (
        SealedBallot.objects.filter(ballot=ballot).count()
        == SpentCredential.objects.filter(ballot=ballot).count()
    )
    assert "lost" in first.values() or len(first) < len(codes), "the kill came too late to test anything"
    # the voters whose answer never came press "cast" again, after the restart
    server = Server().start()
    try:
        again = {code: cast(code) for code in codes if first.get(code) in (None, "lost")}
    finally:
        server.stop()
    assert set(again.values()) <= {201, 409}
    spent = set(SpentCredential.objects.filter(ballot=ballot).values_list("elector_id", flat=True))
    accepted = {c for c, s in first.items() if s == 201} | {c for c, s in again.items() if s in (201, 409)}
    assert spent == {elector_of[c] for c in accepted} == set(elector_of.values())
    assert SealedBallot.objects.filter(ballot=ballot).count() == len(codes)  # one each, none doubled


def test_kill9_mid_sync_then_the_outbox_resends_and_nothing_doubles(branches, users):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from groundswell.groundgame.models import Contact
    from groundswell.web.sessions import SessionStore
    from tests.test_authorisation_matrix import ground_game

    north, south = branches
    elector = ground_game(users, north, south)["elector"]
    canvasser = users[Role.CANVASSER]
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(canvasser.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: canvasser.get_session_auth_hash(),
        }
    )
    session.create()
    token = "t" * 32
    headers = {
        "Cookie": f"sessionid={session.session_key}; csrftoken={token}",
        "X-CSRFToken": token,
        "Referer": "http://127.0.0.1/canvass/",
    }
    batches = [
        (
            f"batch{b}",
            [
                {
                    "id": str(uuid.uuid4()),
                    "elector": elector,
                    "code": "LAB",
                    "recorded_at": "2017-06-08T10:00:00+00:00",
                }
                for _ in range(10)
            ],
        )
        for b in range(300)
    ]
    server = Server().start()
    headers["Referer"] = f"http://127.0.0.1:{server.port}/canvass/"

    def sync(batch):
        return server.request("POST", "/api/canvass/contacts", {"contacts": batch[1]}, headers)[0]

    try:
        first = _race(server, batches, sync, kill_after=0.4)
    finally:
        server.stop()
    assert set(first.values()) <= {200, "lost"}
    # the phone's outbox resends everything it has no answer for (and, to be sure, the rest too)
    server = Server().start()
    headers["Referer"] = f"http://127.0.0.1:{server.port}/canvass/"
    try:
        statuses = {sync(b) for b in batches}
    finally:
        server.stop()
    assert statuses == {200}
    ids = {c["id"] for _, batch in batches for c in batch}
    assert set(map(str, Contact.objects.values_list("id", flat=True))) == ids
