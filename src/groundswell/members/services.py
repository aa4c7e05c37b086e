"""Writes for members: imports, merges, exports (audited), subject access and erasure."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from groundswell.accounts.services import audit_record
from groundswell.core.formats.members_csv import CONSENT_COLUMNS, HEADER
from groundswell.core.formats.spreadsheet import SafeWriter
from groundswell.members import policies
from groundswell.members.importing import ImportResult, members_import
from groundswell.members.models import DuplicateCandidate, ImportJob, Membership, Person

# -- import jobs ----------------------------------------------------------------------------
#
# An uploaded file is saved to disk and imported by a background task. Each kind of import
# registers a runner here (the register import, from the ground game app), so one job model,
# one task and one progress mechanism serve them all.

ImportRunner = Callable[[ImportJob, Callable[[str, int, int], None]], object]
_RUNNERS: dict[str, tuple[ImportRunner, str]] = {}


def import_runner_register(kind: str, runner: ImportRunner, *, audit_action: str) -> None:
    """`runner(job, progress)` returns a result with ok, rows, errors, error_count, summary()."""
    _RUNNERS[kind] = (runner, audit_action)


def _run_members(job: ImportJob, progress) -> ImportResult:
    allowed = job.params.get("allowed_branch_ids")
    return members_import(
        path=Path(job.path),
        filename=job.filename,
        allowed_branch_ids=frozenset(allowed) if allowed is not None else None,
        progress=progress,
    )


import_runner_register(ImportJob.Kind.MEMBERS, _run_members, audit_action="members.import")


def import_job_create(
    *, actor, upload, kind: str = ImportJob.Kind.MEMBERS, params: dict | None = None
) -> ImportJob:
    """Saves an uploaded file to disk and queues its import as a background task."""
    from groundswell.members.tasks import run_import

    directory = Path(settings.UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}-{uuid.uuid4().hex}.csv"
    size = 0
    with open(path, "wb") as fh:
        for chunk in upload.chunks():
            size += len(chunk)
            fh.write(chunk)
    job = ImportJob.objects.create(
        kind=kind,
        params=params or {},
        uploaded_by=actor,
        filename=Path(upload.name).name[:255],
        path=str(path),
        size=size,
    )
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def members_import_job_create(*, actor, upload, allowed_branch_ids: frozenset[int] | None) -> ImportJob:
    allowed = sorted(allowed_branch_ids) if allowed_branch_ids is not None else None
    return import_job_create(actor=actor, upload=upload, params={"allowed_branch_ids": allowed})


def import_job_run(*, job_id: int) -> ImportJob:
    """Runs a queued import, writing progress to the job row as it goes."""
    job = ImportJob.objects.get(pk=job_id)
    if job.finished:
        return job  # a task delivered twice does not import twice
    runner, audit_action = _RUNNERS[job.kind]

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "write":
            return  # inside the import transaction: other connections could not see it
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.VALIDATING, rows_done=done, rows_total=total
        )

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING)
    keep_file = False
    try:
        result = runner(job, progress)
        keep_file = bool(getattr(result, "awaiting_confirmation", None))
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE if result.ok else ImportJob.Status.REJECTED,
            rows_total=result.rows,
            rows_done=result.rows if result.ok else 0,
            errors=[{"line": e.line, "column": e.column, "message": e.message} for e in result.errors],
            error_count=result.error_count,
            summary=result.summary(),
            finished_at=timezone.now(),
        )
        if result.ok:
            audit_record(
                actor=job.uploaded_by,
                action=audit_action,
                target=job.filename,
                rows=result.rows,
                detail=result.summary(),
            )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            errors=[{"line": 0, "column": "", "message": f"import failed: {exc}"}],
            error_count=1,
            finished_at=timezone.now(),
        )
        raise
    finally:
        if not keep_file:  # a file waiting for someone to confirm is imported from it later
            Path(job.path).unlink(missing_ok=True)
    job.refresh_from_db()
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:
    """Runs again, confirmed, an import that stopped to show its consequences (a full
    register marking many electors as left). Only such a job, with its file still there."""
    from groundswell.accounts.policies import Refused
    from groundswell.members.tasks import run_import

    consequences = (job.summary or {}).get("confirm")
    if job.status != ImportJob.Status.REJECTED or not consequences or not Path(job.path).exists():
        raise Refused("import.not_waiting", "this import is not waiting for a confirmation", status=409)
    params = {**job.params, "confirm": True}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PENDING, params=params, errors=[], error_count=0, summary={}, finished_at=None
    )
    audit_record(actor=actor, action="import.confirm", target=job.filename, detail=consequences)
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    job.refresh_from_db()
    return job


# -- duplicates -----------------------------------------------------------------------------


@transaction.atomic
def person_merge(*, keep: Person, merge: Person, actor) -> Person:
    """Makes two person records one: memberships move to `keep`, blanks are filled from
    `merge`, and `merge` is deleted. Afterwards the human has one vote, not two."""
    if keep.pk == merge.pk:
        raise ValueError("cannot merge a person with themselves")
    Membership.objects.filter(person=merge).update(person=keep)
    for name in Person.DETAIL_FIELDS:
        if not getattr(keep, name) and getattr(merge, name):
            setattr(keep, name, getattr(merge, name))
    keep.save()
    account = getattr(merge, "account", None)
    if account is not None and getattr(keep, "account", None) is None:
        account.person = keep
        account.save(update_fields=["person"])
    DuplicateCandidate.objects.filter(person=merge).update(resolved_at=timezone.now(), resolution="merged")
    DuplicateCandidate.objects.filter(other=merge).update(resolved_at=timezone.now(), resolution="merged")
    audit_record(actor=actor, action="person.merge", target=f"person:{keep.pk}", detail={"merged": merge.pk})
    merge.delete()
    return keep


@transaction.atomic
def duplicate_dismiss(*, candidate: DuplicateCandidate, actor) -> None:
    """Records that two look-alike records are two different people."""
    candidate.resolved_at = timezone.now()
    candidate.resolution = "distinct"
    candidate.save(update_fields=["resolved_at", "resolution"])
    audit_record(actor=actor, action="person.duplicate_dismiss", target=f"candidate:{candidate.pk}")


# -- export ---------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def members_page_read(*, actor, page: int, rows: int, query: str, branch_id: int | None) -> None:
    """Paging through the members API is a bulk read, audited like an export: the first page
    is a look-up, every page after it is recorded with its rows."""
    if page > 1:
        audit_record(
            actor=actor,
            action="members.page",
            target=f"page:{page}",
            rows=rows,
            detail={"query": query[:100], "branch": branch_id},
        )


def members_export(*, actor, memberships: QuerySet[Membership], description: str) -> Iterator[str]:
    """Audits the export, then yields CSV lines in the members format (import-compatible)."""
    rows = memberships.count()
    audit_record(actor=actor, action="members.export", target=description, rows=rows)
    return _export_lines(memberships)


def _export_lines(memberships: QuerySet[Membership]) -> Iterator[str]:
    writer = SafeWriter(_Echo())
    yield writer.writerow([*HEADER, *CONSENT_COLUMNS])
    qs = memberships.select_related("person", "branch", "affiliate").order_by("pk")
    iso: Callable = lambda d: d.isoformat() if d else ""  # noqa: E731
    for m in qs.iterator(chunk_size=5000):
        p = m.person
        cells = [
            m.membership_number,
            p.first_name,
            p.last_name,
            p.email,
            p.phone,
            p.postcode,
            m.branch.ons_code,
            m.category,
            m.affiliate.name if m.affiliate else "",
            iso(m.joined_on),
            iso(m.lapsed_on),
            iso(p.consent_email_on),
            iso(p.consent_phone_on),
            iso(p.consent_data_processing_on),
        ]
        yield writer.writerow([str(c) for c in cells])


# -- subject access and erasure ---------------------------------------------------------------


def subject_access_register(name: str, section: Callable[[Person], object]) -> None:
    """Kept for callers of the first version: a section with nothing to erase. New code
    registers a holding (members.personal_data.register) with both access and erasure."""
    from groundswell.members.personal_data import register

    register(name, models=[], access=section, erase=lambda person: None)


def person_subject_access(*, person: Person, actor) -> dict:
    """Everything Groundswell holds about one person, as JSON-ready data. Audited."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    data: dict = {
        "format": "groundswell-subject-access",
        "version": 1,
        "generated_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "postcode": person.postcode,
            "created_at": iso(person.created_at),
            "erased_at": iso(person.erased_at),
            "synthetic": person.synthetic,
        },
        "consents": {
            "email": iso(person.consent_email_on),
            "phone": iso(person.consent_phone_on),
            "data_processing": iso(person.consent_data_processing_on),
        },
        "memberships": [
            {
                "membership_number": m.membership_number,
                "branch": {"ons_code": m.branch.ons_code, "name": m.branch.name},
                "category": m.category,
                "affiliate": m.affiliate.name if m.affiliate else None,
                "joined_on": iso(m.joined_on),
                "lapsed_on": iso(m.lapsed_on),
            }
            for m in person.memberships.select_related("branch", "affiliate").order_by("joined_on")
        ],
    }
    account = getattr(person, "account", None)
    if account is not None:
        data["account"] = {
            "email": account.email,
            "date_joined": iso(account.date_joined),
            "last_login": iso(account.last_login),
            "roles": sorted(
                {
                    r.role + (f":{r.branch.ons_code}" if r.branch else "")
                    for r in account.roles.select_related("branch")
                }
            ),
        }
    from groundswell.members.personal_data import holdings

    for holding in holdings():
        data[holding.name] = holding.access(person)
    audit_record(actor=actor, action="person.subject_access", target=f"person:{person.pk}", rows=1)
    return data


