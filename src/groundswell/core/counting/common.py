"""What every count method shares: the vectorised "who holds this paper now" step."""

from __future__ import annotations

import numpy as np


def padded(prefs: np.ndarray, n_candidates: int) -> np.ndarray:
    """Preferences with the -1 padding mapped to an extra column index `n_candidates`,
    so that a boolean lookup table of length n+1 can be indexed with them directly."""
    return np.where(prefs < 0, n_candidates, prefs)


def current_holders(prefs_p: np.ndarray, continuing: np.ndarray) -> np.ndarray:
    """For each ballot, the first continuing candidate it ranks, or -1 when exhausted.

    `continuing` has length n+1 with its last entry False (the padding)."""
    if prefs_p.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    mask = continuing[prefs_p]
    pos = mask.argmax(axis=1)
    holders = prefs_p[np.arange(prefs_p.shape[0]), pos].astype(np.int64)
    holders[~mask[np.arange(prefs_p.shape[0]), pos]] = -1
    return holders
