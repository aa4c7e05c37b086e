"""The bulletin board: every sealed paper of a ballot as a hash-chained list.

One JSON object a line, in tracker order (never cast order, which would date each paper):
`{"n": 1, "tracker": "...", "category": "member", "sealed": "<base64>", "prev": "...",
"hash": "..."}`. Each entry's hash covers the previous entry's hash and its own fields,
and the manifest publishes the last hash (the head), so changing, adding or removing any
one entry breaks the chain or the head, and a voter who finds their tracker knows the
paper they sealed is in the list that was opened.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

VERSION = "groundswell/board/v1"
_HEX = re.compile(r"[0-9a-f]{64}")


def genesis(ballot_id: int, key_fingerprint: str) -> str:
    return hashlib.sha256(f"{VERSION}/{ballot_id}/{key_fingerprint}".encode()).hexdigest()


def entry_hash(prev: str, tracker: str, category: str, sealed_b64: str) -> str:
    return hashlib.sha256("\n".join((prev, tracker, category, sealed_b64)).encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    n: int
    tracker: str
    category: str
    sealed_b64: str
    prev: str
    hash: str

    @property
    def sealed(self) -> bytes:
        return base64.b64decode(self.sealed_b64)

    def line(self) -> str:
        """The entry's JSON line: what json.dumps(separators=(",", ":")) makes of the object
        in this key order (a test holds the two equal), written directly because it is
        half a million lines at publishing; only the category is not hex or base64."""
        return (
            f'{{"n":{self.n},"tracker":"{self.tracker}","category":{json.dumps(self.category)},'
            f'"sealed":"{self.sealed_b64}","prev":"{self.prev}","hash":"{self.hash}"}}\n'
        )


def chain(first_prev: str, papers: Iterable[tuple[str, str, bytes]]) -> Iterator[Entry]:
    """Entries for (tracker, category, sealed) triples, which must come in tracker order."""
    prev = first_prev
    last = ""
    for n, (tracker, category, sealed) in enumerate(papers, 1):
        if tracker <= last:
            raise ValueError("board entries must be in strictly increasing tracker order")
        if not _HEX.fullmatch(tracker):
            raise ValueError("a tracker is a SHA-256 in lower-case hex")
        last = tracker
        sealed_b64 = base64.b64encode(sealed).decode()
        h = entry_hash(prev, tracker, category, sealed_b64)
        yield Entry(n, tracker, category, sealed_b64, prev, h)
        prev = h


def read(lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line; a line that is not an object raises ValueError."""
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise ValueError(f"line {i}: not a JSON object")
        yield i, obj
