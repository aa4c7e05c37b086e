"""Addresses on an electoral register: which lines hold the flat, the number and the street.

Registers give up to four free-text lines ("Flat 3", "45 Duffield Road", "Derby"). Walk
lists need the street and the house number, to keep a street together and walk its odd
and even sides in order, and to know that twelve flats at one number are one building.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FLAT = re.compile(r"^(flat|apartment|apt|unit|room|maisonette)\.?\s+(\S+)", re.I)
_NUMBERED = re.compile(r"^(\d+)\s*([a-z]?)\b[,\s]+(.+)$", re.I)
_RANGE = re.compile(r"^(\d+)\s*-\s*\d+\s+(.+)$")
_STREET_WORDS = re.compile(
    r"\b(road|rd|street|st|avenue|ave|lane|ln|drive|dr|close|way|crescent|place|court|grove|gardens|"
    r"terrace|hill|walk|row|square|mews|park|rise|view|green|parade)\b",
    re.I,
)


@dataclass(frozen=True)
class Address:
    flat: str  # "Flat 3", or ""
    house_number: int | None
    house_suffix: str  # "a" in 12a
    building: str  # a named building, "Rose Court"
    street: str  # "Duffield Road"


def normalise_line(line: str) -> str:
    return " ".join(line.split())


def parse_address(lines: list[str]) -> Address:
    """Finds flat, number and street in the address lines; tolerant of what it cannot parse."""
    flat = ""
    building = ""
    lines = [normalise_line(x) for x in lines if x and x.strip()]
    for i, line in enumerate(lines):
        m = _FLAT.match(line)
        if m:
            flat = f"{m.group(1).title()} {m.group(2).rstrip(',')}"
            rest = line[m.end() :].strip(" ,")
            if rest:
                lines[i] = rest
            else:
                lines[i] = ""
            break
    for line in lines:
        if not line:
            continue
        m = _RANGE.match(line)
        if m:
            return Address(flat, int(m.group(1)), "", building, m.group(2).strip())
        m = _NUMBERED.match(line)
        if m:
            return Address(flat, int(m.group(1)), m.group(2).lower(), building, m.group(3).strip())
        if _STREET_WORDS.search(line):
            return Address(flat, None, "", building, line)
        if not building:
            building = line
    return Address(flat, None, "", building, building)
