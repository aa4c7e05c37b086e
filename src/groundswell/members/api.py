"""JSON endpoints for members: the same capabilities and role checks as the pages."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import StreamingHttpResponse
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.members import selectors, services
from groundswell.members.models import Category, ImportJob, Membership

router = Router(tags=["members"])


MANAGERS = roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)
ADMIN = roles(Role.NATIONAL_ADMIN)


class BranchOut(Schema):
    ons_code: str
    name: str


class MembershipOut(Schema):
    membership_number: str
    person_id: int
    first_name: str
    last_name: str
    email: str
    postcode: str
    branch: BranchOut
    category: str
    affiliate: str | None
    joined_on: date
    lapsed_on: date | None
    synthetic: bool

    @staticmethod
    def from_membership(m: Membership) -> MembershipOut:
        p = m.person
        return MembershipOut(
            membership_number=m.membership_number,
            person_id=p.pk,
            first_name=p.first_name,
            last_name=p.last_name,
            email=p.email,
            postcode=p.postcode,
            branch=BranchOut(ons_code=m.branch.ons_code, name=m.branch.name),
            category=m.category,
            affiliate=m.affiliate.name if m.affiliate else None,
            joined_on=m.joined_on,
            lapsed_on=m.lapsed_on,
            synthetic=p.synthetic,
        )


class MembershipPage(Schema):
    count: int
    page: int
    pages: int
    results: list[MembershipOut]


class ConsentsOut(Schema):
    email: date | None
    phone: date | None
    data_processing: date | None


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    postcode: str
    consents: ConsentsOut
    memberships: list[MembershipOut]
    synthetic: bool
    erased: bool


class ImportErrorOut(Schema):
    line: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    rows_total: int
    rows_done: int
    error_count: int
    errors: list[ImportErrorOut]
    summary: dict

    @staticmethod
    def from_job(job: ImportJob) -> ImportJobOut:
        summary = job.summary
        return ImportJobOut(
            id=job.pk,
            filename=job.filename,
            status=job.status,
            rows_total=job.rows_total,
            rows_done=job.rows_done,
            error_count=job.error_count,
            errors=[ImportErrorOut(**e) for e in job.errors],
            summary=summary,
        )


class StatsOut(Schema):
    total_people: int
    by_category: dict[str, int]
    by_branch: list[tuple[str, str, int]]


class ErasedOut(Schema):
    id: int
    erased: bool


PAGE_SIZE = 100


@router.get("/members", auth=MANAGERS, response=MembershipPage, summary="Search memberships in your branches")
def list_members(
    request,
    q: str = "",
    branch: str = "",
    category: str = "",
    page: int = 1,
):
    if category and category not in Category.values:
        raise HttpError(422, f"unknown category {category!r}")
    branch_id = None
    if branch:
        found = selectors.visible_branches(request.user).filter(ons_code=branch.upper()).first()
        if found is None:
            raise HttpError(404, f"no branch {branch!r} among yours")
        branch_id = found.pk
    qs = selectors.membership_search(request.user, query=q, branch_id=branch_id, category=category)
    count = qs.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = [MembershipOut.from_membership(m) for m in qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    services.members_page_read(actor=request.user, page=page, rows=len(rows), query=q, branch_id=branch_id)
    return MembershipPage(count=count, page=page, pages=pages, results=rows)


def _person_out(person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        phone=person.phone,
        postcode=person.postcode,
        consents=ConsentsOut(
            email=person.consent_email_on,
            phone=person.consent_phone_on,
            data_processing=person.consent_data_processing_on,
        ),
        memberships=[
            MembershipOut.from_membership(m)
            for m in person.memberships.select_related("person", "branch", "affiliate")
        ],
        synthetic=person.synthetic,
        erased=person.erased_at is not None,
    )


@router.get("/people/{person_id}", response=PersonOut, summary="One person and their memberships")
def person_detail(request, person_id: int):
    person = selectors.person_for_user(request.user, person_id)
    if person is None or not (
        selectors.can_manage_members(request.user) or request.user.person_id == person_id
    ):
        raise HttpError(404, "No such member in your branches.")
    return _person_out(person)


@router.post(
    "/members/import",
    auth=MANAGERS,
    response={202: ImportJobOut, 200: ImportJobOut},
    summary="Upload a members CSV (all-or-nothing)",
)
def import_members(request, file: UploadedFile = File(...)):  # noqa: B008
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise HttpError(413, "file larger than the upload limit")
    job = services.members_import_job_create(
        actor=request.user, upload=file, allowed_branch_ids=selectors.branch_scope(request.user)
    )
    job.refresh_from_db()
    return (200 if job.finished else 202), ImportJobOut.from_job(job)


@router.get(
    "/members/imports/{job_id}",
    auth=MANAGERS,
    response=ImportJobOut,
    summary="Progress and errors of an import",
)
def import_status(request, job_id: int):
    job = selectors.import_jobs_for(request.user).filter(pk=job_id).first()
    if job is None:
        raise HttpError(404, "No such import.")
    return ImportJobOut.from_job(job)


@router.get(
    "/members/export",
    auth=MANAGERS,
    summary="Export memberships as CSV (audited)",
    response={200: str},
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def export_members(request, q: str = "", category: str = ""):
    if category and category not in Category.values:
        raise HttpError(422, f"unknown category {category!r}")
    qs = selectors.membership_search(request.user, query=q, category=category)
    lines = services.members_export(
        actor=request.user, memberships=qs, description=f"api q={q} category={category}"
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="members.csv"'
    return response


@router.get("/me/data", summary="Everything held about you (subject access)")
def my_data(request):
    if request.user.person is None:
        raise HttpError(404, "Your account is not linked to a member record.")
    return services.person_subject_access(person=request.user.person, actor=request.user)


class EraseIn(Schema):
    confirm: bool = False  # erasure cannot be undone: without it, 428 with what is held


@router.post(
    "/people/{person_id}/erase",
    auth=ADMIN,
    response=ErasedOut,
    summary="Erase a person's personal data (confirm: true; else 428 with what is held)",
)
def erase_person(request, person_id: int, payload: EraseIn | None = None):
    person = selectors.visible_people(request.user).filter(pk=person_id).first()
    if person is None:
        raise HttpError(404, "No such person.")
    services.person_erase(person=person, actor=request.user, confirm=bool(payload and payload.confirm))
    return ErasedOut(id=person.pk, erased=True)


@router.get(
    "/stats/membership",
    auth=roles(Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER, Role.RETURNING_OFFICER),
    response=StatsOut,
    summary="Current memberships by category and branch",
)
def membership_stats(request):
    stats = selectors.membership_stats(request.user)
    return StatsOut(total_people=stats.total_people, by_category=stats.by_category, by_branch=stats.by_branch)
