"""CSV for people who open it in a spreadsheet: a text cell that starts like a formula
(=, +, -, @, tab, carriage return) is prefixed with an apostrophe so that Excel, LibreOffice
and Google Sheets show it instead of running it ("CSV injection"). Names and addresses come
from imports anyone could have typed into, so every export goes through this."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose text cells are made spreadsheet-safe (numbers are left as they are)."""

    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([spreadsheet_safe(c) if isinstance(c, str) else c for c in row])
