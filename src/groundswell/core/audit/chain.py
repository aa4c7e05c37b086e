"""Hashing and checking the audit chain.

An entry is hashed as SHA-256 over the previous entry's hash and a canonical JSON of its
fields (sorted keys, no spaces, UTF-8), so the same entry hashes the same way whichever
database stored it and however its JSON came back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS = "0" * 64  # the "previous hash" of the first entry


def actor_commitment(salt: str, label: str) -> str:
    """What the chain covers of who acted: a salted SHA-256 of the label, not the label. The
    salt and label sit beside it, outside the hash, so erasing a person clears both and the
    chain still verifies (the commitment alone reveals nothing without the salt)."""
    return hashlib.sha256(f"{salt}\n{label}".encode()).hexdigest()


def entry_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class Broken:
    """Where the chain first fails: the entry's key and what is wrong with it."""

    key: object
    reason: str


def first_break(
    entries: Iterable[tuple[object, str, str, Mapping[str, object]]],
) -> tuple[int, Broken | None]:
    """Walks (key, prev_hash, hash, fields) in order; returns how many entries were checked
    and the first break, or None when every link holds."""
    expected_prev = GENESIS
    n = 0
    for key, prev_hash, stored, fields in entries:
        n += 1
        if prev_hash != expected_prev:
            return n, Broken(
                key, "its link to the entry before does not match: an entry before it was removed or changed"
            )
        if entry_hash(prev_hash, fields) != stored:
            return n, Broken(key, "its content does not match its hash: it was changed after it was written")
        expected_prev = stored
    return n, None
