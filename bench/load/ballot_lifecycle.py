"""A leadership ballot at party scale, step by step: open, send codes, vote, close, count,
publish, download — with time, rows/s and peak memory for each step.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/ballot_lifecycle.py [--members 500000]

Needs `aiosmtpd` (`pip install -e '.[bench]'`): codes go through a real SMTP server on
127.0.0.1 (an aiosmtpd sink that keeps the first codes it sees, to vote with them).

Steps and their goals (issue 14): open (freeze the electorate) under 30 s; codes at 2,000
emails/s or more; a sample of votes through the voting pages (gunicorn) with the page's
own sealing done client-side; close; count with two trustees' share files (the CLI, a
separate process); publish under 15 s with peak RSS under 300 MB; 12 parallel downloads of
the largest published file with worker RSS growth under 50 MB. Peak RSS of a step run in
this process is the rise of VmHWM over the step (reset before it through /proc/self/clear_refs).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import date
from pathlib import Path

from common import ROOT, ballot_with_trustees, django_setup, gunicorn

CANDIDATES = ["Ann", "Bob", "Cat", "Dan", "Eve"]


def vm(field: str, pid: str = "self") -> int:
    """A /proc/PID/status figure in MB (VmHWM: peak RSS; VmRSS: now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


class Step:
    def __init__(self, name: str, rows: int | None = None):
        self.name, self.rows = name, rows

    def __enter__(self):
        reset_peak()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        rate = f"{self.rows / self.seconds:10,.0f} rows/s" if self.rows else " " * 17
        print(f"{self.name:<42} {self.seconds:8.2f} s {rate}  peak RSS {vm('VmHWM'):5d} MB", flush=True)


def smtp_sink(keep: int):
    """The SMTP sink in its own process (bench/load/smtp_sink.py), so it takes no time from ours."""
    from common import free_port

    port = free_port()
    path = Path(tempfile.mkdtemp()) / "codes.txt"
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(port), str(path), str(keep)]
    )
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port, path


def sink_result(proc, path: Path) -> tuple[int, list[str]]:
    proc.terminate()
    proc.wait(timeout=30)
    count, *codes = path.read_text().split()
    return int(count), codes


def seed(members: int):
    from django.db import connection

    from groundswell.members.models import Branch

    branch = Branch.objects.create(ons_code="E14000662", name="Derby North")
    with connection.cursor() as cur:
        with cur.cursor.copy(
            "COPY members_person (first_name, last_name, email, email_key, name_key, phone, postcode, "
            "synthetic, created_at) FROM STDIN"
        ) as copy:
            for i in range(members):
                email = f"v{i}@example.org"
                copy.write_row(("Voter", f"{i:07d}", email, email, "", "", "", True, "2015-01-01T00:00:00Z"))
        cur.execute(
            "INSERT INTO members_membership (person_id, membership_number, branch_id, category, joined_on) "
            "SELECT id, 'V' || id, %s, 'member', %s FROM members_person",
            [branch.pk, date(2015, 1, 1)],
        )


