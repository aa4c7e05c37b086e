"""Selection pages: the timetable and confirmed shortlist for the branch's members (with the
applicant's own status and the apply form), and the panel's page. Refusals of 403/404 are
the page's answer (web.middleware.RefusalMiddleware); bad input comes back as a message."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import Refused
from groundswell.selections import policies, selectors, services
from groundswell.selections.models import Application, Selection
from groundswell.web.feedback import refused


def _soft(request, error: Refused, back: str, pk: int):
    if error.status == 403 and error.code == "selections.ineligible":
        refused(request, error)
        return redirect(back, pk)
    if error.status not in (400, 409, 422):
        raise error
    refused(request, error)
    return redirect(back, pk)


def _selection(request, selection_id: int) -> Selection:
    s = get_object_or_404(Selection.objects.select_related("branch"), pk=selection_id)
    policies.may_see(request.user, s)
    return s


@role_required()
def selection_detail(request, selection_id: int):
    s = _selection(request, selection_id)
    return render(
        request,
        "selections/detail.html",
        {
            "s": s,
            "stage": s.stage_on(selectors.today()),
            "shortlist": selectors.published_shortlist(s),
            "mine": selectors.my_application(request.user, s),
            "genders": Application.Gender.choices,
            "panel": policies.is_panel(request.user, s),
        },
    )


@require_POST
@role_required()
def selection_apply(request, selection_id: int):
    s = _selection(request, selection_id)
    try:
        services.application_submit(
            actor=request.user,
            selection=s,
            statement=request.POST.get("statement", ""),
            gender=request.POST.get("gender", "not stated"),
            trade_union=request.POST.get("trade_union", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:detail", s.pk)
    return redirect("selections:detail", s.pk)


@role_required()
def selection_panel(request, selection_id: int):
    s = _selection(request, selection_id)
    apps = services.applications_for_panel(actor=request.user, selection=s)
    return render(request, "selections/panel.html", {"s": s, "apps": apps, "balance": selectors.balance(s)})


@require_POST
@role_required()
def selection_decide(request, selection_id: int, application_id: int):
    s = _selection(request, selection_id)
    policies.may_decide(request.user, s)
    app = get_object_or_404(Application, pk=application_id, selection=s)
    try:
        services.decision_record(
            actor=request.user,
            application=app,
            stage=request.POST.get("stage", ""),
            include=request.POST.get("include") == "yes",
            reason=request.POST.get("reason", ""),
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@require_POST
@role_required()
def selection_confirm(request, selection_id: int):
    s = _selection(request, selection_id)
    try:
        services.shortlist_confirm(actor=request.user, selection=s)
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@require_POST
@role_required()
def selection_ballot(request, selection_id: int):
    """One action: the OMOV ballot from the confirmed shortlist, on the published timetable
    (electorate frozen at the close of applications; voting 09:00 on the first ballot day to
    21:00 on the last, local time)."""
    from datetime import datetime, time

    from django.utils import timezone

    s = _selection(request, selection_id)
    tzinfo = timezone.get_current_timezone()
    try:
        services.selection_ballot_create(
            actor=request.user,
            selection=s,
            freeze_date=s.applications_close,
            opens_at=datetime.combine(s.ballot_opens, time(9), tzinfo),
            closes_at=datetime.combine(s.ballot_closes, time(21), tzinfo),
        )
    except Refused as e:
        return _soft(request, e, "selections:panel", s.pk)
    return redirect("selections:panel", s.pk)


@role_required()
def selection_list(request):
    from groundswell.accounts.selectors import is_national_admin, organised_branch_ids
    from groundswell.members.models import Branch

    branches = (
        Branch.objects.all()
        if is_national_admin(request.user)
        else Branch.objects.filter(pk__in=organised_branch_ids(request.user))
    )
    return render(
        request,
        "selections/list.html",
        {
            "selections": selectors.visible_selections(request.user)[:200],
            "branches": branches.order_by("name")[:1000],
        },
    )


@require_POST
@role_required()
def selection_new(request):
    from datetime import date

    from groundswell.core.selections.timetable import STAGES, Timetable
    from groundswell.members.models import Branch

    policies.may_open_any(request.user)
    raw = request.POST.get("branch", "")
    branch = Branch.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    problems, days = [], {}
    if branch is None:
        problems.append("branch: choose one")
    for f in STAGES:
        try:
            days[f] = date.fromisoformat(request.POST.get(f, ""))
        except ValueError:
            problems.append(f"{f}: a date such as 2027-01-31")
    months = request.POST.get("min_months", "0") or "0"
    percent = request.POST.get("balance_percent", "50") or "50"
    if not (months.isdigit() and percent.isdigit()):
        problems.append("min_months and balance_percent: whole numbers")
    if problems:
        refused(request, Refused("selections.invalid", "; ".join(problems), status=422))
        return redirect("selections:list")
    try:
        s = services.selection_create(
            actor=request.user,
            branch=branch,
            title=request.POST.get("title", ""),
            timetable=Timetable(**days),
            min_months=int(months),
            union_required=request.POST.get("union_required") == "on",
            balance_gender=request.POST.get("balance_gender", ""),
            balance_percent=int(percent),
        )
    except Refused as e:
        if e.status not in (400, 409, 422):
            raise
        refused(request, e)
        return redirect("selections:list")
    return redirect("selections:detail", s.pk)
