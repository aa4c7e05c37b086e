"""Ballot counting: first past the post, instant-runoff and Scottish STV, on compressed
ballots (numpy), with reproducible tie-breaking and a versioned JSON report."""

from __future__ import annotations

from dataclasses import replace

from groundswell.core.counting.ballots import BallotBuilder, Ballots, InvalidBallot, from_array
from groundswell.core.counting.fptp import count_fptp
from groundswell.core.counting.irv import count_irv
from groundswell.core.counting.report import CountReport, Round, TieBreak
from groundswell.core.counting.stv import count_stv

METHODS = ("fptp", "irv", "stv")


def count(
    ballots: Ballots, *, method: str, seats: int = 1, seed: int | None = None, batch: bool = False
) -> CountReport:
    """Counts `ballots` by `method`. IRV is single-seat (`batch`: exclude together every
    candidate who cannot win, as Minneapolis does); FPTP and STV take `seats`.

    Without a `seed`, lots are drawn from the one the papers give (`Ballots.default_seed`:
    the first 6 bytes of the SHA-256 of their canonical form); the report carries that
    `fingerprint` so a re-counter can check they rebuilt the same canonical form."""
    if seats < 1:
        raise ValueError(f"seats must be at least 1 (got {seats})")
    if batch and method != "irv":
        raise ValueError("batch exclusion is for instant-runoff counts only")
    fingerprint = ballots.fingerprint()
    source = "given" if seed is not None else "papers"
    if seed is None:
        seed = int.from_bytes(fingerprint[:6], "big")
    report = _count(ballots, method=method, seats=seats, seed=seed, batch=batch)
    return replace(report, fingerprint=fingerprint.hex(), seed_source=source)


def _count(ballots: Ballots, *, method: str, seats: int, seed: int, batch: bool) -> CountReport:
    if method == "fptp":
        return count_fptp(ballots, seats=seats, seed=seed)
    if method == "irv":
        if seats != 1:
            raise ValueError("instant-runoff elects one candidate; use stv for several seats")
        return count_irv(ballots, seed=seed, batch=batch)
    if method == "stv":
        return count_stv(ballots, seats=seats, seed=seed)
    raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")


__all__ = [
    "METHODS",
    "BallotBuilder",
    "Ballots",
    "CountReport",
    "InvalidBallot",
    "Round",
    "TieBreak",
    "count",
    "count_fptp",
    "count_irv",
    "count_stv",
    "from_array",
]
