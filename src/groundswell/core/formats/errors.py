"""The one error shape every parser reports, so pages and the CLI can list them alike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem at one place in a file: `line` is 1-based and counts the header."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class FormatError(ValueError):
    """A file that cannot be used, with every problem found in it."""

    def __init__(self, errors: list[RowError], *, filename: str = "", truncated: int = 0):
        self.errors = errors
        self.filename = filename
        self.truncated = truncated
        first = str(errors[0]) if errors else "no errors"
        more = len(errors) + truncated - 1
        prefix = f"{filename}: " if filename else ""
        super().__init__(prefix + first + (f" (and {more} more)" if more > 0 else ""))


class ErrorCollector:
    """What every file reader keeps: the problems found so far, at most `max_errors` listed
    (the rest only counted), so that half a million bad rows cannot exhaust memory."""

    def __init__(self, *, max_errors: int = 1000) -> None:
        self.max_errors = max_errors
        self.errors: list[RowError] = []
        self.more_errors = 0
        self.rows_read = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def _error(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(line, column, message))
        else:
            self.more_errors += 1
