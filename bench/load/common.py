"""What the load runs share: a fresh PostgreSQL schema, gunicorn on 127.0.0.1, signed-in
session cookies, an open-loop request schedule, and one report format.

Every run is bounded (a request count and a deadline) and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))


def django_setup(script: str) -> None:
    """Settings for a production-like server against the DATABASE_URL PostgreSQL; a fresh schema."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(f"needs PostgreSQL: bash scripts/with-postgres.sh .venv/bin/python {script}")
    os.environ.update(
        {
            "GROUNDSWELL_HOME": tempfile.mkdtemp(),
            "DJANGO_SETTINGS_MODULE": "groundswell.settings",
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "ALLOWED_HOSTS": "127.0.0.1",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def session_cookie(user) -> tuple[str, str]:
    """A signed-in session for `user` (as after the sign-in page): the Cookie header and CSRF token."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string

    from groundswell.web.sessions import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token = _get_new_csrf_string()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={token}", token


def ballot_with_trustees(title: str, candidates: list[str]):
    """A ballot through the services with three trustees (any 2 count), opened (its key
    made and split) and each trustee's share taken: returns the ballot and the shares."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from groundswell.accounts.models import Role
    from groundswell.accounts.services import role_grant
    from groundswell.ballots import services
    from groundswell.ballots.models import Ballot, Trustee

    users = [get_user_model().objects.create_user(email=f"t{i}@example.org", password="x") for i in range(3)]
    for u in users:
        role_grant(user=u, role=Role.RETURNING_OFFICER)
    now = timezone.now()
    ballot = services.ballot_create(
        actor=users[0],
        title=title,
        method="irv",
        seats=1,
        candidates=candidates,
        eligible_categories=["member"],
        freeze_date=now.date(),
        opens_at=now - timezone.timedelta(minutes=1),
        closes_at=now + timezone.timedelta(days=1),
        trustees=users,
        threshold=2,
    )
    services.ballot_open_start(ballot=ballot, actor=users[0])
    shares = [
        services.share_download(ballot=ballot, user=t.user)["share"]
        for t in Trustee.objects.filter(ballot=ballot)
    ]
    return Ballot.objects.get(pk=ballot.pk), shares, users


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@contextlib.contextmanager
def gunicorn(workers: int, threads: int) -> Iterator[int]:
    """gunicorn (gthread) serving Groundswell on a free 127.0.0.1 port; yields the port."""
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "groundswell.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-k",
            "gthread",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--preload",  # the app is loaded once, before the workers fork: no cold first requests
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm = Tally("warm-up")
        conns = [Connection(port) for _ in range(workers * threads)]
        for _ in range(10):  # every worker thread answers a few requests before timing starts
            pool = [threading.Thread(target=c.request, args=(warm, "GET", "/health")) for c in conns]
            for th in pool:
                th.start()
            for th in pool:
                th.join()
        for c in conns:
            c.close()
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@dataclass
class Tally:
    """Latencies (ms) and failures of one kind of request, safe to add to from many threads."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ms: float, error: str | None = None) -> None:
        with self.lock:
            self.latencies.append(ms)
            if error:
                self.errors.append(error)

    def line(self, wall: float) -> str:
        if not self.latencies:
            return f"{self.name:<22} no requests"
        q = (
            statistics.quantiles(self.latencies, n=100, method="inclusive")
            if len(self.latencies) > 1
            else [0] * 99
        )
        return (
            f"{self.name:<22} {len(self.latencies):>7,} {len(self.latencies) / wall:>8,.1f}/s "
            f"p50 {q[49]:6.1f}  p95 {q[94]:6.1f}  p99 {q[98]:6.1f}  max {max(self.latencies):7.1f} ms  "
            f"errors {len(self.errors)} {sorted(set(self.errors))[:3]}"
        )


class Connection:
    """One keep-alive HTTP connection, as one phone or browser holds; reconnects on failure."""

    def __init__(self, port: int, cookie: str = "", token: str = "") -> None:
        self.port = port
        self.headers = {"Content-Type": "application/json", "Referer": f"http://127.0.0.1:{port}/"}
        if cookie:
            self.headers.update({"Cookie": cookie, "X-CSRFToken": token})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, tally: Tally, method: str, path: str, body: object = None, ok=(200,)):
        """Sends one request; returns (status, decoded JSON or None). Records latency and errors."""
        data = json.dumps(body) if body is not None else None
        t = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            tally.add((time.perf_counter() - t) * 1000, type(exc).__name__)
            return None, None
        ms = (time.perf_counter() - t) * 1000
        tally.add(ms, None if response.status in ok else f"HTTP {response.status}")
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, None

    def close(self) -> None:
        self.conn.close()


def open_loop(
    rate: float, total: int, threads: int, deadline: float, work: Callable[[int, Connection], None], port: int
):
    """Starts request i at start + i/rate (whatever the answers' speed: an open loop, so a
    slow server shows as latency, not as a politely lower rate), on `threads` connections."""
    lock = threading.Lock()
    counter = iter(range(total))
    start = time.monotonic() + 0.5
    stop_at = start + deadline

    def worker():
        conn = Connection(port)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            at = start + i / rate
            now = time.monotonic()
            if now > stop_at:
                break
            if at > now:
                time.sleep(at - now)
            work(i, conn)
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return time.perf_counter() - t0 - 0.5


def header(title: str, workers: int, threads: int) -> None:
    print(f"\n{title}\ngunicorn {workers} workers x {threads} threads, PostgreSQL, {os.cpu_count()} cores")
