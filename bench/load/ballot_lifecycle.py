"""A leadership ballot at party scale, step by step: open, send codes, vote, close, count,
publish, download — with time, rows/s and peak memory for each step.

    bash scripts/with-postgres.sh .venv/bin/python bench/load/ballot_lifecycle.py [--members 500000]

Codes go through a real SMTP server on 127.0.0.1: Postfix's smtp-sink, a C server that
discards every message (scripts/smtp-sink.sh takes it from Debian's package), so the sink
does not limit what is measured. It keeps no codes, so the voters of the sample are reissued
theirs through the officer's service; the rest of the turnout (--turnout) is then sealed and
cast straight into the box, untimed, so that the count and publishing run at full size.

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


def smtp_sink() -> tuple[subprocess.Popen, int, Path]:
    """Postfix's smtp-sink, a C SMTP server that discards every message, in its own process
    (scripts/smtp-sink.sh fetches it from Debian's package): a sink in Python would be the
    bottleneck (aiosmtpd: ~250 messages/s on these cores) and measure itself, not us."""
    import socket

    from common import free_port

    port = free_port()
    log = Path(tempfile.mkdtemp()) / "sink.log"
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "smtp-sink.sh"), f"127.0.0.1:{port}"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(600):  # the first run downloads the package
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port, log


def sink_received(proc: subprocess.Popen, log: Path) -> int:
    """How many messages the sink accepted (its last `mesg=N` count)."""
    proc.terminate()
    proc.wait(timeout=30)
    counts = re.findall(rb"mesg=(\d+)", log.read_bytes()[-4096:])
    return int(counts[-1]) if counts else 0


def sample_codes(ballot, actor, n: int) -> list[str]:
    """Codes for the voters of the sample: reissued through the officer's service (audited,
    each elector's emailed code stops working), since the sink keeps nothing."""
    from groundswell.ballots import services
    from groundswell.ballots.models import Elector

    ids = Elector.objects.filter(ballot=ballot).order_by("?").values_list("pk", flat=True)[:n]
    return [services.code_reissue(ballot=ballot, elector_id=pk, actor=actor)[1] for pk in ids]


def _seal_batch(job):
    public_bytes, info, seed, count = job
    import random

    from groundswell.core.ballotbox import sealing

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sealed = sealing.seal(public_bytes, info, rng.sample(range(5), 5)[: rng.randint(1, 5)], 5)
        out.append((sealed, sealing.tracker(sealed)))
    return out


def cast_the_rest(ballot, turnout: float) -> int:
    """The rest of the turnout cast straight into the box (sealed by a pool of processes,
    as voters' browsers would, and written with COPY with their marked-register rows), so
    that the count, publishing and downloads run at full size. Not timed."""
    import multiprocessing
    import random

    from django.db import connection

    from groundswell.ballots.models import Elector, SpentCredential
    from groundswell.core.ballotbox import sealing

    voted = set(SpentCredential.objects.filter(ballot=ballot).values_list("elector_id", flat=True))
    electors = [
        pk for pk in Elector.objects.filter(ballot=ballot).values_list("pk", flat=True) if pk not in voted
    ]
    want = max(0, int(turnout * (len(electors) + len(voted))) - len(voted))
    chosen = random.sample(electors, min(want, len(electors)))
    info, per = sealing.info_for(ballot.pk), 10_000
    jobs = [
        (bytes(ballot.public_key), info, i, min(per, len(chosen) - i * per))
        for i in range((len(chosen) + per - 1) // per)
    ]
    today = date.today()
    with connection.cursor() as cur:
        with cur.cursor.copy(
            "COPY ballots_spentcredential (elector_id, ballot_id, category, spent_on) FROM STDIN"
        ) as copy:
            for pk in chosen:
                copy.write_row((pk, ballot.pk, "member", today))
        with (
            multiprocessing.get_context("fork").Pool() as pool,
            cur.cursor.copy(
                "COPY ballots_sealedballot (id, ballot_id, sealed, tracker, category) FROM STDIN"
            ) as copy,
        ):
            for batch in pool.imap_unordered(_seal_batch, jobs):
                for sealed, tracker in batch:
                    copy.write_row((random.getrandbits(63), ballot.pk, sealed, tracker, "member"))
    return len(chosen)


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
    parser.add_argument("--votes", type=int, default=2_000, help="cast through the pages")
    parser.add_argument("--turnout", type=float, default=0.92, help="of the electorate, for the count")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections for the codes")
    args = parser.parse_args()
    django_setup("bench/load/ballot_lifecycle.py")
    sink, sink_port, sink_log = smtp_sink()
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
    with Step(f"send codes through SMTP ({args.connections} connections)", args.members):
        sent = services.credentials_send(
            ballot_id=ballot.pk, base_url="http://127.0.0.1", connections=args.connections
        )
    print(f"    sent {sent:,}, the sink received {sink_received(sink, sink_log):,}", flush=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ballot.refresh_from_db()
    codes = sample_codes(ballot, trustees[0], args.votes)
    with gunicorn(3, 8) as port:
        wall, lat, errors = cast_sample(port, codes, ballot)
        q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]  # noqa: E731
        print(
            f"{'cast through the pages (' + str(len(lat)) + ' voters)':<42} {wall:8.2f} s "
            f"{len(lat) / wall:10,.0f} votes/s"
            f"  p50 {q(0.5):.0f} / p95 {q(0.95):.0f} / p99 {q(0.99):.0f} ms, errors {len(errors)}",
            flush=True,
        )
        if errors:
            print("    first error:", errors[0])
    t0 = time.perf_counter()
    rest = cast_the_rest(ballot, args.turnout)
    papers = rest + len(lat) - len(errors)
    print(
        f"    (not timed) {rest:,} more papers sealed and cast straight into the box in "
        f"{time.perf_counter() - t0:.0f} s: {papers:,} in all",
        flush=True,
    )
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
        f"{'count (count-ballot CLI, 2 shares)':<42} {seconds:8.2f} s {papers / seconds:10,.0f} rows/s  "
        f"peak RSS {rss:5d} MB"
    )
    counted = Ballot.objects.get(pk=ballot.pk)
    assert counted.result["valid"] == papers, (counted.result.get("valid"), papers)
    with Step("publish (files streamed into chunks)", papers):
        services.ballot_publish(ballot=counted, actor=trustees[0], confirm=True)
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
