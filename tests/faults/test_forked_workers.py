"""kill -9 of a process that forked workers (the count opening a ballot box, the sending of
voting codes): its workers must die with it. A plain `multiprocessing.Pool`'s busy workers
do not: each finishes the task in hand first (opening papers with the ballot's private key
in memory, or emailing a batch of codes after the operator killed the sending)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]

FORKER = """
import os, sys, time
from groundswell.forking import fork_pool

def busy(_):  # as a worker mid-batch: says it has started, then works on
    os.write(1, b"%d\\n" % os.getpid())  # one write: atomic on a pipe
    time.sleep(600)

pool = fork_pool(3)
pool.map_async(busy, range(3), chunksize=1)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_workers_of_a_killed_process_die_with_it():
    proc = subprocess.Popen(
        [sys.executable, "-c", FORKER],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    workers = [int(proc.stdout.readline()) for _ in range(3)]
    assert workers and all(alive(p) for p in workers)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [p for p in workers if alive(p)]
    for p in left:  # do not leave them behind even when the test fails
        os.kill(p, signal.SIGKILL)
    assert not left, f"workers {left} outlived the process that forked them"
