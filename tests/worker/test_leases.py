"""A task whose worker died is run again: `tick` re-queues it once the worker's lease runs out."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from groundswell.management.commands.tick import tick_once
from groundswell.worker import leases
from groundswell.worker.models import WorkerLease

pytestmark = pytest.mark.django_db


def running(*worker_ids: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="groundswell.mailouts.tasks.send_mailout",
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now(),
        worker_ids=list(worker_ids),
    )


def test_the_task_of_a_worker_killed_mid_task_goes_back_on_the_queue(settings):
    settings.TASK_LEASE_SECONDS = 30
    leases.lease_renew("dead")
    task = running("dead")
    WorkerLease.objects.filter(worker_id="dead").update(renewed_at=timezone.now() - timedelta(seconds=31))
    assert tick_once()["tasks re-queued"] == 1
    task.refresh_from_db()
    assert task.status == "READY" and task.worker_ids == ["dead"]
    assert not WorkerLease.objects.filter(worker_id="dead").exists()


def test_a_live_workers_task_is_left_alone(settings):
    settings.TASK_LEASE_SECONDS = 30
    leases.lease_renew("alive")
    task = running("alive")
    assert tick_once()["tasks re-queued"] == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_worker_that_never_held_a_lease_counts_as_dead():
    task = running("db_worker-without-lease")
    assert leases.tasks_requeue_orphaned() == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_task_that_kills_every_worker_fails_instead_of_looping_for_ever():
    task = running(*[f"w{i}" for i in range(leases.MAX_ATTEMPTS)])
    assert leases.tasks_requeue_orphaned() == 0
    task.refresh_from_db()
    assert task.status == "FAILED" and "died 5 times" in task.traceback
