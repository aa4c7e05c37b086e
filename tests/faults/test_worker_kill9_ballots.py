"""kill -9 of the real task worker (`groundswell worker`) in the middle of each step of a
ballot: freezing the electorate, emailing the voting codes (to a real SMTP server on
127.0.0.1), counting and publishing. After `tick` re-queues the dead worker's task and a new
worker runs it, the step is complete, nobody holds two working codes, and the count and the
published files are what an uninterrupted run makes."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import date, timedelta
from email import message_from_bytes

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groundswell.accounts.models import Role
from groundswell.ballots import keys, services
from groundswell.ballots.models import (
    Ballot,
    Candidate,
    Elector,
    Paper,
    PublishedChunk,
    PublishedFile,
    SealedBallot,
)
from groundswell.core.ballotbox import sealing
from groundswell.core.counting import BallotBuilder, count
from groundswell.members.models import Membership, Person
from groundswell.members.selectors import eligible_electorate
from tests.faults.test_worker_kill9 import DB_TASKS, Sink, Worker, requeue_by_tick, running, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the real worker runs on PostgreSQL"),
]


def _members(branch, n: int) -> list[int]:
    """`n` current members with email addresses, written in bulk (the factories take minutes)."""
    people = Person.objects.bulk_create(
        [
            Person(
                first_name="Ada",
                last_name=f"Voter{i:06d}",
                email=f"voter{i}@example.org",
                email_key=f"voter{i}@example.org",
                postcode="DE22 1AB",
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                person=p,
                membership_number=f"K{i:07d}",
                branch=branch,
                category="member",
                joined_on=date(2015, 9, 1),
            )
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    return [p.pk for p in people]


def _draft(officer, *, in_app: bool, method: str = "irv") -> Ballot:
    now = timezone.now()
    return services.ballot_create(
        actor=officer,
        title="Leader",
        method=method,
        seats=1,
        candidates=["Ann", "Bob", "Cat", "Dee"],
        eligible_categories=["member"],
        freeze_date=now.date(),
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        in_app=in_app,
        key_custody=Ballot.Custody.SERVER,
    )


def _kill_when(worker: Worker, condition, what: str) -> None:
    wait_for(lambda: condition() or worker.proc.poll() is not None, what)
    worker.kill9()
    assert worker.proc.returncode == -9, f"the worker finished before the kill ({what})"


def _finish(task_done, what: str) -> None:
    """`tick` re-queues the dead worker's task; a new worker runs it to the end."""
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1  # the dead worker's task
    requeue_by_tick()
    worker = Worker()
    try:
        wait_for(lambda: task_done() or DBTaskResult.objects.filter(status="FAILED").exists(), what, 60)
    finally:
        worker.stop()
    failed = list(DBTaskResult.objects.filter(status="FAILED").values_list("traceback", flat=True))
    assert not failed, failed


def test_kill9_mid_open_then_restart_freezes_the_whole_electorate_once(branches, users):
    north, _ = branches
    n = 30_000
    _members(north, n)
    officer = users[Role.RETURNING_OFFICER]
    ballot = _draft(officer, in_app=True)  # in the app: no codes to send, the opening alone
    with override_settings(TASKS=DB_TASKS):
        services.ballot_open_start(ballot=ballot, actor=officer)
    worker = Worker()

    def one_batch_in() -> bool:
        p = Ballot.objects.get(pk=ballot.pk).count_progress.get("opening") or {}
        return 0 < p.get("done", 0) < p.get("total", 0)

    _kill_when(worker, one_batch_in, "the first batch of electors to be written")
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPENING
    assert 0 < Elector.objects.filter(ballot=ballot).count() < Membership.objects.count()
    _finish(lambda: Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.OPEN, "the opening to finish")

    opened = Ballot.objects.get(pk=ballot.pk)
    expected = {(e.person_id, e.category) for e in eligible_electorate(["member"], opened.freeze_date)}
    frozen = list(Elector.objects.filter(ballot=ballot).values_list("person_id", "category"))
    assert len(frozen) == len(set(frozen)) == len(expected) and set(frozen) == expected
    assert opened.electorate_size == len(expected)
    assert opened.electorate_by_category == {"member": len(expected)}
    assert not opened.count_progress  # no progress bar left on the page


