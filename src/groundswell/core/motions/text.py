"""Amending a motion's text the way party conferences do: "delete these words, insert those".

An amendment names a passage of the motion and what replaces it (an empty passage adds
the new words at the end). Several carried amendments are applied in the order they were
proposed; one whose passage an earlier amendment has already changed *falls*, as it would
at conference, rather than being merged by guesswork.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|[^\s]+")


class AmendmentFalls(ValueError):
    """The passage an amendment replaces is not (or not exactly once) in the text."""


def apply_amendment(text: str, delete: str, insert: str) -> str:
    """The text with `delete` replaced by `insert`; appends `insert` when `delete` is empty."""
    if not delete.strip():
        if not insert.strip():
            raise AmendmentFalls("the amendment neither deletes nor inserts anything")
        return text.rstrip() + "\n\n" + insert.strip()
    found = text.count(delete)
    if found == 0:
        raise AmendmentFalls("the words it replaces are not in the motion")
    if found > 1:
        raise AmendmentFalls("the words it replaces appear more than once: quote a longer passage")
    return text.replace(delete, insert, 1)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal", "delete" or "insert"
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-by-word differences, whitespace kept, so that joining the "equal" and "delete"
    segments gives back `old` and joining "equal" and "insert" gives `new`."""
    a = _TOKEN.findall(old)
    b = _TOKEN.findall(new)
    out: list[Segment] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", "".join(a[i1:i2]))
        else:
            emit("delete", "".join(a[i1:i2]))
            emit("insert", "".join(b[j1:j2]))
    return out
