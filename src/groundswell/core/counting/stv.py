"""Single transferable vote under the Scottish STV rules (Scottish Local Government
Elections Order 2007, rules 45-52).

- Droop quota: valid votes / (seats + 1), fraction ignored, plus one.
- A candidate whose votes equal or exceed the quota is elected.
- Surpluses are transferred before any exclusion, the largest first. Every paper the
  elected candidate holds is transferred (weighted inclusive Gregory) at
  surplus x the paper's value / the candidate's votes, to 5 decimal places, remainder
  ignored; the candidate keeps the quota.
- Otherwise the candidate with fewest votes is excluded and all their papers move, each at
  its current value, in one stage.
- When the continuing candidates are no more than the vacancies left, they are elected.
- Candidates who reach the quota at the same stage are elected in order of their votes
  (then by name): no lot is drawn for that order, which the rules give no meaning; the
  order of transferring equal surpluses (rule 49) is looked back, then drawn by lot.
- The value truncation drops is reported as `lost` (cumulative, like `exhausted`), so at
  every stage the tallies, the exhausted value and the lost value add up to the valid vote.
- No valid papers: nobody is elected.

Arithmetic is exact: votes are integers in units of 0.00001, so truncation to 5 decimal
places is integer division and nothing depends on floating point.
"""

from __future__ import annotations

import numpy as np

from groundswell.core.counting.ballots import Ballots
from groundswell.core.counting.common import current_holders, padded
from groundswell.core.counting.report import CountReport, Round, invalid_list, truncated_list
from groundswell.core.counting.ties import TieBreaker

SCALE = 100_000  # 5 decimal places


def _votes(units: int | np.integer) -> float:
    return round(int(units) / SCALE, 5)


def count_stv(ballots: Ballots, *, seats: int, seed: int | None = None) -> CountReport:
    if seats < 1:
        raise ValueError(f"seats must be at least 1 (got {seats})")
    seed = ballots.default_seed() if seed is None else seed
    names = list(ballots.candidates)
    n = len(names)
    prefs, papers = ballots.ignoring_categories()
    prefs_p = padded(prefs, n)
    papers = papers.astype(np.int64)
    rows = np.arange(prefs_p.shape[0])

    continuing = np.ones(n + 1, dtype=bool)
    continuing[n] = False
    for c in ballots.withdrawn:
        continuing[c] = False
    excluded: set[int] = set(ballots.withdrawn)
    elected: list[int] = []
    pending: list[int] = []  # elected, surplus not yet transferred

    valid = int(papers.sum())
    quota = valid // (seats + 1) + 1
    quota_u = quota * SCALE
    value = np.full(prefs_p.shape[0], SCALE, dtype=np.int64)  # value of one paper in the row
    holder = current_holders(prefs_p, continuing)
    exhausted_u = int((papers[holder < 0] * value[holder < 0]).sum())
    tallies = np.zeros(n, dtype=np.int64)
    held = holder >= 0
    np.add.at(tallies, holder[held], papers[held] * value[held])

    ties = TieBreaker(names, seed)
    history: list[np.ndarray] = []
    rounds: list[Round] = []
    lost_u = 0  # value dropped by truncating transfer values, so far

    def snapshot() -> dict[str, float]:
        return {names[c]: _votes(tallies[c]) for c in range(n) if c not in excluded}

    while True:
        round_no = len(rounds) + 1
        start = snapshot()
        start_exhausted = _votes(exhausted_u)
        start_lost = _votes(lost_u)
        if valid == 0:
            rounds.append(Round(tallies=start, exhausted=start_exhausted, lost=start_lost))
            break
        # Elect everyone at or over the quota, largest first (equal votes: by name, no lot).
        reached = [c for c in range(n) if continuing[c] and tallies[c] >= quota_u]
        newly = sorted(reached, key=lambda c: (-int(tallies[c]), names[c]))
        for c in newly:
            continuing[c] = False
            elected.append(c)
            pending.append(c)
        vacancies = seats - len(elected)
        remaining = [c for c in range(n) if continuing[c]]
        if vacancies <= 0 or len(remaining) <= vacancies:
            # Seats filled, or every continuing candidate is needed to fill them.
            rest = sorted(remaining, key=lambda c: (-tallies[c], names[c]))[: max(vacancies, 0)]
            for c in rest:
                continuing[c] = False
                elected.append(c)
            rounds.append(
                Round(
                    tallies=start,
                    elected=[names[c] for c in newly + rest],
                    exhausted=start_exhausted,
                    lost=start_lost,
                )
            )
            break

        before = tallies.copy()
        surplus_of = None
        eliminated: list[str] = []
        pending_surplus = [c for c in pending if tallies[c] > quota_u]
        if pending_surplus:
            top = max(tallies[c] - quota_u for c in pending_surplus)
            tied = [c for c in pending_surplus if tallies[c] - quota_u == top]
            c = ties.pick(tied, history, lowest=False, round_no=round_no, purpose="surplus order")
            pending.remove(c)
            surplus_of = names[c]
            exhausted, lost = _transfer_surplus(
                c, prefs_p, rows, papers, value, holder, tallies, continuing, quota_u
            )
            exhausted_u += exhausted
            lost_u += lost
        else:
            pending.clear()  # surpluses of zero: nothing to transfer
            low = min(tallies[c] for c in remaining)
            tied = [c for c in remaining if tallies[c] == low]
            c = ties.pick(tied, history, lowest=True, round_no=round_no, purpose="exclusion")
            continuing[c] = False
            excluded.add(c)
            eliminated = [names[c]]
            exhausted_u += _transfer_all(c, prefs_p, rows, papers, value, holder, tallies, continuing)
        transfers = {
            names[k]: _votes(tallies[k] - before[k])
            for k in range(n)
            if continuing[k] and tallies[k] != before[k]
        }
        rounds.append(
            Round(
                tallies=start,
                elected=[names[c] for c in newly],
                eliminated=eliminated,
                exhausted=start_exhausted,
                transfers=transfers,
                surplus_of=surplus_of,
                lost=start_lost,
            )
        )
        history.append(before)

    return CountReport(
        method="stv",
        seats=seats,
        candidates=names,
        valid=valid,
        invalid=ballots.invalid,
        quota=quota,
        winners=[names[c] for c in elected],
        rounds=rounds,
        tie_breaks=ties.record,
        seed=seed,
        by_category=ballots.first_preferences_by_category() if ballots.has_categories else None,
        invalid_ballots=invalid_list(ballots),
        truncated_ballots=truncated_list(ballots),
        truncated=ballots.truncated,
        title=ballots.title,
    )


