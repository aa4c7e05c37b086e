"""Breaking ties as DESIGN.md says: look back to earlier rounds, then draw lots from a seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from groundswell.core.counting.report import TieBreak


class TieBreaker:
    """Resolves ties reproducibly: the same seed and the same history give the same choice."""

    def __init__(self, candidates: Sequence[str], seed: int) -> None:
        self.candidates = list(candidates)
        self.seed = seed
        self._rng: np.random.Generator | None = None
        self.record: list[TieBreak] = []

    @property
    def rng(self) -> np.random.Generator:
        """The generator lots are drawn from, made at the first lot: most counts draw none,
        and numpy.random is a tenth of `groundswell count`'s start-up. Made from the same
        seed whenever it is first needed, so the draws are the same as if made up front."""
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return self._rng

    def pick(
        self,
        tied: Sequence[int],
        history: Sequence[np.ndarray],
        *,
        lowest: bool,
        round_no: int,
        purpose: str,
    ) -> int:
        """One of `tied`: the lowest (or highest) at the most recent earlier round where the
        tied candidates' totals differed, narrowing round by round; else by lot.

        The lot draws an index into the still-tied candidates sorted by name, so that with
        the canonical seed the draw never depends on the order candidates were listed in."""
        group = sorted(tied, key=lambda c: self.candidates[c])
        if len(group) == 1:
            return group[0]
        looked_back_to = None
        for back in range(len(history) - 1, -1, -1):
            values = history[back][group]
            if np.all(values == values[0]):
                continue
            target = values.min() if lowest else values.max()
            group = [c for c, v in zip(group, values, strict=True) if v == target]
            looked_back_to = back + 1
            if len(group) == 1:
                break
        names = sorted(self.candidates[c] for c in tied)
        if len(group) == 1:
            chosen = group[0]
            method = "lookback"
        else:
            chosen = group[int(self.rng.integers(len(group)))]
            method = "lot"
        self.record.append(
            TieBreak(
                round=round_no,
                purpose=purpose,
                tied=names,
                method=method,
                chosen=self.candidates[chosen],
                seed=self.seed if method == "lot" else None,
                looked_back_to=looked_back_to,
            )
        )
        return chosen