@transaction.atomic
def person_erase(*, person: Person, actor, confirm: bool = False) -> Person:
    """Removes the personal fields and keeps the memberships' category, branch and dates,
    so membership counts and past turnout figures stay right; every app's holding about the
    person is erased too (members.personal_data), and the audit trail stops naming them.
    Only with `confirm` (members.policies.may_erase says what would go)."""
    from groundswell.accounts.services import audit_pseudonymise
    from groundswell.members.personal_data import holdings

    policies.may_erase(person, confirm=confirm)

    account = getattr(person, "account", None)
    for holding in holdings():
        holding.erase(person)
    audit_pseudonymise(user=account, label=account.email if account is not None else "")
    person.first_name = person.last_name = ""
    person.email = person.email_key = person.name_key = ""
    person.phone = person.postcode = ""
    person.consent_email_on = person.consent_phone_on = person.consent_data_processing_on = None
    person.erased_at = timezone.now()
    person.save()
    account = getattr(person, "account", None)
    if account is not None:
        account.email = f"erased-{account.pk}@invalid"
        account.display_name = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
        account.roles.all().delete()
    DuplicateCandidate.objects.filter(person=person).delete()
    DuplicateCandidate.objects.filter(other=person).delete()
    audit_record(actor=actor, action="person.erase", target=f"person:{person.pk}", rows=1)
    return person


# -- branches -------------------------------------------------------------------------------


@transaction.atomic
def branches_load_constituencies() -> int:
    """Creates or updates one branch per Westminster constituency (bundled ONS centroids)."""
    from importlib import resources

    from groundswell.members.models import Branch

    path = resources.files("groundswell.data") / "constituency_centroids.csv"
    existing = {b.ons_code: b for b in Branch.objects.all()}
    new, changed = [], []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            lat, lon = float(row["latitude"]), float(row["longitude"])
            branch = existing.get(row["ons_code"])
            if branch is None:
                new.append(Branch(ons_code=row["ons_code"], name=row["name"], latitude=lat, longitude=lon))
            elif (branch.name, branch.latitude, branch.longitude) != (row["name"], lat, lon):
                branch.name, branch.latitude, branch.longitude = row["name"], lat, lon
                changed.append(branch)
    Branch.objects.bulk_create(new)
    Branch.objects.bulk_update(changed, ["name", "latitude", "longitude"])
    return len(new) + len(changed)
