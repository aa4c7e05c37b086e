"""Motion texts: amendments as "replace this passage with that", and word-level diffs."""

from groundswell.core.motions.text import AmendmentFalls, apply_amendment, word_diff

__all__ = ["AmendmentFalls", "apply_amendment", "word_diff"]
