"""Pages for members: dashboard, list, detail, import, export, duplicates, privacy."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from groundswell.accounts.models import Role
from groundswell.accounts.permissions import role_required
from groundswell.accounts.selectors import has_role
from groundswell.members import selectors, services
from groundswell.members.models import Category
from groundswell.members.personal_data import held_counts
from groundswell.web.charts import bar_chart

MANAGERS = (Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER)
ANY_ROLE = tuple(Role)


@role_required(*ANY_ROLE)
def home(request):
    """Organisers, admins and returning officers see the membership dashboard; members and
    canvassers see their own page."""
    user = request.user
    if not has_role(user, Role.NATIONAL_ADMIN, Role.BRANCH_ORGANISER, Role.RETURNING_OFFICER):
        return render(request, "members/home_personal.html", {"person": user.person})
    stats = selectors.membership_stats_cached(user)
    category_chart = bar_chart(
        [(Category(c).label, n) for c, n in stats.by_category.items()],
        title="Current memberships by category",
    )
    branch_chart = bar_chart(
        [(name, n) for _, name, n in stats.by_branch],
        title=f"Largest {len(stats.by_branch)} branches by current memberships",
    )
    return render(
        request,
        "members/dashboard.html",
        {
            "stats": stats,
            "category_counts": [(Category(c).label, n) for c, n in stats.by_category.items()],
            "category_chart": category_chart,
            "branch_chart": branch_chart,
        },
    )


def _search_args(request) -> dict:
    branch = request.GET.get("branch") or None
    try:
        branch_id = int(branch) if branch else None
    except ValueError:
        branch_id = None
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    return {"query": request.GET.get("q", ""), "branch_id": branch_id, "category": category}


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def cursor_token(cursor: selectors.Cursor) -> str:
    """A page position for a link: opaque to the eye, not a secret (the query keeps its scope)."""
    return base64.urlsafe_b64encode(json.dumps(list(cursor)).encode()).decode().rstrip("=")


def cursor_from_token(token: str) -> selectors.Cursor | None:
    """The position in a "next page" link, or None (the first page) for anything malformed."""
    try:
        value = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        return None
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(
            isinstance(v, str) and len(v) <= 260 and "\x00" not in v
            for v in value  # no NUL: PostgreSQL refuses it
        )
    ):
        return (value[0], value[1], value[2])
    return None


@role_required(*MANAGERS)
def member_list(request):
    """The member list, 50 a page by keyset ("next page" carries the last row's position; a
    letter jumps to the surnames that start there): page 5,000 costs what page 1 does."""
    args = _search_args(request)
    memberships = selectors.membership_search(request.user, **args)
    letter = request.GET.get("letter", "").upper()
    letter = letter if len(letter) == 1 and letter in LETTERS else ""
    after = cursor_from_token(request.GET.get("after", ""))
    rows, next_cursor = selectors.membership_page(memberships, after=after, letter=letter)
    count, more = selectors.membership_count(memberships)
    filters = {
        k: v
        for k, v in (("q", args["query"]), ("branch", args["branch_id"]), ("category", args["category"]))
        if v
    }
    context = {
        "rows": rows,
        "count": count,
        "more": more,
        "letter": letter,
        "letters": LETTERS,
        "paged": after is not None or bool(letter),
        "filters": urlencode(filters),
        "next_after": cursor_token(next_cursor) if next_cursor else "",
        "args": args,
        "branches": selectors.visible_branches(request.user).only("pk", "name"),
        "categories": Category.choices,
        "querystring": request.GET.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "members/_member_rows.html", context)
    return render(request, "members/member_list.html", context)


@role_required(*ANY_ROLE)
def member_detail(request, person_id: int):
    person = selectors.person_for_user(request.user, person_id)
    if person is None or not (
        selectors.can_manage_members(request.user) or request.user.person_id == person_id
    ):
        raise Http404("No such member in your branches.")
    memberships = person.memberships.select_related("branch", "affiliate").order_by("joined_on")
    return render(request, "members/member_detail.html", {"person": person, "memberships": memberships})


@role_required(*MANAGERS)
def member_import(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a CSV file to upload.")
        elif upload.size > settings.MAX_UPLOAD_BYTES:
            messages.error(request, f"{upload.name} is larger than the upload limit.")
        else:
            job = services.members_import_job_create(
                actor=request.user, upload=upload, allowed_branch_ids=selectors.branch_scope(request.user)
            )
            return redirect("members:import_status", job_id=job.pk)
    jobs = selectors.import_jobs_for(request.user)[:10]
    return render(request, "members/import.html", {"jobs": jobs})


@role_required(*MANAGERS)
def import_status(request, job_id: int):
    job = get_object_or_404(selectors.import_jobs_for(request.user), pk=job_id)
    template = (
        "members/_import_status.html" if request.headers.get("HX-Request") else "members/import_status.html"
    )
    return render(request, template, {"job": job})


@role_required(*MANAGERS)
def member_export(request):
    args = _search_args(request)
    memberships = selectors.membership_search(request.user, **args)
    description = "members" + "".join(f" {k}={v}" for k, v in args.items() if v)
    lines = services.members_export(actor=request.user, memberships=memberships, description=description)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="members-{stamp}.csv"'
    return response


@role_required(*MANAGERS)
def duplicates(request):
    candidates = Paginator(selectors.open_duplicates(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "members/duplicates.html", {"page": candidates})


@require_POST
@role_required(*MANAGERS)
def duplicate_resolve(request, candidate_id: int):
    candidate = get_object_or_404(selectors.open_duplicates(request.user), pk=candidate_id)
    action = request.POST.get("action")
    if action == "merge":
        keep = selectors.person_for_user(request.user, candidate.person_id)
        merge = selectors.person_for_user(request.user, candidate.other_id)
        if keep is None or merge is None:
            raise PermissionDenied("Both records must be in your branches to merge them.")
        services.person_merge(keep=keep, merge=merge, actor=request.user)
        messages.success(request, f"Merged into {keep}: one person, one vote.")
    elif action == "dismiss":
        services.duplicate_dismiss(candidate=candidate, actor=request.user)
        messages.success(request, "Marked as two different people.")
    return redirect("members:duplicates")


def _subject_access_response(request, person) -> HttpResponse:
    data = services.person_subject_access(person=person, actor=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{person.pk}.json"'
    return response


@role_required(*ANY_ROLE)
def my_data(request):
    """A member downloads everything held about them."""
    if request.user.person is None:
        raise Http404("Your account is not linked to a member record.")
    return _subject_access_response(request, request.user.person)


@role_required(Role.NATIONAL_ADMIN)
def person_data(request, person_id: int):
    """A national admin answers a subject access request made by post or email."""
    return _subject_access_response(
        request, get_object_or_404(selectors.visible_people(request.user), pk=person_id)
    )


@role_required(Role.NATIONAL_ADMIN)
def person_erase(request, person_id: int):
    person = get_object_or_404(selectors.visible_people(request.user), pk=person_id)
    if request.method == "POST":
        if request.POST.get("confirm") != "ERASE":
            messages.error(request, "Type ERASE to confirm.")
        else:
            services.person_erase(person=person, actor=request.user, confirm=True)
            messages.success(request, "Personal data erased; membership counts are kept.")
            return redirect("members:detail", person_id=person.pk)
    held = [
        (key, key.split(".", 1)[-1].replace("_", " ").capitalize(), n)
        for key, n in held_counts(person).items()
    ]
    return render(request, "members/erase.html", {"person": person, "held": held})
