"""Parsers for the files Groundswell reads: members CSV, electoral register, ballots."""

from groundswell.core.formats.errors import FormatError, RowError

__all__ = ["FormatError", "RowError"]
