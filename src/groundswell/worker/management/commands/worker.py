"""groundswell worker: django-tasks-db's worker, holding a lease while it lives.

`groundswell serve` starts one. Beside the worker loop a heartbeat thread renews this worker's
lease every TASK_LEASE_SECONDS/4; when the process dies (kill -9, a lost machine) the lease runs
out and `groundswell tick` (or the next worker to start) puts its task back on the queue. Takes
db_worker's options (--queue-name, --interval, --batch, --worker-id...)."""

from __future__ import annotations

import logging
import threading

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from groundswell.worker import leases

logger = logging.getLogger("groundswell.worker")


def _heartbeat(worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(leases.lease_seconds() / 4):
        try:
            leases.lease_renew(worker_id)
        except Exception:  # a database blip: try again at the next beat, before the lease runs out
            logger.exception("could not renew the lease of worker %s", worker_id)
            connection.close()
    connection.close()


class Command(DbWorkerCommand):
    help = "Run the background task worker, with a lease so that a dead worker's task is run again."

    def handle(self, *args, worker_id: str, **options) -> None:
        leases.lease_renew(worker_id)  # before the first claim: a claimed task always has a lease
        requeued = leases.tasks_requeue_orphaned()
        if requeued:
            self.stdout.write(f"re-queued {requeued} task(s) of workers that died")
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat, args=(worker_id, stop), name="lease", daemon=True)
        beat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            stop.set()
            beat.join(timeout=5)
            leases.lease_release(worker_id)
