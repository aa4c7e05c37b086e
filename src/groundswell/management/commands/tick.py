"""groundswell tick: the scheduled work — put back on the queue the tasks of task workers that
died, close ballots whose time is up, send tomorrow's event reminders, each working group's
weekly digest (once per group per week, however often it runs), the day's arrears reminders
and lapses. Run it from cron, or
with --every N as a long-lived process (`groundswell serve` starts one). Safe to run on several
machines at once."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections


def tick_once() -> dict[str, int]:
    from groundswell.ballots.services import ballots_close_due
    from groundswell.events.services import event_reminders_send
    from groundswell.groups.services import group_digests_send
    from groundswell.lifecycle.services import arrears_run
    from groundswell.worker.leases import tasks_requeue_orphaned

    return {
        "tasks re-queued": tasks_requeue_orphaned(),
        "ballots closed": ballots_close_due(),
        "reminders sent": event_reminders_send(),
        "group digests queued": group_digests_send(),  # last week's, once per group per week
        "arrears reminders sent": arrears_run()["reminded"],  # once a day, whatever the interval
    }


class Command(BaseCommand):
    help = (
        "Re-queue the tasks of dead workers, close ballots past their closing time and send event "
        "reminders (once, or every N seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args, every: int, **options):
        while True:
            try:
                done = tick_once()
            except Exception as e:  # a database blip must not end the scheduler
                self.stderr.write(f"tick failed: {e}")
            else:
                if any(done.values()) or not every:
                    self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
            if not every:
                return
            time.sleep(every)
            close_old_connections()  # a long-lived process must not hold a dead connection
