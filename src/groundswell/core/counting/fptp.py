"""First past the post: first preferences only; the `seats` largest win.

Candidates tied for the last seat(s) are chosen by lot; candidates tied but all elected
are listed by name (no lot). With no valid papers nobody is elected."""

from __future__ import annotations

from groundswell.core.counting.ballots import Ballots
from groundswell.core.counting.report import CountReport, Round, invalid_list, truncated_list
from groundswell.core.counting.ties import TieBreaker


def count_fptp(ballots: Ballots, *, seats: int = 1, seed: int | None = None) -> CountReport:
    if seats < 1:
        raise ValueError(f"seats must be at least 1 (got {seats})")
    seed = ballots.default_seed() if seed is None else seed
    names = list(ballots.candidates)
    tallies = ballots.first_preferences()
    ties = TieBreaker(names, seed)
    standing = [c for c in range(len(names)) if c not in ballots.withdrawn]
    winners: list[int] = []
    to_fill = min(seats, len(standing)) if ballots.valid > 0 else 0
    while len(winners) < to_fill:
        left = [c for c in standing if c not in winners]
        top = max(tallies[c] for c in left)
        tied = [c for c in left if tallies[c] == top]
        need = to_fill - len(winners)
        if len(tied) <= need:
            winners.extend(sorted(tied, key=lambda c: names[c]))
        else:
            winners.append(ties.pick(tied, [], lowest=False, round_no=1, purpose="election"))
    round_ = Round(
        tallies={names[c]: int(tallies[c]) for c in standing},
        elected=[names[c] for c in winners],
    )
    return CountReport(
        method="fptp",
        seats=seats,
        candidates=names,
        valid=ballots.valid,
        invalid=ballots.invalid,
        quota=None,
        winners=[names[c] for c in winners],
        rounds=[round_],
        tie_breaks=ties.record,
        seed=seed,
        by_category=ballots.first_preferences_by_category() if ballots.has_categories else None,
        invalid_ballots=invalid_list(ballots),
        title=ballots.title,
        truncated_ballots=truncated_list(ballots),
        truncated=ballots.truncated,
    )
