"""Ranked ballots in the compressed form every count works on.

Half a million papers in a leadership election hold only a few hundred distinct rankings,
so ballots are stored once per distinct (ranking, category) with a weight: a count then
costs the same for a million papers as for a thousand. The form is canonical (sorted), so
the same multiset of ballots gives the same arrays whatever order the papers came in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

MAX_INVALID_LISTED = 1000
DENSE_KEYS = 1 << 22  # up to this many possible (ranking, category) keys, count them in a dense array


@dataclass(frozen=True, slots=True)
class InvalidBallot:
    """A paper that is not counted (or counted only up to a defect), and why (line 0 when
    it did not come from a file)."""

    line: int
    reason: str
    weight: int = 1


@dataclass(frozen=True)
class Ballots:
    """Valid ballots, compressed.

    `prefs[i]` holds candidate indices in preference order, padded with -1; `weights[i]`
    how many papers carry that ranking; `category[i]` the index of their elector category
    in `categories` (all 0 when the input had none: `has_categories` is then False).
    """

    candidates: tuple[str, ...]
    prefs: np.ndarray
    weights: np.ndarray
    category: np.ndarray
    categories: tuple[str, ...] = ()
    invalid: int = 0
    invalid_ballots: tuple[InvalidBallot, ...] = ()
    withdrawn: frozenset[int] = field(default_factory=frozenset)
    title: str = ""
    truncated: int = 0
    truncated_ballots: tuple[InvalidBallot, ...] = ()

    @property
    def has_categories(self) -> bool:
        return bool(self.categories)

    @property
    def valid(self) -> int:
        return int(self.weights.sum())

    def canonical_text(self) -> str:
        """The count's canonical form, from which the seed for lots is derived.

        It depends only on the candidates' names and the multiset of papers, never on the
        layout of the file: candidates are listed sorted by name (Unicode code points);
        each distinct ranking (categories ignored, withdrawn candidates already removed)
        is written once as its total weight followed by the 1-based positions of its
        candidates in that sorted list; rankings are sorted as sequences of numbers (a
        ranking before any longer ranking that starts with it). Lines end with "\\n":

            groundswell-ballots 1
            candidates<TAB>name<TAB>name...
            withdrawn<TAB>name...
            WEIGHT<TAB>I<TAB>J...            (one line per distinct ranking)
        """
        names = self.candidates
        order = sorted(range(len(names)), key=lambda c: names[c])
        position = np.zeros(len(names) + 1, dtype=np.int64)
        position[order] = np.arange(1, len(names) + 1)
        prefs, weights = self.ignoring_categories()
        # -1 padding maps to position[-1], which is 0: padding sorts before any candidate
        mapped = position[prefs] if prefs.size else np.zeros((0, 1), dtype=np.int64)
        lines = [
            "groundswell-ballots 1",
            "\t".join(["candidates", *(names[c] for c in order)]),
            "\t".join(["withdrawn", *sorted(names[c] for c in self.withdrawn)]),
        ]
        if mapped.shape[0]:
            rows, merged = _merge(mapped, weights)
            for row, w in zip(rows.tolist(), merged.tolist(), strict=True):
                lines.append("\t".join([str(w), *(str(c) for c in row if c > 0)]))
        return "\n".join(lines) + "\n"

    def fingerprint(self) -> bytes:
        """SHA-256 of `canonical_text()`: the same for any layout of the same papers, and
        for a .blt and a .csv of one ballot."""
        return hashlib.sha256(self.canonical_text().encode()).digest()

    def default_seed(self) -> int:
        """The seed for drawing lots when none is given: the first 6 bytes of the
        fingerprint, big-endian, so anyone re-counting the same papers in any layout
        draws the same lots."""
        return int.from_bytes(self.fingerprint()[:6], "big")

    def first_preferences(self) -> np.ndarray:
        """Weight of first preferences per candidate."""
        first = self.prefs[:, 0] if self.prefs.size else np.zeros(0, dtype=np.int32)
        return np.bincount(first, weights=self.weights, minlength=len(self.candidates)).astype(np.int64)

    def first_preferences_by_category(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for ci, name in enumerate(self.categories):
            mask = self.category == ci
            counts = np.bincount(
                self.prefs[mask, 0] if mask.any() else np.zeros(0, dtype=np.int64),
                weights=self.weights[mask],
                minlength=len(self.candidates),
            )
            out[name] = {c: int(round(v)) for c, v in zip(self.candidates, counts, strict=True)}  # noqa: RUF046
        return out

    def ignoring_categories(self) -> tuple[np.ndarray, np.ndarray]:
        """(prefs, weights) merged across categories: what the transfers need."""
        if not self.has_categories or len(self.categories) == 1:
            return self.prefs, self.weights
        return _merge(self.prefs, self.weights)


def _codes(prefs: np.ndarray, n_candidates: int) -> np.ndarray | None:
    """Each ranking as one integer (base n+1 digits), or None when it would overflow.

    In-place arithmetic on int32 when the codes fit: this is the hot loop of compressing
    a million papers."""
    width = prefs.shape[1]
    base = n_candidates + 1
    if width == 0 or base**width >= 2**62:
        return None
    dtype = np.int32 if base**width * 8 < 2**31 else np.int64
    codes = np.zeros(prefs.shape[0], dtype=dtype)
    for col in range(width):
        codes *= base
        codes += prefs[:, col]
        codes += 1
    return codes


def _merge(prefs: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if prefs.shape[0] == 0:
        return prefs, weights
    uniq, inverse = np.unique(prefs, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=weights, minlength=uniq.shape[0]).astype(np.int64)
    return uniq, merged


def from_array(
    candidates: Sequence[str],
    prefs: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    category: np.ndarray | None = None,
    categories: Sequence[str] = (),
    title: str = "",
) -> Ballots:
    """Valid ballots from a dense array (n papers x max rank, -1 padded), compressed.

    The caller guarantees validity (no repeats, indices in range, no gaps); parsers that
    read untrusted files use `BallotBuilder`, which checks every paper.
    """
    prefs = np.asarray(prefs)
    n = prefs.shape[0]
    unweighted = weights is None
    weights = np.ones(n, dtype=np.int64) if weights is None else np.asarray(weights, dtype=np.int64)
    category = np.zeros(n, dtype=np.int64) if category is None else np.asarray(category)
    keep = prefs[:, 0] >= 0 if n else np.zeros(0, dtype=bool)
    invalid = 0
    if not keep.all():  # papers with no preference at all: set aside (copies only then)
        invalid = int(weights[~keep].sum())
        prefs, weights, category = prefs[keep], weights[keep], category[keep]
    codes = _codes(prefs, len(candidates))
    n_keys = len(categories) + 1
    if codes is not None and (len(candidates) + 1) ** prefs.shape[1] * n_keys <= DENSE_KEYS:
        # Small key space (a few candidates): count papers per key in one O(n) pass.
        key = codes * n_keys
        key += category.astype(key.dtype, copy=False)
        totals = np.bincount(key) if unweighted else np.bincount(key, weights=weights).astype(np.int64)
        uniq = np.flatnonzero(totals)
        merged = totals[uniq]
        cat_u = uniq % n_keys
        rest = uniq // n_keys
        base = len(candidates) + 1
        prefs_u = np.empty((uniq.shape[0], prefs.shape[1]), dtype=np.int64)
        for col in range(prefs.shape[1] - 1, -1, -1):
            prefs_u[:, col] = rest % base - 1
            rest //= base
    elif codes is not None:
        key = codes.astype(np.int64) * n_keys + category
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        merged = np.bincount(inverse.ravel(), weights=weights, minlength=uniq.shape[0]).astype(np.int64)
        prefs_u, cat_u = prefs[first], category[first]
    else:
        stacked = np.column_stack([category, prefs])
        uniq_rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
        merged = np.bincount(inverse.ravel(), weights=weights, minlength=uniq_rows.shape[0]).astype(np.int64)
        prefs_u, cat_u = uniq_rows[:, 1:], uniq_rows[:, 0]
    return Ballots(
        candidates=tuple(candidates),
        prefs=np.ascontiguousarray(prefs_u, dtype=np.int32),
        weights=merged,
        category=np.ascontiguousarray(cat_u, dtype=np.int32),
        categories=tuple(categories),
        invalid=invalid,
        invalid_ballots=(InvalidBallot(0, "no preferences", invalid),) if invalid else (),
        title=title,
    )


Position = int | tuple[int, ...] | None
"""One position on a paper: a candidate index, several (equal preferences), or None (skipped)."""


class BallotBuilder:
    """Collects papers, checking each; identical papers are merged as they come.

    A paper counts in its consecutive order up to its first defect, as the Scottish STV
    rules read a paper (rules 45-47 of the Scottish Local Government Elections Order 2007):
    a skipped preference, equal preferences, an unknown candidate or a candidate ranked
    again ends the paper there; the preferences before it count and the paper is listed in
    `truncated_ballots` with its line and the defect. A paper whose first preference is
    defective (or that has none) is invalid: not counted, listed with its line and reason.
    """

    def __init__(self, candidates: Sequence[str], *, withdrawn: Iterable[int] = ()) -> None:
        self.candidates = tuple(candidates)
        if len(set(self.candidates)) != len(self.candidates):
            seen: set[str] = set()
            twice = next(c for c in self.candidates if c in seen or seen.add(c))
            raise ValueError(f"two candidates are both named {twice!r}")
        self.withdrawn = frozenset(withdrawn)
        self._index = {name: i for i, name in enumerate(self.candidates)}
        self._counts: dict[tuple[int, tuple[int, ...]], int] = {}
        self._categories: dict[str, int] = {}
        self.invalid = 0
        self.invalid_ballots: list[InvalidBallot] = []
        self.more_invalid = 0
        self.truncated = 0
        self.truncated_ballots: list[InvalidBallot] = []

    def reject(self, line: int, reason: str, weight: int) -> None:
        self.invalid += weight
        if len(self.invalid_ballots) < MAX_INVALID_LISTED:
            self.invalid_ballots.append(InvalidBallot(line, reason, weight))
        else:
            self.more_invalid += 1

    def note(self, line: int, reason: str, weight: int) -> None:
        self.truncated += weight
        if len(self.truncated_ballots) < MAX_INVALID_LISTED:
            self.truncated_ballots.append(InvalidBallot(line, reason, weight))

    def consecutive(self, positions: Sequence[Position]) -> tuple[tuple[int, ...], str | None]:
        """The preferences that count, and the defect that ended them (None if none)."""
        n = len(self.candidates)
        end = len(positions)
        while end and positions[end - 1] is None:  # blanks after the last preference: no defect
            end -= 1
        ranking: list[int] = []
        for k in range(end):
            at = positions[k]
            where = f"preference {k + 1}"
            if at is None:
                return tuple(ranking), f"{where} is missing"
            if isinstance(at, tuple):
                if len(at) == 1:
                    at = at[0]
                else:
                    return tuple(ranking), f"equal preferences at {where}"
            if not 0 <= at < n:
                return tuple(ranking), f"{where} is unknown candidate number {at + 1}"
            if at in ranking:
                return tuple(ranking), f"{where} ranks {self.candidates[at]} again"
            ranking.append(at)
        return tuple(ranking), None

    def add(
        self,
        ranking: Sequence[Position],
        *,
        weight: int = 1,
        category: str | None = None,
        line: int = 0,
    ) -> bool:
        """Adds `weight` papers ranking these positions (candidate indices, 0-based).
        Returns whether they count."""
        if weight < 0:
            raise ValueError(f"negative weight {weight}")
        counted, defect = self.consecutive(ranking)
        if not counted:
            self.reject(line, defect or "no preferences", weight)
            return False
        if defect:
            self.note(line, f"counted up to {defect}", weight)
        if self.withdrawn:
            counted = tuple(c for c in counted if c not in self.withdrawn)
            if not counted:
                self.reject(line, "ranks only withdrawn candidates", weight)
                return False
        cat = 0
        if category is not None:
            cat = self._categories.setdefault(category, len(self._categories))
        key = (cat, counted)
        self._counts[key] = self._counts.get(key, 0) + weight
        return True

    def add_names(
        self, names: Sequence[str | None], *, weight: int = 1, category: str | None = None, line: int = 0
    ) -> bool:
        """Adds papers ranking candidates by name (None: a skipped preference); an unknown
        name is a defect at its position."""
        positions: list[Position] = []
        for k, name in enumerate(names):
            if name is None:
                positions.append(None)
            elif name in self._index:
                positions.append(self._index[name])
            else:
                counted, defect = self.consecutive(positions)
                if defect is None:
                    defect = f"preference {k + 1} is unknown candidate {name!r}"
                if not counted:
                    self.reject(line, defect, weight)
                    return False
                self.note(line, f"counted up to {defect}", weight)
                positions = list(counted)
                break
        return self.add(positions, weight=weight, category=category, line=line)

    def build(self, *, title: str = "") -> Ballots:
        categories = sorted(self._categories)
        remap = {self._categories[name]: i for i, name in enumerate(categories)}
        items = sorted(((remap.get(cat, 0), ranking), w) for (cat, ranking), w in self._counts.items())
        width = max((len(r) for (_, r), _ in items), default=1)
        prefs = np.full((len(items), width), -1, dtype=np.int32)
        weights = np.zeros(len(items), dtype=np.int64)
        category = np.zeros(len(items), dtype=np.int32)
        for i, ((cat, ranking), w) in enumerate(items):
            prefs[i, : len(ranking)] = ranking
            weights[i] = w
            category[i] = cat
        return Ballots(
            candidates=self.candidates,
            prefs=prefs,
            weights=weights,
            category=category,
            categories=tuple(categories) if self._categories and categories != [""] else (),
            invalid=self.invalid,
            invalid_ballots=tuple(self.invalid_ballots),
            withdrawn=self.withdrawn,
            title=title,
            truncated=self.truncated,
            truncated_ballots=tuple(self.truncated_ballots),
        )
