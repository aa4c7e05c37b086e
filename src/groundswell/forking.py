"""Worker processes forked for one step (opening a ballot box, sending voting codes) that
die with the process that forked them.

A `multiprocessing.Pool` worker busy when its parent is killed with SIGKILL carries on
until its task is done (only then does it find the parent gone): after an operator kills a
sending gone wrong, up to a batch of codes per worker still goes out; after a killed count,
workers still hold the ballot's private key in memory. Linux's PR_SET_PDEATHSIG has the
kernel kill each worker the moment its parent dies."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def can_fork() -> bool:
    """Forking is safe only from a process's main thread (the task worker, the CLI): a web
    server's request threads must not fork."""
    return threading.current_thread() is threading.main_thread() and (
        "fork" in multiprocessing.get_all_start_methods()
    )


def fork_pool(processes: int) -> multiprocessing.pool.Pool:
    """A pool of `processes` forked workers that are killed when this process dies."""
    return multiprocessing.get_context("fork").Pool(processes, initializer=_die_with, initargs=(os.getpid(),))