def cast_sample(port: int, codes: list[str], ballot, threads: int = 8):
    from groundswell.core.ballotbox import sealing

    info = sealing.info_for(ballot.pk)
    latencies, errors = [], []
    lock = threading.Lock()
    # sealed before the clock starts: in real life each voter's browser does it
    papers = [sealing.seal(bytes(ballot.public_key), info, [1, 0], len(CANDIDATES)) for _ in codes]
    it = iter(zip(codes, papers, strict=True))

    def voter():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                code, sealed = next(it, (None, None))
            if code is None:
                return
            t0 = time.perf_counter()
            try:
                conn.request("GET", f"/vote/?code={code}")
                page = conn.getresponse()
                body = page.read().decode()
                cookies = "; ".join(c.split(";")[0] for c in page.headers.get_all("Set-Cookie") or [])
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
                headers = {"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"}
                conn.request("POST", "/vote/", f"code={code}&csrfmiddlewaretoken={token}", headers)
                r = conn.getresponse()
                r.read()
                cookies = "; ".join(
                    [cookies] + [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or []]
                )
                headers["Cookie"] = cookies
                conn.request("GET", "/vote/ballot/", headers={"Cookie": cookies})
                r = conn.getresponse()
                r.read()
                sealed = sealing.seal(
                    bytes(ballot.public_key), info, [1, 0], len(CANDIDATES)
                )  # as seal.js does
                form = urllib.parse.urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "sealed": base64.b64encode(sealed).decode(),
                        "tracker": sealing.tracker(sealed),
                    }
                )
                conn.request("POST", "/vote/cast/", form, headers)
                r = conn.getresponse()
                text = r.read().decode()
                ok = r.status == 200 and sealing.tracker(sealed) in text
            except (OSError, http.client.HTTPException, AttributeError) as e:
                ok, text = False, str(e)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                if not ok:
                    errors.append(text[:200])

    pool = [threading.Thread(target=voter) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, sorted(latencies), errors


def workers_of(port: int) -> list[str]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "gunicorn" in cmd and f"127.0.0.1:{port}" in cmd:
                pids.append(d.name)
    return pids


def download_all(port: int, path: str, n: int = 12) -> list[int]:
    sizes = []

    def get():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path)
        r = conn.getresponse()
        total = 0
        while chunk := r.read(1 << 16):
            total += len(chunk)
        sizes.append(total)

    pool = [threading.Thread(target=get) for _ in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--votes", type=int, default=2_000)
    args = parser.parse_args()
    django_setup("bench/load/ballot_lifecycle.py")
    sink, sink_port, codes_file = smtp_sink(keep=args.votes)
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink_port

    from groundswell.ballots import services
    from groundswell.ballots.models import Ballot, PublishedFile

    print(f"cores: {os.cpu_count()}; members: {args.members:,}", flush=True)
    with Step("seed members (COPY)", args.members):
        seed(args.members)
    ballot, shares, trustees = ballot_with_trustees("Leader (bench)", CANDIDATES)
    Ballot.objects.filter(pk=ballot.pk).update(in_app=True)  # the send is timed on its own, below
    with Step("open: freeze the electorate", args.members):
        ballot = services.ballot_open(ballot_id=ballot.pk)
    Ballot.objects.filter(pk=ballot.pk).update(in_app=False)
    with Step("send codes through SMTP (127.0.0.1)", args.members):
        sent = services.credentials_send(ballot_id=ballot.pk, base_url="http://127.0.0.1")
    received, codes = sink_result(sink, codes_file)
    print(f"    sent {sent:,}, the sink received {received:,}", flush=True)
    ballot.refresh_from_db()
    with gunicorn(3, 8) as port:
        wall, lat, errors = cast_sample(port, codes[: args.votes], ballot)
        q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]  # noqa: E731
        print(
            f"{'cast through the pages (' + str(len(lat)) + ' voters)':<42} {wall:8.2f} s "
            f"{len(lat) / wall:10,.0f} votes/s"
            f"  p50 {q(0.5):.0f} / p95 {q(0.95):.0f} / p99 {q(0.99):.0f} ms, errors {len(errors)}",
            flush=True,
        )
        if errors:
            print("    first error:", errors[0])
    with Step("close"):
        services.ballot_close(ballot=ballot, actor=trustees[0], confirm=True)
    tmp = Path(tempfile.mkdtemp())
    cmd = [sys.executable, "-m", "groundswell.cli", "count-ballot", str(ballot.pk)]
    for i, share in enumerate(shares[:2]):
        (tmp / f"s{i}.json").write_text(json.dumps({"share": share}))
        cmd += ["--share", str(tmp / f"s{i}.json")]
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print('RSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    seconds = time.perf_counter() - t0
    rss = int(out.stdout.rsplit("RSS", 1)[1]) // 1024
    print(
        f"{'count (count-ballot CLI, 2 shares)':<42} {seconds:8.2f} s {len(lat) / seconds:10,.0f} rows/s  "
        f"peak RSS {rss:5d} MB"
    )
    with Step("publish (files streamed into chunks)", len(lat)):
        services.ballot_publish(ballot=Ballot.objects.get(pk=ballot.pk), actor=trustees[0], confirm=True)
    largest = PublishedFile.objects.filter(ballot=ballot).order_by("-size").first()
    with gunicorn(3, 8) as port:
        pids = workers_of(port)
        before = {p: vm("VmRSS", p) for p in pids}
        t0 = time.perf_counter()
        sizes = download_all(port, f"/ballots/{ballot.pk}/files/{largest.name}")
        seconds = time.perf_counter() - t0
        growth = max(vm("VmRSS", p) - before[p] for p in pids if Path(f"/proc/{p}").exists())
        ok = all(s == largest.size for s in sizes)
        print(
            f"{'12 parallel downloads of ' + largest.name:<42} {seconds:8.2f} s  "
            f"{largest.size / 1e6:.1f} MB each, "
            f"{'all whole' if ok else 'INCOMPLETE'}; worker RSS growth at most {growth} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
