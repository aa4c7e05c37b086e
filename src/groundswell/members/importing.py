"""The members import: validate the whole file, then write it in one transaction.

Two passes over the file on disk, never the file in memory:

1. **validate** every row (core.formats.members_csv) and collect every problem; a file with
   any problem stops here and nothing is written;
2. **write** inside one transaction: new people and memberships go in with `executemany`
   (SQLite) or `COPY` (PostgreSQL) in batches, existing membership numbers are updated, so
   importing the same file twice changes nothing the second time.

A person is found again by normalised email (in the file or in the database) and then gets
one more membership rather than a second person record; the same name and postcode with a
different email is only *probably* the same person, so it is recorded as a duplicate
candidate for an organiser to merge or dismiss.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from groundswell.core.formats.errors import RowError
from groundswell.core.formats.members_csv import MemberRow, MembersReader
from groundswell.members.models import Affiliate, Branch, DuplicateCandidate, Membership, Person

BATCH = 5000
Progress = Callable[[str, int, int], None]
"""progress(phase, rows_done, rows_total), phase being "validate" or "write"."""


@dataclass
class ImportResult:
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    created_people: int = 0
    created_memberships: int = 0
    updated_memberships: int = 0
    linked_by_email: int = 0
    duplicate_candidates: int = 0
    new_affiliates: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created_people": self.created_people,
            "created_memberships": self.created_memberships,
            "updated_memberships": self.updated_memberships,
            "linked_by_email": self.linked_by_email,
            "duplicate_candidates": self.duplicate_candidates,
            "new_affiliates": self.new_affiliates,
        }


def branch_resolver(allowed_branch_ids: frozenset[int] | None) -> Callable[[str], int]:
    """A branch cell may hold the ONS code or the branch name; organisers only their own."""
    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for pk, code, name in Branch.objects.values_list("pk", "ons_code", "name"):
        by_code[code.upper()] = pk
        by_name[name.casefold()] = pk

    def resolve(text: str) -> int:
        pk = by_code.get(text.upper())
        if pk is None:
            pk = by_name.get(text.casefold())
        if pk is None:
            raise ValueError(f"unknown branch {text!r} (use an ONS code such as E14000662 or a branch name)")
        if allowed_branch_ids is not None and pk not in allowed_branch_ids:
            raise ValueError(f"branch {text!r} is not one of the branches you organise")
        return pk

    return resolve


def count_lines(path: Path) -> int:
    """Data lines in the file (a fast estimate for progress: quoted newlines count twice)."""
    with open(path, "rb") as fh:
        total = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    return max(0, total - 1)


def _open_text(path: Path) -> io.TextIOWrapper:
    return open(path, encoding="utf-8-sig", newline="", errors="strict")


def _rows(path: Path, resolve: Callable[[str], int], reader_out: list) -> Iterator[MemberRow]:
    with _open_text(path) as fh:
        reader = MembersReader(fh, resolve_branch=resolve)
        reader_out.append(reader)
        try:
            yield from reader
        except UnicodeDecodeError as exc:
            reader._error(reader.rows_read + 1, "", f"the file is not UTF-8 text ({exc.reason})")


def members_validate(
    *,
    path: Path,
    filename: str = "",
    allowed_branch_ids: frozenset[int] | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> ImportResult:
    """Checks every row; returns the problems (at most 1000 listed, all counted)."""
    result = ImportResult(filename=filename or path.name)
    total = count_lines(path) if total is None else total
    resolve = branch_resolver(allowed_branch_ids)
    holder: list[MembersReader] = []
    n = 0
    for n, _row in enumerate(_rows(path, resolve, holder), 1):
        if progress and n % BATCH == 0:
            progress("validate", n, total)
    reader = holder[0]
    result.rows = reader.rows_read
    result.errors = reader.errors
    result.error_count = reader.error_count
    if progress:
        progress("validate", reader.rows_read, total)
    return result


def members_import(
    *,
    path: Path,
    filename: str = "",
    allowed_branch_ids: frozenset[int] | None = None,
    progress: Progress | None = None,
    synthetic: bool = False,
) -> ImportResult:
    """Validates the whole file, then imports it all or not at all. Re-importing is a no-op.

    `synthetic` marks every new person as made up (the demo loader's rows)."""
    total = count_lines(path)
    result = members_validate(
        path=path,
        filename=filename,
        allowed_branch_ids=allowed_branch_ids,
        progress=progress,
        total=total,
    )
    if not result.ok:
        return result
    resolve = branch_resolver(allowed_branch_ids)
    with transaction.atomic():
        writer = _Writer(result, synthetic=synthetic)
        holder: list[MembersReader] = []
        batch: list[MemberRow] = []
        done = 0
        for row in _rows(path, resolve, holder):
            batch.append(row)
            if len(batch) == BATCH:
                writer.write(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress("write", done, result.rows)
        if batch:
            writer.write(batch)
        writer.finish()
        if holder[0].error_count:  # the file changed between the passes
            raise RuntimeError(f"{result.filename} changed while it was being imported")
    if progress:
        progress("write", result.rows, result.rows)
    return result


class _Writer:
    """Writes validated rows in batches; remembers the people it made, by email and name."""

    def __init__(self, result: ImportResult, *, synthetic: bool = False) -> None:
        self.result = result
        self.synthetic = synthetic
        self.now = timezone.now()
        self.vendor = connection.vendor
        self.ops = connection.ops
        self.person_by_email: dict[int, int] = {}
        self.person_by_name: dict[int, int] = {}
        self.affiliates = dict(Affiliate.objects.values_list("name", "pk"))
        self.affiliate_keys = {name.casefold(): pk for name, pk in self.affiliates.items()}
        self.candidates: set[tuple[int, int]] = set()
        self.next_person_id = self._max_id(Person)
        self.next_membership_id = self._max_id(Membership)

    def _max_id(self, model) -> int:
        if self.vendor == "postgresql":
            return 0  # ids come from the sequence
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
            return cur.fetchone()[0]

    def _ids(self, model, count: int) -> list[int]:
        """Reserves `count` primary keys: from the sequence on PostgreSQL; on SQLite the
        IMMEDIATE transaction holds the write lock, so max(id) cannot move under us."""
        if count == 0:
            return []
        if self.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count],
                )
                return [r[0] for r in cur.fetchall()]
        attr = "next_person_id" if model is Person else "next_membership_id"
        start = getattr(self, attr)
        setattr(self, attr, start + count)
        return list(range(start + 1, start + count + 1))

    def _affiliate_id(self, name: str) -> int | None:
        if not name:
            return None
        pk = self.affiliate_keys.get(name.casefold())
        if pk is None:
            pk = Affiliate.objects.create(name=name).pk
            self.affiliate_keys[name.casefold()] = pk
            self.result.new_affiliates.append(name)
        return pk

    def write(self, rows: list[MemberRow]) -> None:
        existing = {
            number.upper(): (pk, person_id)
            for number, pk, person_id in Membership.objects.filter(
                membership_number__in=[r.membership_number for r in rows]
            ).values_list("membership_number", "pk", "person_id")
        }
        emails = {r.email_key for r in rows if r.email_key}
        db_by_email = (
            dict(Person.objects.filter(email_key__in=emails).order_by("-pk").values_list("email_key", "pk"))
            if emails
            else {}
        )
        names = {r.name_key for r in rows if r.name_key}
        db_by_name = (
            dict(Person.objects.filter(name_key__in=names).values_list("name_key", "pk")) if names else {}
        )

        new_people: list[MemberRow] = []
        new_people_rows: list[int] = []  # index into rows of the row that makes each person
        person_for_row: list[int | None] = []
        updates: list[tuple[MemberRow, int, int]] = []
        pending_by_email: dict[str, int] = {}
        for i, row in enumerate(rows):
            found = existing.get(row.membership_number.upper())
            if found:
                updates.append((row, found[0], found[1]))
                person_for_row.append(None)
                continue
            email_key = row.email_key
            person_id = None
            if email_key:
                person_id = self.person_by_email.get(hash(email_key)) or db_by_email.get(email_key)
                if person_id is None and email_key in pending_by_email:
                    person_id = -1 - pending_by_email[email_key]  # a person made in this batch
            if person_id is not None:
                self.result.linked_by_email += 1
                person_for_row.append(person_id)
                continue
            if email_key:
                pending_by_email[email_key] = len(new_people)
            person_for_row.append(-1 - len(new_people))
            new_people.append(row)
            new_people_rows.append(i)

        ids = self._ids(Person, len(new_people))
        self._insert_people(new_people, ids)
        for row, pk in zip(new_people, ids, strict=True):
            if row.email_key:
                self.person_by_email[hash(row.email_key)] = pk
            if row.name_key:
                key = hash(row.name_key)
                other = self.person_by_name.get(key) or db_by_name.get(row.name_key)
                if other and other != pk:
                    self.candidates.add((other, pk))
                else:
                    self.person_by_name[key] = pk
        self.result.created_people += len(new_people)

        memberships = []
        for row, person_ref in zip(rows, person_for_row, strict=True):
            if person_ref is None:
                continue
            person_id = ids[-1 - person_ref] if person_ref < 0 else person_ref
            memberships.append((row, person_id))
        mids = self._ids(Membership, len(memberships))
        self._insert_memberships(memberships, mids)
        self.result.created_memberships += len(memberships)
        if updates:
            self._update(updates)

    def _date(self, value):
        return self.ops.adapt_datefield_value(value)

    def _insert(self, model, fields: list[str], values: list[tuple]) -> None:
        if not values:
            return
        meta = model._meta
        columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)  # noqa: S608

    def _insert_people(self, rows: list[MemberRow], ids: list[int]) -> None:
        created = self.ops.adapt_datetimefield_value(self.now)
        d = self._date
        self._insert(
            Person,
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "email_key",
                "name_key",
                "phone",
                "postcode",
                "consent_email_on",
                "consent_phone_on",
                "consent_data_processing_on",
                "synthetic",
                "created_at",
            ],
            [
                (
                    pk,
                    r.first_name,
                    r.last_name,
                    r.email,
                    r.email_key,
                    r.name_key,
                    r.phone,
                    r.postcode,
                    d(r.consent_email),
                    d(r.consent_phone),
                    d(r.consent_data_processing),
                    self.synthetic,
                    created,
                )
                for r, pk in zip(rows, ids, strict=True)
            ],
        )

    def _insert_memberships(self, rows: list[tuple[MemberRow, int]], ids: list[int]) -> None:
        d = self._date
        self._insert(
            Membership,
            [
                "id",
                "person",
                "membership_number",
                "branch",
                "category",
                "affiliate",
                "joined_on",
                "lapsed_on",
            ],
            [
                (
                    pk,
                    person_id,
                    r.membership_number,
                    r.branch_id,
                    r.category,
                    self._affiliate_id(r.affiliate),
                    d(r.joined_on),
                    d(r.lapsed_on),
                )
                for (r, person_id), pk in zip(rows, ids, strict=True)
            ],
        )

    def _update(self, updates: list[tuple[MemberRow, int, int]]) -> None:
        """Rows whose membership number is already held: bring the records up to date."""
        memberships = Membership.objects.in_bulk([m for _, m, _ in updates])
        people = Person.objects.in_bulk([p for _, _, p in updates])
        changed_m, changed_p = [], []
        for row, mid, pid in updates:
            m, p = memberships[mid], people[pid]
            new_m = {
                "branch_id": row.branch_id,
                "category": row.category,
                "affiliate_id": self._affiliate_id(row.affiliate),
                "joined_on": row.joined_on,
                "lapsed_on": row.lapsed_on,
            }
            if any(getattr(m, k) != v for k, v in new_m.items()):
                for k, v in new_m.items():
                    setattr(m, k, v)
                changed_m.append(m)
            if p.erased_at:
                continue  # an erased person is not brought back by an old file
            new_p = {
                "first_name": row.first_name,
                "last_name": row.last_name,
                "email": row.email,
                "email_key": row.email_key,
                "name_key": row.name_key,
                "phone": row.phone,
                "postcode": row.postcode,
                "consent_email_on": row.consent_email or p.consent_email_on,
                "consent_phone_on": row.consent_phone or p.consent_phone_on,
                "consent_data_processing_on": row.consent_data_processing or p.consent_data_processing_on,
            }
            if any(getattr(p, k) != v for k, v in new_p.items()):
                for k, v in new_p.items():
                    setattr(p, k, v)
                changed_p.append(p)
        Membership.objects.bulk_update(
            changed_m, ["branch_id", "category", "affiliate_id", "joined_on", "lapsed_on"]
        )
        Person.objects.bulk_update(
            changed_p,
            [
                "first_name",
                "last_name",
                "email",
                "email_key",
                "name_key",
                "phone",
                "postcode",
                "consent_email_on",
                "consent_phone_on",
                "consent_data_processing_on",
            ],
        )
        self.result.updated_memberships += len(changed_m)

    def finish(self) -> None:
        if self.candidates:
            DuplicateCandidate.objects.bulk_create(
                [
                    DuplicateCandidate(
                        person_id=a, other_id=b, reason=DuplicateCandidate.Reason.NAME_POSTCODE
                    )
                    for a, b in sorted(self.candidates)
                ],
                ignore_conflicts=True,
            )
        self.result.duplicate_candidates = len(self.candidates)
