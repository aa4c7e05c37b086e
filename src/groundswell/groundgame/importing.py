"""Importing an electoral register: validate every row, then write all of it or none.

Like the members import: pass 1 checks the file and spools the valid rows to a temporary
file; pass 2 writes in one transaction, new rows by `executemany` (SQLite) or `COPY`
(PostgreSQL). A newer register for the same constituency updates electors found again by
(polling district, elector number), adds new ones, and marks those no longer on it as
having left — it never deletes an elector, so every contact record made stays attached.

Every import says what the file is (core.formats.register_csv): a **full** register marks
everyone not on it as left, and asks first (groundgame.policies.may_mark_leavers) when that
is more than a few per cent of the seat, the sign of a wrong or partial file; a **monthly
update** adds, changes and deletes only its own rows, and a change or deletion of an
elector who is not on the register is a row error (the whole file is refused).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from groundswell.accounts.policies import NeedsConfirmation
from groundswell.bulk import BATCH, BulkInserter, ImportOutcome, Progress, count_lines, spool_write, spooled
from groundswell.core.formats.errors import RowError
from groundswell.core.formats.register_csv import ADDITION, CHANGE, DELETION, RegisterReader, RegisterRow
from groundswell.core.geo.address import parse_address
from groundswell.groundgame import policies
from groundswell.groundgame.models import (
    Constituency,
    Elector,
    Household,
    PollingDistrict,
    Postcode,
    RegisterImport,
)


@dataclass
class RegisterResult(ImportOutcome):
    mode: str = "full"
    version: int = 0
    new_electors: int = 0
    updated_electors: int = 0
    left: int = 0
    new_households: int = 0
    polling_districts: int = 0
    located: int = 0
    awaiting_confirmation: dict | None = None  # a full register's consequences, to be confirmed

    SUMMARY = (
        "mode", "rows", "version", "new_electors", "updated_electors", "left", "new_households",
        "polling_districts", "located",
    )  # fmt: skip

    def summary(self) -> dict:
        out = super().summary()
        if self.awaiting_confirmation is not None:
            out["confirm"] = self.awaiting_confirmation
        return out


FULL, UPDATE = "full", "update"
MODES = (FULL, UPDATE)

# Spooled row layout: plain values only (marshal), dates as ISO text.
(DISTRICT, NUMBER, SORT, MARKERS, ATTAINER, TITLE, FIRST, LAST, A1, A2, A3, A4, POSTCODE, LAT, LON,
 KEY, CHANGE_, LINE) = range(18)  # fmt: skip


class _Rejected(Exception):
    """Rows that only the database can judge (an update naming an elector not on the
    register) were wrong: the transaction is rolled back and the result lists them."""


def _pack(r: RegisterRow) -> tuple:
    return (
        r.polling_district, r.elector_number, r.number_sort, r.markers,
        r.attainer_date.isoformat() if r.attainer_date else None, r.title, r.first_name, r.last_name,
        *r.address, r.postcode, r.latitude, r.longitude, r.household_key, r.change, r.line,
    )  # fmt: skip


def register_validate(
    *,
    path: Path,
    spool: BinaryIO | None = None,
    progress: Progress | None = None,
    filename: str = "",
    mode: str = FULL,
) -> tuple[RegisterResult, set[str]]:
    """Checks every row; with `spool`, valid rows are also written there in batches.
    Returns the result and the polling district codes seen."""
    result = RegisterResult(filename=filename or path.name, mode=mode)
    total = count_lines(path)
    districts: set[str] = set()
    batch: list[tuple] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = RegisterReader(fh, update=mode == UPDATE)
        try:
            for n, row in enumerate(reader, 1):
                districts.add(row.polling_district)
                if spool is not None:
                    batch.append(_pack(row))
                    if len(batch) == BATCH:
                        spool_write(spool, batch)
                        batch = []
                        if reader.error_count:
                            spool = None  # rejected anyway: stop spooling, keep checking
                if progress and n % BATCH == 0:
                    progress("validate", n, total)
        except UnicodeDecodeError as exc:
            reader._error(reader.rows_read + 1, "", f"the file is not UTF-8 text ({exc.reason})")
    if spool is not None and batch:
        spool_write(spool, batch)
    result.rows = reader.rows_read
    result.errors = reader.errors
    result.error_count = reader.error_count
    return result, districts


def register_import(
    *,
    constituency: Constituency,
    path: Path,
    actor=None,
    filename: str = "",
    progress: Progress | None = None,
    synthetic: bool = False,
    mode: str = FULL,
    confirm: bool = False,
) -> RegisterResult:
    """Imports a register for one constituency, all or nothing. `mode` says what the file
    is: a full register (those not on it are marked as left; more than a few per cent only
    with `confirm`, else NeedsConfirmation with the consequences) or a monthly update."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    with tempfile.TemporaryFile(prefix="groundswell-register-") as spool:
        result, districts = register_validate(
            path=path, spool=spool, progress=progress, filename=filename, mode=mode
        )
        if not result.ok:
            return result
        try:
            with transaction.atomic():
                writer = _Writer(constituency, result, districts, synthetic=synthetic)
                done = 0
                for batch in spooled(spool):
                    writer.write(batch)
                    done += len(batch)
                    if progress:
                        progress("write", done, result.rows)
                if not result.ok:
                    raise _Rejected
                writer.finish(confirm=confirm)
                RegisterImport.objects.create(
                    constituency=constituency,
                    version=result.version,
                    filename=result.filename,
                    imported_by=actor,
                    summary=result.summary(),
                )
        except _Rejected:
            for name in ("new_electors", "updated_electors", "left", "new_households", "located"):
                setattr(result, name, 0)
    return result


