"""What the task worker records about itself: a lease it renews while it lives.

django-tasks-db marks a task RUNNING with the claiming worker's id and nothing else: a worker
killed -9 (or its machine lost) leaves the task RUNNING for ever. Each of our workers keeps a
row here, renewed every few seconds by a heartbeat thread; `groundswell tick` puts back on the
queue every RUNNING task whose worker's lease has run out (see `leases.py`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerLease(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    renewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.host})"
