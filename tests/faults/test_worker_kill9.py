"""kill -9 of the real task worker (`groundswell worker`, as `groundswell serve` starts it) in
the middle of a mail-out to a real SMTP server on 127.0.0.1, and in the middle of a members
import: after a restart (and `tick`) the work is complete, and nobody got two messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from groundswell.accounts.models import Role
from groundswell.mailouts import services as mailouts
from groundswell.mailouts.models import MailOut
from groundswell.management.commands.tick import tick_once
from groundswell.members.models import ImportJob, Membership, Person
from tests import factories
from tests.faults.server import child_env, free_port

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class Worker:
    """The real worker process on the test database; `kill9` is the crash."""

    def __init__(self, smtp_port: int = 0) -> None:
        env = {**child_env(), "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings"}
        env["GROUNDSWELL_SMTP_PORT"] = str(smtp_port)
        serve_command = [sys.executable, "-m", "groundswell.cli", "worker", "--queue-name", "default"]
        self.proc = subprocess.Popen(
            [*serve_command, "--interval", "0.1", "--no-startup-delay", "--no-reload"],
            env=env,
            stdout=subprocess.DEVNULL,
        )

    def kill9(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


class Sink:
    """An SMTP server that keeps every message it accepts; it can kill a worker -9 the moment
    it has taken message `kill_at` (stored, the 250 never sent): the worst moment to die."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.kill_at: int | None = None
        self.victim: Worker | None = None
        self.orphans: list[int] = []  # the victim's own processes at the kill
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, message_id))
            if self.kill_at is not None and len(self.received) >= self.kill_at and self.victim:
                self.orphans = children_of(self.victim.proc.pid)
                os.kill(self.victim.proc.pid, signal.SIGKILL)
                self.kill_at = None
        return "250 OK"


def children_of(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        try:
            if d.name.isdigit() and (d / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                found.append(int(d.name))
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Not gone and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def requeue_by_tick() -> None:
    """`groundswell tick`, run until the dead worker's lease (1 s here) has run out."""
    with override_settings(TASK_LEASE_SECONDS=1):
        wait_for(lambda: tick_once()["tasks re-queued"] == 1, "tick to re-queue the dead worker's task", 30)


def test_kill9_of_the_worker_mid_mailout_then_tick_and_restart_send_everyone_exactly_one(branches, users):
    north, _ = branches
    people = []
    for _ in range(600):
        p = factories.person(branch=north)
        people.append(p)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(consent_email_on=date(2024, 1, 1))
    expected = set(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("email", flat=True))
    sink = Sink()
    sink.controller.start()
    worker = None
    try:
        with override_settings(TASKS=DB_TASKS):
            mailout = mailouts.mailout_create(
                user=users[Role.BRANCH_ORGANISER],
                subject="Canvass",
                body="Saturday.",
                segment="branch",
                branch=north,
            )
        sink.kill_at = 250
        worker = sink.victim = Worker(sink.controller.port)
        worker.proc.wait(timeout=120)
        assert worker.proc.returncode == -9, "the worker finished before the kill"
        assert 0 < MailOut.objects.get(pk=mailout.pk).sent < len(expected)
        assert DBTaskResult.objects.get().status == "RUNNING"  # what a dead worker leaves behind
        requeue_by_tick()
        worker = Worker(sink.controller.port)
        wait_for(lambda: MailOut.objects.get(pk=mailout.pk).status == "done", "the mail-out to finish")
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    finally:
        if worker:
            worker.stop()
        sink.controller.stop()
    ids: dict[str, set[str]] = {}
    for rcpt, message_id in sink.received:
        ids.setdefault(rcpt, set()).add(message_id)
    assert set(ids) >= expected and set(ids) - expected <= {users[Role.MEMBER].person.email} - expected
    assert all(len(v) == 1 for v in ids.values()), "someone was sent two different messages"
    assert len(sink.received) <= len(ids) + 1  # only the message in flight at the kill came twice
    done = MailOut.objects.get(pk=mailout.pk)
    assert done.sent == len(ids) == done.total


def test_kill9_of_the_worker_mid_import_then_tick_and_restart_import_everything_once(tmp_path, branches):
    import csv

    from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER
    from groundswell.members.demo import synthetic_rows
    from groundswell.members.services import import_job_create

    rows = 20_000
    path = tmp_path / "members.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*HEADER, *CONSENT_COLUMNS])
        w.writerows(synthetic_rows(rows, [b.ons_code for b in branches], seed=11))
    admin = factories.user(Role.NATIONAL_ADMIN)
    with override_settings(TASKS=DB_TASKS):
        job = import_job_create(actor=admin, upload=SimpleUploadedFile("members.csv", path.read_bytes()))
    worker = Worker()
    try:
        # validation reports progress; once every row is checked, the worker is writing
        wait_for(
            lambda: (
                ImportJob.objects.filter(pk=job.pk, rows_total=rows, rows_done=rows).exists()
                or worker.proc.poll() is not None
            ),
            "the import to reach its writing phase",
        )
        worker.kill9()
        assert ImportJob.objects.get(pk=job.pk).status == "validating"
        assert Membership.objects.count() == 0  # all or nothing: the half-written import is gone
        requeue_by_tick()
        worker = Worker()
        wait_for(lambda: ImportJob.objects.get(pk=job.pk).finished, "the import to finish")
    finally:
        worker.stop()
    assert ImportJob.objects.get(pk=job.pk).status == "done"
    assert Membership.objects.count() == rows
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
