"""Instant-runoff (the alternative vote, as Labour uses): exclude the lowest, one per round,
until one candidate holds more than half of the votes still in the count.

With `batch=True` (as Minneapolis's ordinance 167.60 and RCTab's "batch elimination"
apply it), each round instead excludes together every candidate who cannot win: the
largest set of lowest candidates whose votes added together are fewer than the votes of
the next candidate up. Batch exclusion never changes the winner, only the rounds shown.
With no valid papers nobody is elected."""

from __future__ import annotations

import numpy as np

from groundswell.core.counting.ballots import Ballots
from groundswell.core.counting.common import current_holders, padded
from groundswell.core.counting.report import CountReport, Round, invalid_list, truncated_list
from groundswell.core.counting.ties import TieBreaker


def _batch(active: list[int], tallies: np.ndarray) -> list[int]:
    """The candidates who cannot win: the longest run of lowest candidates whose total is
    below the next one's votes (at least two, else empty)."""
    ordered = sorted(active, key=lambda c: int(tallies[c]))
    total, out = 0, []
    for k in range(len(ordered) - 1):
        total += int(tallies[ordered[k]])
        if total < int(tallies[ordered[k + 1]]):
            out = ordered[: k + 1]
    return out if len(out) >= 2 else []


def count_irv(ballots: Ballots, *, seed: int | None = None, batch: bool = False) -> CountReport:
    seed = ballots.default_seed() if seed is None else seed
    names = list(ballots.candidates)
    n = len(names)
    prefs, weights = ballots.ignoring_categories()
    prefs_p = padded(prefs, n)
    continuing = np.ones(n + 1, dtype=bool)
    continuing[n] = False
    for c in ballots.withdrawn:
        continuing[c] = False
    ties = TieBreaker(names, seed)
    history: list[np.ndarray] = []
    rounds: list[dict] = []
    winner: int | None = None
    while True:
        holders = current_holders(prefs_p, continuing)
        held = holders >= 0
        tallies = np.bincount(holders[held], weights=weights[held], minlength=n).astype(np.int64)
        exhausted = int(weights[~held].sum())
        active = [c for c in range(n) if continuing[c]]
        total = int(tallies[active].sum())
        round_no = len(history) + 1
        entry = {
            "tallies": {names[c]: int(tallies[c]) for c in active},
            "exhausted": exhausted,
            "elected": [],
            "eliminated": [],
            "_tallies": tallies,
        }
        rounds.append(entry)
        if not active or total == 0:
            break
        leader = max(active, key=lambda c: tallies[c])
        if 2 * tallies[leader] > total or len(active) == 1:
            winner = leader
            entry["elected"] = [names[leader]]
            break
        out_all = _batch(active, tallies) if batch else []
        if not out_all:
            low = min(tallies[c] for c in active)
            tied = [c for c in active if tallies[c] == low]
            out_all = [ties.pick(tied, history, lowest=True, round_no=round_no, purpose="exclusion")]
        entry["eliminated"] = sorted(names[c] for c in out_all)
        continuing[out_all] = False
        history.append(tallies)

    report_rounds = []
    for i, entry in enumerate(rounds):
        transfers = {}
        if entry["eliminated"] and i + 1 < len(rounds):
            after = rounds[i + 1]["_tallies"]
            transfers = {
                name: int(after[names.index(name)] - entry["_tallies"][names.index(name)])
                for name in rounds[i + 1]["tallies"]
            }
        report_rounds.append(
            Round(
                tallies=entry["tallies"],
                elected=entry["elected"],
                eliminated=entry["eliminated"],
                exhausted=entry["exhausted"],
                transfers=transfers,
            )
        )
    valid = ballots.valid
    return CountReport(
        method="irv",
        seats=1,
        candidates=names,
        valid=valid,
        invalid=ballots.invalid,
        quota=valid // 2 + 1,
        winners=[names[winner]] if winner is not None else [],
        rounds=report_rounds,
        tie_breaks=ties.record,
        seed=seed,
        by_category=ballots.first_preferences_by_category() if ballots.has_categories else None,
        invalid_ballots=invalid_list(ballots),
        title=ballots.title,
        truncated_ballots=truncated_list(ballots),
        truncated=ballots.truncated,
    )
