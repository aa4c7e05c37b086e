"""First past the post: first preferences only; the `seats` largest win."""

from __future__ import annotations

from groundswell.core.counting.ballots import Ballots
from groundswell.core.counting.report import CountReport, Round, invalid_list
from groundswell.core.counting.ties import TieBreaker


def count_fptp(ballots: Ballots, *, seats: int = 1, seed: int | None = None) -> CountReport:
    seed = ballots.default_seed() if seed is None else seed
    names = list(ballots.candidates)
    tallies = ballots.first_preferences()
    ties = TieBreaker(names, seed)
    standing = [c for c in range(len(names)) if c not in ballots.withdrawn]
    winners: list[int] = []
    while len(winners) < min(seats, len(standing)):
        left = [c for c in standing if c not in winners]
        top = max(tallies[c] for c in left)
        tied = [c for c in left if tallies[c] == top]
        need = min(seats, len(standing)) - len(winners)
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
    )