def _next_holders(idx: np.ndarray, prefs_p: np.ndarray, continuing: np.ndarray) -> np.ndarray:
    return current_holders(prefs_p[idx], continuing)


def _transfer_surplus(
    c, prefs_p, rows, papers, value, holder, tallies, continuing, quota_u
) -> tuple[int, int]:
    """Moves candidate c's surplus; returns the exhausted share (non-transferable papers)
    and the value lost to truncating the transfer values."""
    idx = rows[holder == c]
    total = int(tallies[c])
    surplus = total - quota_u
    # Transfer value of each paper, truncated to 5 decimal places (integer units).
    new_value = (surplus * value[idx]) // total
    nxt = _next_holders(idx, prefs_p, continuing)
    moved = nxt >= 0
    exhausted = int((papers[idx[~moved]] * new_value[~moved]).sum())
    np.add.at(tallies, nxt[moved], papers[idx[moved]] * new_value[moved])
    transferred = int((papers[idx[moved]] * new_value[moved]).sum())
    value[idx] = new_value
    holder[idx] = np.where(moved, nxt, -2)  # -2: set aside (non-transferable surplus share)
    tallies[c] = quota_u
    return exhausted, surplus - transferred - exhausted


def _transfer_all(c, prefs_p, rows, papers, value, holder, tallies, continuing) -> int:
    """Moves every paper of excluded candidate c at its current value."""
    idx = rows[holder == c]
    nxt = _next_holders(idx, prefs_p, continuing)
    moved = nxt >= 0
    exhausted = int((papers[idx[~moved]] * value[idx[~moved]]).sum())
    np.add.at(tallies, nxt[moved], papers[idx[moved]] * value[idx[moved]])
    holder[idx] = np.where(moved, nxt, -1)
    tallies[c] = 0
    return exhausted
