"""Leases for task workers, and putting back on the queue the tasks of workers that died.

Why a lease and not PostgreSQL advisory locks (which vanish with a dead connection): a lease is
a row and a timestamp, so it works the same on SQLite (the demo) and PostgreSQL, sees a worker
whose machine froze as well as one whose connection closed, and the page can show it. The
price is a delay: a dead worker's task goes back on the queue `TASK_LEASE_SECONDS` after its
last heartbeat (60 s by default). Running a task twice must therefore be harmless: every task
is idempotent and resumes from what the database says is done (see each app's tasks)."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groundswell.worker.models import WorkerLease

# a task whose workers died this many times is failed, not re-run: it is what kills them
MAX_ATTEMPTS = 5


def lease_seconds() -> float:
    return float(getattr(settings, "TASK_LEASE_SECONDS", 60))


def lease_renew(worker_id: str) -> None:
    """Records that `worker_id` is alive now (the heartbeat thread calls it every lease/4)."""
    now = timezone.now()
    updated = WorkerLease.objects.filter(worker_id=worker_id).update(renewed_at=now)
    if not updated:
        WorkerLease.objects.update_or_create(
            worker_id=worker_id,
            defaults={"renewed_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()},
        )


def lease_release(worker_id: str) -> None:
    """A worker that stops cleanly gives up its lease (its task, if any, has finished)."""
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def tasks_requeue_orphaned(*, now: datetime | None = None) -> int:
    """Puts back on the queue each RUNNING task whose worker holds no live lease; fails a task
    after MAX_ATTEMPTS dead workers. Safe to run on several machines at once (rows locked,
    skipped if another tick holds them). Returns how many tasks were re-queued."""
    now = now or timezone.now()
    expiry = now - timedelta(seconds=lease_seconds())
    live = set(WorkerLease.objects.filter(renewed_at__gte=expiry).values_list("worker_id", flat=True))
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).select_for_update(
            skip_locked=True
        )
        for task in running:
            worker = task.worker_ids[-1] if task.worker_ids else None
            if worker in live:
                continue
            if worker is None and task.started_at and task.started_at >= expiry:
                continue
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = "groundswell.worker.leases.WorkerDied"
                task.traceback = f"its worker died {len(task.worker_ids)} times; not run again"
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                continue
            task.status = TaskResultStatus.READY
            task.save(update_fields=["status"])
            requeued += 1
    WorkerLease.objects.filter(renewed_at__lt=expiry).delete()
    return requeued
