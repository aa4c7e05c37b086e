"""groundswell serve: the web UI and the background task worker together."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web UI on 127.0.0.1:8000 and run the task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args, addr: str, no_worker: bool, **options):
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "groundswell.cli", "db_worker", "--queue-name", "default"],
            )
        self.stdout.write(f"Groundswell is at http://{addr}/  (Ctrl-C to stop)")
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
