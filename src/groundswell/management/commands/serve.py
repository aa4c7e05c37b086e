"""groundswell serve: the web UI and the background task worker together.

Without flags it is the demo's server (Django's, one process). `--production` runs
gunicorn with several workers (static files by whitenoise, DEBUG off, settings from the
environment: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL) and the task worker.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the web UI on 127.0.0.1:8000 and run the task worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument("--production", action="store_true", help="gunicorn with several workers")
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) + 1))
        parser.add_argument("--threads", type=int, default=4)

    def handle(
        self, *args, addr: str, no_worker: bool, production: bool, workers: int, threads: int, **options
    ):
        if production and not os.environ.get("SECRET_KEY"):
            raise CommandError(
                "--production needs SECRET_KEY in the environment (and DATABASE_URL, ALLOWED_HOSTS)"
            )
        if production and settings.DEBUG:
            raise CommandError("--production refuses to run with GROUNDSWELL_DEBUG on")
        helpers: list[subprocess.Popen] = []
        if not no_worker:
            helpers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "groundswell.cli", "worker", "--queue-name", "default"]
                )
            )
            # the scheduler: closes ballots at their closing time, sends event reminders
            helpers.append(
                subprocess.Popen([sys.executable, "-m", "groundswell.cli", "tick", "--every", "60"])
            )
        try:
            if production:
                call_command("collectstatic", interactive=False, verbosity=0)
                gunicorn = shutil.which("gunicorn") or os.path.join(
                    os.path.dirname(sys.executable), "gunicorn"
                )
                self.stdout.write(f"Groundswell (production) on http://{addr}/ with {workers} workers")
                server = subprocess.Popen(
                    [
                        gunicorn,
                        "groundswell.wsgi",
                        "-b",
                        addr,
                        "-k",
                        "gthread",
                        "-w",
                        str(workers),
                        "--threads",
                        str(threads),
                        "--keep-alive",
                        "30",
                        "--graceful-timeout",
                        "20",
                        "--preload",
                    ],
                    env={**os.environ, "GROUNDSWELL_LOG_FORMAT": "json"},  # one JSON line per request
                )
                try:
                    server.wait()
                except KeyboardInterrupt:
                    server.send_signal(signal.SIGTERM)
                    server.wait(timeout=30)
            else:
                self.stdout.write(f"Groundswell is at http://{addr}/  (Ctrl-C to stop)")
                call_command("runserver", addr, use_reloader=False, use_threading=True)
        finally:
            for helper in helpers:
                helper.send_signal(signal.SIGINT)
            for helper in helpers:
                try:
                    helper.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    helper.kill()
