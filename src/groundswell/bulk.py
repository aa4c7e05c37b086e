"""Plumbing shared by the big imports (members, electoral register): a disk spool of
validated rows, primary keys reserved in advance, and inserts by `COPY` on PostgreSQL or
`executemany` on SQLite. Used inside one transaction, so an import is all or nothing."""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, ClassVar

from django.db import connection

from groundswell.core.formats.errors import RowError

BATCH = 5000
Progress = Callable[[str, int, int], None]
"""progress(phase, rows_done, rows_total), phase being "validate" or "write"."""


@dataclass
class ImportOutcome:
    """What every import reports, and what the background import job reads: the rows seen,
    the problems (at most 1000 listed, all counted), and a summary of what changed."""

    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    SUMMARY: ClassVar[tuple[str, ...]] = ("rows",)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> dict:
        return {name: getattr(self, name) for name in self.SUMMARY}


def count_lines(path: Path) -> int:
    """Data lines in a file (a fast estimate for progress bars: quoted newlines count twice)."""
    with open(path, "rb") as fh:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return max(0, total - 1)


def spool_write(spool: BinaryIO, batch: list[tuple]) -> None:
    """Appends a batch of plain-value tuples, length-prefixed (marshal.load on a file object
    reads in tiny pieces; one read per batch is several times faster)."""
    blob = marshal.dumps(batch)
    spool.write(len(blob).to_bytes(8, "little"))
    spool.write(blob)


def spooled(spool: BinaryIO) -> Iterator[list[tuple]]:
    spool.seek(0)
    while size := spool.read(8):
        yield marshal.loads(spool.read(int.from_bytes(size, "little")))  # noqa: S302 -- our own temp file


class BulkInserter:
    """Reserves ids and inserts rows for several models within the current transaction.

    Ids come from the table's sequence on PostgreSQL; on SQLite the IMMEDIATE transaction
    holds the write lock, so counting on from max(id) is safe."""

    def __init__(self, *models) -> None:
        self.vendor = connection.vendor
        self.ops = connection.ops
        self.next_id = {m: self._max_id(m) for m in models}

    def _max_id(self, model) -> int:
        if self.vendor == "postgresql":
            return 0
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            return cur.fetchone()[0]

    def ids(self, model, count: int) -> list[int]:
        if count == 0:
            return []
        if self.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count],
                )
                return [r[0] for r in cur.fetchall()]
        start = self.next_id[model]
        self.next_id[model] = start + count
        return list(range(start + 1, start + count + 1))

    def insert(self, model, fields: list[str], values: list[tuple]) -> None:
        """Inserts rows of `fields` (model field names) as they are: no save(), no signals."""
        if not values:
            return
        meta = model._meta
        quote = self.ops.quote_name
        columns = ", ".join(quote(meta.get_field(f).column) for f in fields)
        table = quote(meta.db_table)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608
