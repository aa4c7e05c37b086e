"""UK phone numbers in one form (+44...), so a TPS file, a do-not-call and a call list match."""

from __future__ import annotations

import re

_JUNK = re.compile(r"[\s\-().]")


def normalise(raw: str) -> str:
    """'07700 900123', '+44 7700 900123' and '0044 7700 900123' are the same number.
    Raises ValueError for something that is not a phone number."""
    s = _JUNK.sub("", raw or "")
    if s.startswith("00"):
        s = "+" + s[2:]
    elif s.startswith("0"):
        s = "+44" + s[1:]
    elif s.startswith("44") and len(s) >= 12:
        s = "+" + s
    if not re.fullmatch(r"\+\d{9,15}", s):
        raise ValueError(f"{raw!r} is not a phone number")
    return s