class CodeSink(Sink):
    """The SMTP sink, keeping each message's voting code too."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[tuple[str, str]] = []  # (recipient, code), in the order received

    async def handle_DATA(self, server, session, envelope):
        found = re.search(rb"code=([A-Z0-9]+)", message_from_bytes(envelope.content).get_payload(decode=True))
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.codes.append((rcpt, found.group(1).decode()))
        return await super().handle_DATA(server, session, envelope)


def test_kill9_mid_send_of_codes_then_restart_gives_every_elector_one_working_code(branches, users):
    north, _ = branches
    n = 1_500
    _members(north, n)
    officer = users[Role.RETURNING_OFFICER]
    ballot = _draft(officer, in_app=False)
    sink = CodeSink()
    sink.controller.start()
    worker = None
    try:
        with override_settings(TASKS=DB_TASKS):
            services.ballot_open_start(ballot=ballot, actor=officer)  # the task opens, then sends
        sink.kill_at = 600  # stored by the sink, its 250 never sent: the worst moment
        worker = sink.victim = Worker(sink.controller.port)
        worker.proc.wait(timeout=120)
        assert worker.proc.returncode == -9, "the worker finished before the kill"
        # it sent through forked sender processes, and they died with it: none finishes a
        # batch after the kill (a late email would carry a code that a re-send replaced)
        assert sink.orphans, "the codes were not sent by sender processes"
        wait_for(lambda: not any(running(p) for p in sink.orphans), "the senders to die with the worker", 10)
        assert 0 < Ballot.objects.get(pk=ballot.pk).credentials_sent < n
        assert DBTaskResult.objects.filter(status="RUNNING").count() == 1
        requeue_by_tick()
        worker = Worker(sink.controller.port)
        wait_for(
            lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2, "the sending to finish", 60
        )
    finally:
        if worker:
            worker.stop()
        sink.controller.stop()
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    electors = {e.person.email: e for e in Elector.objects.filter(ballot=ballot).select_related("person")}
    last_code: dict[str, str] = {}
    for rcpt, code in sink.codes:
        last_code[rcpt] = code
    assert set(last_code) == set(electors), "someone was sent nothing (or a stranger was sent a code)"
    # the code each elector received last is the one that works; any earlier one does not
    for rcpt, code in sink.codes:
        works = keys.code_hash(code) == electors[rcpt].code_hash
        assert works == (code == last_code[rcpt]), f"{rcpt} holds a working code that is not their last"
    # a re-send covers only the batches in flight at the kill (4 senders + 1, 100 each)
    assert len(sink.codes) - len(electors) <= 5 * services.codes.SEND_BATCH
    done = Ballot.objects.get(pk=ballot.pk)
    assert done.credentials_sent == len(electors) == done.electorate_size > n  # (and the fixtures' member)
    assert not Elector.objects.filter(ballot=ballot, credential_sent_on=None).exists()


def _closed_with_papers(officer, papers: int, seed: int) -> tuple[Ballot, list[tuple[int, ...]]]:
    """A vote without trustees, open, with `papers` sealed papers cast and then closed (the
    count queued for the worker). Returns it and the rankings sealed."""
    ballot = _draft(officer, in_app=True)
    services.ballot_open_start(ballot=ballot, actor=officer)  # the immediate backend opens it
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    rng = random.Random(seed)
    info = sealing.info_for(ballot.pk)
    rankings = [tuple(rng.sample(range(4), rng.randint(1, 4))) for _ in range(papers)]
    rows = []
    for ranking in rankings:
        sealed = sealing.seal(bytes(ballot.public_key), info, ranking, 4)
        tracker = sealing.tracker(sealed)
        rows.append(SealedBallot(ballot=ballot, sealed=sealed, tracker=tracker, category="member"))
    SealedBallot.objects.bulk_create(rows, batch_size=2000)
    with override_settings(TASKS=DB_TASKS):
        services.ballot_close(ballot=ballot, actor=officer, confirm=True)
    return ballot, rankings


def _uninterrupted_count(ballot: Ballot, rankings) -> dict:
    names = list(Candidate.objects.filter(ballot=ballot).order_by("position").values_list("name", flat=True))
    builder = BallotBuilder(names)
    for ranking in rankings:
        builder.add(ranking, category="member")
    report = count(builder.build(title=ballot.title), method=ballot.method, seats=ballot.seats)
    return {**report.to_dict(), "category_map": {}}


def test_kill9_mid_count_then_restart_counts_every_paper_once(branches, users):
    officer = users[Role.RETURNING_OFFICER]
    ballot, rankings = _closed_with_papers(officer, 4_000, seed=3)
    worker = Worker()

    def counting() -> bool:
        return (Ballot.objects.get(pk=ballot.pk).count_progress or {}).get("state") == "running"

    _kill_when(worker, counting, "the count to start")
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.CLOSED
    assert not Paper.objects.filter(ballot=ballot).exists()  # the count stores all or nothing
    _finish(lambda: Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.COUNTED, "the count to finish")

    counted = Ballot.objects.get(pk=ballot.pk)
    assert counted.result == _uninterrupted_count(ballot, rankings)
    stored = sorted(tuple(r) for r in Paper.objects.filter(ballot=ballot).values_list("ranking", flat=True))
    assert stored == sorted(rankings)
    assert SealedBallot.objects.filter(ballot=ballot).count() == len(rankings)


def _files(ballot: Ballot) -> dict[str, str]:
    out = {}
    for f in PublishedFile.objects.filter(ballot=ballot).prefetch_related("chunks"):
        data = b"".join(bytes(c.data) for c in sorted(f.chunks.all(), key=lambda c: c.seq))
        assert hashlib.sha256(data).hexdigest() == f.sha256 and len(data) == f.size, f.name
        out[f.name] = f.sha256
    return out


def test_kill9_mid_publish_then_restart_publishes_the_same_files_as_an_uninterrupted_run(branches, users):
    officer = users[Role.RETURNING_OFFICER]
    ballot, _ = _closed_with_papers(officer, 4_000, seed=5)
    DBTaskResult.objects.all().delete()  # the queued count: done here, in this process
    services.ballot_count(ballot_id=ballot.pk)
    with override_settings(TASKS=DB_TASKS):
        services.ballot_publish_start(ballot=Ballot.objects.get(pk=ballot.pk), actor=officer, confirm=True)
    table = PublishedChunk._meta.db_table
    with transaction.atomic():
        # Holds the publishing at its first chunk, past the board's first megabyte: the
        # worker is killed there, mid-way through its transaction.
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {table} IN SHARE MODE")
        worker = Worker()

        def blocked() -> bool:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table]
                )
                return cur.fetchone()[0] > 0

        _kill_when(worker, blocked, "the publishing to write its first chunk")
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.COUNTED
    assert not PublishedFile.objects.filter(ballot=ballot).exists()  # nothing half-published
    _finish(lambda: Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.PUBLISHED, "the publishing")
    after_crash = _files(ballot)
    assert "publishing" not in Ballot.objects.get(pk=ballot.pk).count_progress

    # the same ballot published again without interruption, in this process
    PublishedFile.objects.filter(ballot=ballot).delete()
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.COUNTED)
    services.ballot_publish(ballot=Ballot.objects.get(pk=ballot.pk), actor=officer, confirm=True)
    assert _files(ballot) == after_crash
    assert set(after_crash) >= {"board.jsonl", "ballots.csv", "ballots.blt", "result.json", "manifest.json"}
