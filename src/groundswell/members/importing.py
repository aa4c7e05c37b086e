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
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from django.db import connection, transaction
from django.utils import timezone

from groundswell.bulk import BATCH, BulkInserter, ImportOutcome, Progress, count_lines, spool_write, spooled
from groundswell.core.formats.members_csv import MemberRow, MembersReader
from groundswell.members import policies
from groundswell.members.models import Affiliate, Branch, DuplicateCandidate, Membership, Person


@dataclass
class ImportResult(ImportOutcome):
    created_people: int = 0
    created_memberships: int = 0
    updated_memberships: int = 0
    linked_by_email: int = 0
    duplicate_candidates: int = 0
    new_affiliates: list[str] = field(default_factory=list)

    SUMMARY = (
        "rows", "created_people", "created_memberships", "updated_memberships", "linked_by_email",
        "duplicate_candidates", "new_affiliates",
    )  # fmt: skip


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


# A validated row as the writer wants it: plain values, dates as ISO text. Pass 1 spools
# these to a temporary file, so pass 2 neither holds the file in memory nor parses it again.
(
    NUM,
    FIRST,
    LAST,
    EMAIL,
    EMAIL_KEY,
    NAME_KEY,
    PHONE,
    POSTCODE,
    BRANCH,
    CATEGORY,
    AFFILIATE,
    JOINED,
    LAPSED,
    C_EMAIL,
    C_PHONE,
    C_DATA,
) = range(16)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _pack(r: MemberRow) -> tuple:
    return (
        r.membership_number,
        r.first_name,
        r.last_name,
        r.email,
        r.email_key,
        r.name_key,
        r.phone,
        r.postcode,
        r.branch_id,
        r.category,
        r.affiliate,
        r.joined_on.isoformat(),
        _iso(r.lapsed_on),
        _iso(r.consent_email),
        _iso(r.consent_phone),
        _iso(r.consent_data_processing),
    )


def members_validate(
    *,
    path: Path,
    filename: str = "",
    allowed_branch_ids: frozenset[int] | None = None,
    progress: Progress | None = None,
    total: int | None = None,
    spool: BinaryIO | None = None,
) -> ImportResult:
    """Checks every row; returns the problems (at most 1000 listed, all counted).

    With `spool`, valid rows are also written there in batches, ready for the import."""
    result = ImportResult(filename=filename or path.name)
    total = count_lines(path) if total is None else total
    resolve = branch_resolver(allowed_branch_ids)
    holder: list[MembersReader] = []
    pending: list[MemberRow] = []

    def flush() -> None:
        nonlocal spool
        if allowed_branch_ids is not None:
            _check_scope(pending, allowed_branch_ids, holder[0])
        if spool is not None and pending:
            spool_write(spool, [_pack(r) for r in pending])
            if holder[0].error_count:
                spool = None  # the file will be rejected: stop spooling, keep checking
        pending.clear()

    for n, row in enumerate(_rows(path, resolve, holder), 1):
        pending.append(row)
        if len(pending) == BATCH:
            flush()
        if progress and n % BATCH == 0:
            progress("validate", n, total)
    if holder:
        flush()
    reader = holder[0]
    result.rows = reader.rows_read
    result.errors = sorted(reader.errors, key=lambda e: e.line)
    result.error_count = reader.error_count
    if progress:
        progress("validate", reader.rows_read, total)
    return result


def _check_scope(rows: list[MemberRow], allowed: frozenset[int], reader: MembersReader) -> None:
    """A branch-scoped import's rows against what is already held (members.policies)."""
    existing = {
        number: (branch_id, joined)
        for number, branch_id, joined in Membership.objects.filter(
            membership_number__in=[r.membership_number for r in rows]
        ).values_list("membership_number", "branch_id", "joined_on")
    }
    today = timezone.localdate()
    for r in rows:
        problem = policies.scoped_import_row(
            number=r.membership_number,
            joined_on=r.joined_on,
            existing=existing.get(r.membership_number),
            allowed_branch_ids=allowed,
            today=today,
        )
        if problem:
            reader._error(r.line, *problem)


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
    with tempfile.TemporaryFile(prefix="groundswell-import-") as spool:
        result = members_validate(
            path=path,
            filename=filename,
            allowed_branch_ids=allowed_branch_ids,
            progress=progress,
            total=total,
            spool=spool,
        )
        if not result.ok:
            return result
        with transaction.atomic():
            writer = _Writer(result, synthetic=synthetic, allowed_branch_ids=allowed_branch_ids)
            done = 0
            for batch in spooled(spool):
                writer.write(batch)
                done += len(batch)
                if progress:
                    progress("write", done, result.rows)
            writer.finish()
    return result


