"""Ballot counting: first past the post, instant-runoff and Scottish STV, on compressed
ballots (numpy), with reproducible tie-breaking and a versioned JSON report."""

from __future__ import annotations

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
    candidate who cannot win, as Minneapolis does); FPTP and STV take `seats`."""
    if seats < 1:
        raise ValueError(f"seats must be at least 1 (got {seats})")
    if batch and method != "irv":
        raise ValueError("batch exclusion is for instant-runoff counts only")
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
