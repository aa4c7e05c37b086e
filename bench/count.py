"""Our counts against named peers on the same ballots in the same run.

    python bench/count.py            (needs the bench extra: pip install -e '.[bench]')

IRV: 1,000,000 ballots, 5 candidates, 3 elector categories, random partial rankings.
- ours: `from_array` (compressing the million papers) + `count_irv`, timed together;
- pref_voting: `instant_runoff_for_truncated_linear_orders` on a ProfileWithTies of the same
  million (identical rankings aggregated with counts, as the library allows), and with one
  ranking per paper on the first 100,000 (a million that way is too slow);
- pyrankvote: `instant_runoff_voting` on the same million (one Ballot object per paper).
Each peer's time is shown for its count alone and with building its input from the array.
All three must name the same winner. STV: 200,000 ballots, 15 candidates, 5 seats, ours.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from groundswell.core.counting import count_irv, count_stv, from_array

CATEGORIES = ("member", "registered_supporter", "affiliated_supporter")


def random_ballots(n: int, candidates: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Partial rankings with skewed first preferences, so the count runs several rounds."""
    rng = np.random.default_rng(seed)
    popularity = np.linspace(1.0, 0.55, candidates)
    keys = rng.random((n, candidates)) ** (1 / popularity)  # more popular: larger keys
    prefs = np.argsort(-keys, axis=1).astype(np.int32)
    lengths = rng.integers(1, candidates + 1, size=n)
    prefs[np.arange(candidates)[None, :] >= lengths[:, None]] = -1
    category = rng.choice(3, size=n, p=[0.56, 0.24, 0.20])
    return prefs, category


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours_irv(prefs, category, names):
    ballots = from_array(names, prefs, category=category, categories=CATEGORIES)
    return count_irv(ballots).winners[0]


def pref_voting_irv(prefs, names, *, aggregate: bool) -> tuple[float, float, str]:
    """(seconds to build the profile from the array, seconds to count, winner)."""
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

    start = time.perf_counter()
    if aggregate:
        rows, counts = np.unique(prefs, axis=0, return_counts=True)
        rcounts = [int(c) for c in counts]
    else:
        rows, rcounts = prefs, None
    rankings = [{int(c): rank + 1 for rank, c in enumerate(row) if c >= 0} for row in rows.tolist()]
    profile = ProfileWithTies(rankings, rcounts=rcounts, candidates=list(range(len(names))))
    build = time.perf_counter() - start
    seconds, winners = best_of(lambda: instant_runoff_for_truncated_linear_orders(profile), repeat=1)
    return build, seconds, names[winners[0]] if len(winners) == 1 else f"tie {winners}"


def pyrankvote_irv(prefs, names) -> tuple[float, float, str]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    start = time.perf_counter()
    cands = [Candidate(n) for n in names]
    ballots = [Ballot(ranked_candidates=[cands[c] for c in row if c >= 0]) for row in prefs.tolist()]
    build = time.perf_counter() - start
    seconds, result = best_of(lambda: pyrankvote.instant_runoff_voting(cands, ballots), repeat=1)
    return build, seconds, result.get_winners()[0].name


def main() -> None:
    names = ["Ann", "Bob", "Cat", "Dan", "Eve"]
    n, sub = 1_000_000, 100_000
    prefs, category = random_ballots(n, len(names), seed=1)
    print(
        f"IRV: {n:,} ballots, {len(names)} candidates, 3 categories, random partial rankings; "
        f"{os.cpu_count()} cores"
    )
    ours_s, ours_w = best_of(lambda: ours_irv(prefs, category, names))
    ours_sub_s, ours_sub_w = best_of(lambda: ours_irv(prefs[:sub], category[:sub], names))
    runs = [
        ("ours", n, 0.0, ours_s, ours_w, None),
        ("pref_voting, profile aggregated", n, *pref_voting_irv(prefs, names, aggregate=True), ours_s),
        ("pyrankvote", n, *pyrankvote_irv(prefs, names), ours_s),
        ("ours", sub, 0.0, ours_sub_s, ours_sub_w, None),
        (
            "pref_voting, one ranking per paper",
            sub,
            *pref_voting_irv(prefs[:sub], names, aggregate=False),
            ours_sub_s,
        ),
    ]
    print("(build: turning the array of papers into the library's input; count: the IRV call.")
    print(" ours compresses the array inside its count. pref_voting with one ranking per paper")
    print(" is too slow for a million, so it runs on the first 100,000, beside ours on the same.)")
    head = ("library", "ballots", "build s", "count s", "winner", "count x", "total x")
    print("{:<36} {:>9} {:>8} {:>8} {:>7} {:>8} {:>8}".format(*head))
    for label, size, build, seconds, winner, ours in runs:
        ratio = f"{seconds / ours:8.0f}" if ours else f"{'':>8}"
        total = f"{(build + seconds) / ours:8.0f}" if ours else f"{'':>8}"
        print(f"{label:<36} {size:>9,} {build:8.3f} {seconds:8.3f} {winner:>7} {ratio} {total}")
    same = len({r[4] for r in runs}) == 1
    print(f"same winner in every run: {'yes' if same else 'NO'}")

    stv_names = [f"C{i:02d}" for i in range(15)]
    stv_prefs, stv_cat = random_ballots(200_000, 15, seed=2)
    seconds, report = best_of(
        lambda: count_stv(from_array(stv_names, stv_prefs, category=stv_cat, categories=CATEGORIES), seats=5)
    )
    print(
        f"STV: 200,000 ballots, 15 candidates, 5 seats: {seconds:.3f} s (compress + count), "
        f"{len(report.rounds)} stages, elected {', '.join(report.winners)}"
    )
    if not same:
        sys.exit("winners differ")


if __name__ == "__main__":
    main()