class _Writer:
    """Writes validated rows in batches; remembers the people it made, by email and name."""

    def __init__(
        self,
        result: ImportResult,
        *,
        synthetic: bool = False,
        allowed_branch_ids: frozenset[int] | None = None,
    ) -> None:
        self.result = result
        self.allowed = allowed_branch_ids
        self.email_candidates: set[tuple[int, int]] = set()
        self.synthetic = synthetic
        self.created_at = connection.ops.adapt_datetimefield_value(timezone.now())
        self.person_by_email: dict[int, int] = {}
        self.person_by_name: dict[int, int] = {}
        self.affiliate_keys = {
            name.casefold(): pk for name, pk in Affiliate.objects.values_list("name", "pk")
        }
        self.candidates: set[tuple[int, int]] = set()
        # Lookups against rows that were there before the import are skipped when there
        # were none: the usual first load of a whole membership list.
        self.had_people = Person.objects.exists()
        self.had_memberships = Membership.objects.exists()
        self.bulk = BulkInserter(Person, Membership)

    def _affiliate_id(self, name: str) -> int | None:
        if not name:
            return None
        pk = self.affiliate_keys.get(name.casefold())
        if pk is None:
            pk = Affiliate.objects.create(name=name).pk
            self.affiliate_keys[name.casefold()] = pk
            self.result.new_affiliates.append(name)
        return pk

    def write(self, rows: list[tuple]) -> None:
        existing: dict[str, tuple[int, int]] = {}
        if self.had_memberships:
            existing = {
                number: (pk, person_id)
                for number, pk, person_id in Membership.objects.filter(
                    membership_number__in=[r[NUM] for r in rows]
                ).values_list("membership_number", "pk", "person_id")
            }
        db_by_email: dict[str, int] = {}
        db_by_name: dict[str, int] = {}
        elsewhere: dict[str, int] = {}
        if self.had_people:
            emails = {r[EMAIL_KEY] for r in rows if r[EMAIL_KEY]}
            db_by_email = dict(
                Person.objects.filter(email_key__in=emails).order_by("-pk").values_list("email_key", "pk")
            )
            if self.allowed is not None and db_by_email:
                # an organiser's row links only to someone already in their branches; the same
                # email elsewhere becomes a new person and a duplicate for a national admin
                ours = set(
                    Membership.objects.filter(
                        person_id__in=db_by_email.values(), branch_id__in=self.allowed
                    ).values_list("person_id", flat=True)
                )
                elsewhere = {k: pk for k, pk in db_by_email.items() if pk not in ours}
                db_by_email = {k: pk for k, pk in db_by_email.items() if pk in ours}
            names = {r[NAME_KEY] for r in rows if r[NAME_KEY]}
            db_by_name = dict(Person.objects.filter(name_key__in=names).values_list("name_key", "pk"))

        new_people: list[tuple] = []
        person_for_row: list[int | None] = []  # >0 a known person; <0 the new person -1-i
        updates: list[tuple[tuple, int, int]] = []
        pending_by_email: dict[str, int] = {}
        by_email = self.person_by_email
        for row in rows:
            found = existing.get(row[NUM])
            if found:
                updates.append((row, found[0], found[1]))
                person_for_row.append(None)
                continue
            email_key = row[EMAIL_KEY]
            if email_key:
                person_id = by_email.get(hash(email_key)) or db_by_email.get(email_key)
                if person_id is None and email_key in pending_by_email:
                    person_id = -1 - pending_by_email[email_key]  # a person made in this batch
                if person_id is not None:
                    self.result.linked_by_email += 1
                    person_for_row.append(person_id)
                    continue
                pending_by_email[email_key] = len(new_people)
            person_for_row.append(-1 - len(new_people))
            new_people.append(row)

        ids = self.bulk.ids(Person, len(new_people))
        self._insert_people(new_people, ids)
        for row, pk in zip(new_people, ids, strict=True):
            if row[EMAIL_KEY] in elsewhere:
                self.email_candidates.add((elsewhere[row[EMAIL_KEY]], pk))
            if row[EMAIL_KEY]:
                by_email[hash(row[EMAIL_KEY])] = pk
            if row[NAME_KEY]:
                key = hash(row[NAME_KEY])
                other = self.person_by_name.get(key) or db_by_name.get(row[NAME_KEY])
                if other and other != pk:
                    self.candidates.add((other, pk))
                else:
                    self.person_by_name[key] = pk
        self.result.created_people += len(new_people)

        memberships = [
            (row, ids[-1 - ref] if ref < 0 else ref)
            for row, ref in zip(rows, person_for_row, strict=True)
            if ref is not None
        ]
        self._insert_memberships(memberships, self.bulk.ids(Membership, len(memberships)))
        self.result.created_memberships += len(memberships)
        if updates:
            self._update(updates)

    def _insert_people(self, rows: list[tuple], ids: list[int]) -> None:
        synthetic, created = self.synthetic, self.created_at
        self.bulk.insert(
            Person,
            ["id", *Person.DETAIL_FIELDS, "synthetic", "created_at"],
            [
                (
                    pk,
                    r[FIRST],
                    r[LAST],
                    r[EMAIL],
                    r[EMAIL_KEY],
                    r[NAME_KEY],
                    r[PHONE],
                    r[POSTCODE],
                    r[C_EMAIL],
                    r[C_PHONE],
                    r[C_DATA],
                    synthetic,
                    created,
                )
                for r, pk in zip(rows, ids, strict=True)
            ],
        )

    def _insert_memberships(self, rows: list[tuple[tuple, int]], ids: list[int]) -> None:
        affiliate = self._affiliate_id
        self.bulk.insert(
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
                (pk, person_id, r[NUM], r[BRANCH], r[CATEGORY], affiliate(r[AFFILIATE]), r[JOINED], r[LAPSED])
                for (r, person_id), pk in zip(rows, ids, strict=True)
            ],
        )

    def _update(self, updates: list[tuple[tuple, int, int]]) -> None:
        """Rows whose membership number is already held: bring the records up to date."""
        memberships = Membership.objects.in_bulk([m for _, m, _ in updates])
        people = Person.objects.in_bulk([p for _, _, p in updates])
        day = lambda text: date.fromisoformat(text) if text else None  # noqa: E731
        changed_m, changed_p = [], []
        for row, mid, pid in updates:
            m, p = memberships[mid], people[pid]
            new_m = {
                "branch_id": row[BRANCH],
                "category": row[CATEGORY],
                "affiliate_id": self._affiliate_id(row[AFFILIATE]),
                "joined_on": day(row[JOINED]),
                "lapsed_on": day(row[LAPSED]),
            }
            if any(getattr(m, k) != v for k, v in new_m.items()):
                for k, v in new_m.items():
                    setattr(m, k, v)
                changed_m.append(m)
            if p.erased_at:
                continue  # an erased person is not brought back by an old file
            new_p = {
                "first_name": row[FIRST],
                "last_name": row[LAST],
                "email": row[EMAIL],
                "email_key": row[EMAIL_KEY],
                "name_key": row[NAME_KEY],
                "phone": row[PHONE],
                "postcode": row[POSTCODE],
                "consent_email_on": day(row[C_EMAIL]) or p.consent_email_on,
                "consent_phone_on": day(row[C_PHONE]) or p.consent_phone_on,
                "consent_data_processing_on": day(row[C_DATA]) or p.consent_data_processing_on,
            }
            if any(getattr(p, k) != v for k, v in new_p.items()):
                for k, v in new_p.items():
                    setattr(p, k, v)
                changed_p.append(p)
        Membership.objects.bulk_update(
            changed_m, ["branch_id", "category", "affiliate_id", "joined_on", "lapsed_on"]
        )
        Person.objects.bulk_update(changed_p, Person.DETAIL_FIELDS)
        self.result.updated_memberships += len(changed_m)

    def finish(self) -> None:
        if self.email_candidates:
            DuplicateCandidate.objects.bulk_create(
                [
                    DuplicateCandidate(person_id=a, other_id=b, reason=DuplicateCandidate.Reason.EMAIL)
                    for a, b in sorted(self.email_candidates)
                ],
                ignore_conflicts=True,
            )
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
        self.result.duplicate_candidates = len(self.candidates) + len(self.email_candidates)