class _Writer:
    def __init__(
        self, constituency: Constituency, result: RegisterResult, districts: set[str], *, synthetic: bool
    ) -> None:
        self.c = constituency
        self.result = result
        self.synthetic = synthetic
        previous = (
            RegisterImport.objects.filter(constituency=constituency).aggregate(v=Max("version"))["v"] or 0
        )
        result.version = previous + 1
        existing = dict(PollingDistrict.objects.filter(constituency=constituency).values_list("code", "pk"))
        PollingDistrict.objects.bulk_create(
            [
                PollingDistrict(constituency=constituency, code=d)
                for d in sorted(districts)
                if d not in existing
            ]
        )
        self.districts = dict(
            PollingDistrict.objects.filter(constituency=constituency).values_list("code", "pk")
        )
        result.polling_districts = len(districts)
        self.update = result.mode == UPDATE
        self.electors_before = Elector.objects.filter(constituency=constituency, left_on__isnull=True).count()
        self.had_electors = self.update or Elector.objects.filter(constituency=constituency).exists()
        self.households: dict[int, int] = {
            hash(k): pk
            for k, pk in Household.objects.filter(constituency=constituency).values_list("key", "pk")
        }
        self.bulk = BulkInserter(Household, Elector)

    def _locations(self, rows: list[tuple]) -> dict[str, tuple[float, float]]:
        wanted = {r[POSTCODE] for r in rows if r[LAT] is None and r[POSTCODE]}
        if not wanted:
            return {}
        return {
            p: (la, lo)
            for p, la, lo in Postcode.objects.filter(postcode__in=wanted).values_list(
                "postcode", "latitude", "longitude"
            )
        }

    def _reject(self, r: tuple, message: str) -> None:
        if len(self.result.errors) < 1000:
            self.result.errors.append(RowError(r[LINE], "elector_number", message))
        self.result.error_count += 1

    def _existing(self, rows: list[tuple]) -> dict[tuple[int, str], tuple[int, object]]:
        """(polling district id, elector number) -> (elector id, left_on) for these rows."""
        if not self.had_electors:
            return {}
        pds = {self.districts[r[DISTRICT]] for r in rows}
        numbers = {r[NUMBER] for r in rows}
        return {
            (pd, num): (pk, left)
            for pk, pd, num, left in Elector.objects.filter(
                polling_district_id__in=pds, elector_number__in=numbers
            ).values_list("pk", "polling_district_id", "elector_number", "left_on")
        }

    def _apply_update_rules(self, rows: list[tuple], existing: dict) -> list[tuple]:
        """A monthly update's rows against the register: additions of someone already on it,
        and changes or deletions of someone not on it, are row errors. Deletions are made
        here; the additions and changes are returned to be written like a full register's."""
        keep, deleted = [], []
        for r in rows:
            found = existing.get((self.districts[r[DISTRICT]], r[NUMBER]))
            on_register = found is not None and found[1] is None
            who = f"elector {r[DISTRICT]}-{r[NUMBER]}"
            if r[CHANGE_] == ADDITION and on_register:
                self._reject(r, f"{who} is already on the register: a change to them is C, not A")
            elif r[CHANGE_] in (CHANGE, DELETION) and found is None:
                verb = "deleted" if r[CHANGE_] == DELETION else "changed"
                self._reject(r, f"{who} is not on the register, so cannot be {verb}")
            elif r[CHANGE_] in (CHANGE, DELETION) and not on_register:
                self._reject(r, f"{who} already left the register on {found[1].isoformat()}")
            elif r[CHANGE_] == DELETION:
                deleted.append(found[0])
            else:
                keep.append(r)
        if deleted and self.result.ok:
            self.result.left += Elector.objects.filter(pk__in=deleted).update(
                left_on=timezone.localdate(), register_version=self.result.version
            )
        return keep

    def write(self, rows: list[tuple]) -> None:
        existing = self._existing(rows)
        if self.update:
            rows = self._apply_update_rules(rows, existing)
            if not self.result.ok:
                return  # rejected anyway: keep checking the rest, write nothing
        located = self._locations(rows)
        new_households: list[tuple] = []
        pending: dict[int, int] = {}
        household_of: list[int] = []
        for r in rows:
            key = hash(r[KEY])
            pk = self.households.get(key)
            if pk is None:
                pk = pending.get(key)
            if pk is None:
                pk = -1 - len(new_households)
                pending[key] = pk
                new_households.append(r)
            household_of.append(pk)
        ids = self.bulk.ids(Household, len(new_households))
        hh_values = []
        for r, pk in zip(new_households, ids, strict=True):
            lat, lon = (r[LAT], r[LON]) if r[LAT] is not None else located.get(r[POSTCODE], (None, None))
            a = parse_address([r[A1], r[A2], r[A3], r[A4]])  # once per household, not per elector
            hh_values.append(
                (
                    pk,
                    self.c.pk,
                    self.districts[r[DISTRICT]],
                    r[KEY],
                    r[A1],
                    r[A2],
                    r[A3],
                    r[A4],
                    r[POSTCODE],
                    a.street,
                    a.house_number,
                    a.house_suffix,
                    a.flat,
                    a.building,
                    lat,
                    lon,
                )
            )
            self.households[hash(r[KEY])] = pk
        self.bulk.insert(
            Household,
            [
                "id",
                "constituency",
                "polling_district",
                "key",
                "address_1",
                "address_2",
                "address_3",
                "address_4",
                "postcode",
                "street",
                "house_number",
                "house_suffix",
                "flat",
                "building",
                "latitude",
                "longitude",
            ],
            hh_values,
        )
        self.result.new_households += len(new_households)
        self.result.located += sum(1 for v in hh_values if v[-2] is not None)
        household_ids = [ids[-1 - h] if h < 0 else h for h in household_of]

        version = self.result.version
        new_values, updates = [], []
        fresh = [r for r in rows if (self.districts[r[DISTRICT]], r[NUMBER]) not in existing]
        new_ids = iter(self.bulk.ids(Elector, len(fresh)))
        for r, hh in zip(rows, household_ids, strict=True):
            pd = self.districts[r[DISTRICT]]
            found = existing.get((pd, r[NUMBER]), (None,))[0]
            values = (hh, r[SORT], r[MARKERS], r[ATTAINER], r[TITLE], r[FIRST], r[LAST], version)
            if found is None:
                new_values.append((next(new_ids), self.c.pk, pd, r[NUMBER], *values, None, self.synthetic))
            else:
                updates.append((*values, found))
        self.bulk.insert(
            Elector,
            [
                "id",
                "constituency",
                "polling_district",
                "elector_number",
                "household",
                "number_sort",
                "markers",
                "attainer_date",
                "title",
                "first_name",
                "last_name",
                "register_version",
                "left_on",
                "synthetic",
            ],
            new_values,
        )
        if updates:
            from django.db import connection

            with connection.cursor() as cur:
                cur.executemany(
                    f"UPDATE {Elector._meta.db_table} SET household_id = %s, number_sort = %s, markers = %s, "  # noqa: S608
                    "attainer_date = %s, title = %s, first_name = %s, last_name = %s, register_version = %s, "
                    "left_on = NULL WHERE id = %s",
                    updates,
                )
        self.result.new_electors += len(new_values)
        self.result.updated_electors += len(updates)

    def finish(self, *, confirm: bool) -> None:
        """A full register: those not on it have left (asked first when they are many)."""
        if self.update:
            return
        leaving = Elector.objects.filter(
            constituency=self.c, register_version__lt=self.result.version, left_on__isnull=True
        )
        count = leaving.count()
        policies.may_mark_leavers(
            leaving=count,
            electors=self.electors_before,
            confirm=confirm,
            sample=lambda: [
                f"{first} {last}".strip()
                for first, last in leaving.order_by("polling_district__code", "number_sort").values_list(
                    "first_name", "last_name"
                )[: policies.LEAVER_SAMPLE]
            ],
        )
        self.result.left = leaving.update(left_on=timezone.localdate())


def run_register_job(job, progress) -> RegisterResult:
    """The background-task entry for an uploaded register (see members.services). A full
    register that needs confirming comes back rejected with the consequences in its summary
    (`confirm`), and the job keeps its file until someone confirms or uploads again."""
    constituency = Constituency.objects.get(pk=job.params["constituency_id"])
    mode = job.params.get("mode", FULL)
    try:
        return register_import(
            constituency=constituency,
            path=Path(job.path),
            actor=job.uploaded_by,
            filename=job.filename,
            progress=progress,
            mode=mode,
            confirm=bool(job.params.get("confirm")),
        )
    except NeedsConfirmation as asked:
        result = RegisterResult(filename=job.filename, mode=mode, awaiting_confirmation=asked.consequences)
        result.errors = [RowError(0, "", asked.message)]
        result.error_count = 1
        return result
