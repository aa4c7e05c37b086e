"""Opening a sealed ballot box of 500,000 papers and counting it, the way trustees do.

    bash scripts/with-postgres.sh .venv/bin/python bench/sealed_count.py [--papers 500000]

Setup (not timed): a ballot with three trustees (2 of 3 count), opened through the services;
`--papers` papers sealed to its public key by a pool of processes (distinct rankings of five
candidates, random lengths) and loaded with COPY; the ballot closed; two trustees' share
files written.

**Ours**: `groundswell count-ballot ID --share A --share B` as a separate process — rebuild
the key from the shares, open every paper (forked workers, one per core), shuffle, write
the papers in one transaction (COPY), count, re-stamp the sealed rows — timed wall-clock,
with that process's peak RSS (its own and its workers', `ru_maxrss` of the children).

**Baseline**: the floor for the same input: one process reading the same sealed column and
opening every paper with `cryptography`'s HPKE, nothing else. Printed: the ratio.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
from common import ROOT, ballot_with_trustees, django_setup

CANDIDATES = ["Ann", "Bob", "Cat", "Dan", "Eve"]


def _seal_batch(args):
    public_bytes, info, seed, count = args
    from groundswell.core.ballotbox import sealing

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        order = rng.sample(range(5), 5)[: rng.randint(1, 5)]
        sealed = sealing.seal(public_bytes, info, order, 5)
        out.append((sealed, sealing.tracker(sealed)))
    return out


def setup(papers: int) -> tuple[int, list[Path]]:
    from django.db import connection

    from groundswell.ballots.models import Ballot
    from groundswell.core.ballotbox import sealing

    ballot, shares, _ = ballot_with_trustees("Leader (bench)", CANDIDATES)
    ballot.refresh_from_db()
    info = sealing.info_for(ballot.pk)
    t0 = time.perf_counter()
    per = 10_000
    jobs = [
        (bytes(ballot.public_key), info, i, min(per, papers - i * per))
        for i in range((papers + per - 1) // per)
    ]
    columns = "ballots_sealedballot (id, ballot_id, sealed, tracker, category)"
    with (
        multiprocessing.get_context("fork").Pool() as pool,
        connection.cursor() as cur,
        cur.cursor.copy(f"COPY {columns} FROM STDIN") as copy,
    ):
        for batch in pool.imap_unordered(_seal_batch, jobs):
            for sealed, tracker in batch:
                copy.write_row((random.getrandbits(63), ballot.pk, sealed, tracker, "member"))
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)
    print(f"setup: {papers:,} papers sealed and loaded in {time.perf_counter() - t0:.1f} s", flush=True)
    files = []
    tmp = Path(tempfile.mkdtemp())
    for i, share in enumerate(shares[:2]):
        path = tmp / f"share{i}.json"
        path.write_text(json.dumps({"share": share}))
        files.append(path)
    return ballot.pk, files


def baseline(ballot_id: int, key) -> float:
    from groundswell.ballots.models import SealedBallot
    from groundswell.core.ballotbox import sealing

    info = sealing.info_for(ballot_id)
    t0 = time.perf_counter()
    for sealed in (
        SealedBallot.objects.filter(ballot_id=ballot_id).values_list("sealed", flat=True).iterator(5000)
    ):
        sealing.open_paper(key, info, bytes(sealed))
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=500_000)
    parser.add_argument("--profile", action="store_true", help="run the count under cProfile")
    args = parser.parse_args()
    django_setup("bench/sealed_count.py")
    ballot_id, files = setup(args.papers)
    from groundswell.ballots.models import Ballot
    from groundswell.core.ballotbox import shares

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "groundswell.cli", "count-ballot", str(ballot_id)]
    if args.profile:
        cmd[1:3] = ["-m", "cProfile", "-s", "cumtime", "-m", "groundswell.cli"]
    for f in files:
        cmd += ["--share", str(f)]
    # A wrapper process whose only child is the count: its RUSAGE_CHILDREN is the count's
    # peak RSS (the count's forked workers are waited for by the count, so included).
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print('RSS', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], check=True, env=env, capture_output=True, text=True
    )
    ours = time.perf_counter() - t0
    print(out.stdout[:5000] if args.profile else out.stdout)
    rss = int(out.stdout.rsplit("RSS", 1)[1]) / 1024
    ballot = Ballot.objects.get(pk=ballot_id)
    assert ballot.status == Ballot.Status.COUNTED and ballot.result["valid"] == args.papers
    from groundswell.core.ballotbox import sealing

    key = sealing.key_from_secret(shares.combine([json.loads(f.read_text())["share"] for f in files]))
    base = baseline(ballot_id, key)
    print(f"cores: {os.cpu_count()}")
    print(
        f"ours     (count-ballot, end to end): {ours:7.2f} s  {args.papers / ours:9,.0f} papers/s  "
        f"peak RSS {rss:.0f} MB"
    )
    print(f"baseline (read + open, one process): {base:7.2f} s  {args.papers / base:9,.0f} papers/s")
    print(f"ratio ours/baseline: {ours / base:.2f}")


if __name__ == "__main__":
    main()
