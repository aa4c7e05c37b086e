"""Helpers for the fault suite: processes that use the test database and can be killed -9.

A child process reads tests.settings and then points its connection at the test database
(GROUNDSWELL_DB_NAME), as tests/ballots/cast_worker.py does.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def child_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "GROUNDSWELL_DB_NAME": connection.settings_dict["NAME"],
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "ALLOWED_HOSTS": "127.0.0.1",
    }


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """gunicorn (one worker by default, several threads) on the test database, killable with SIGKILL."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.proc = subprocess.Popen(
            [
                gunicorn,
                "tests.faults.wsgi:application",
                "-b",
                f"127.0.0.1:{self.port}",
                "-k",
                "gthread",
                "-w",
                str(self.workers),
                "--threads",
                "8",
                "--log-level",
                "error",
            ],
            env=child_env(),
            start_new_session=True,  # its own process group: kill -9 takes master and worker
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = self.request("GET", "/health")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the test server did not start")

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(
                method,
                path,
                body=json.dumps(body) if body is not None else None,
                headers={"Content-Type": "application/json", **(headers or {})},
            )
            response = conn.getresponse()
            raw = response.read()
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, raw.decode(errors="replace")
        finally:
            conn.close()
