"""Pages for canvassing: the doorstep app, walk lists and sheets, the live dashboard, polling day."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import ensure_csrf_cookie

from groundswell.accounts.models import Role, User
from groundswell.accounts.permissions import role_required
from groundswell.accounts.services import audit_record
from groundswell.core.formats.spreadsheet import SafeWriter
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import CanvassSession, Constituency, WalkList
from groundswell.groundgame.sheets import walk_sheet_pdf
from groundswell.web.charts import bar_chart

ANY_ROLE = tuple(Role)
ORGANISERS = (Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)


@ensure_csrf_cookie
@role_required(*ANY_ROLE)
def canvass_app(request):
    """The doorstep app's page. Its data comes from the API and lives on the phone."""
    return render(request, "groundgame/canvass_app.html")


def service_worker(request):
    response = HttpResponse(render_to_string("groundgame/sw.js"), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/canvass/"
    response["Cache-Control"] = "no-cache"
    return response


@role_required(*ANY_ROLE)
def elector_page(request, elector_id: int):
    elector = selectors.elector_for(request.user, elector_id)
    if elector is None:
        raise Http404("No such elector on your walk lists.")
    contacts = elector.contacts.select_related("canvasser").order_by("-recorded_at")[:20]
    return render(request, "groundgame/elector.html", {"elector": elector, "contacts": contacts})


def _seat(request, ons_code: str) -> Constituency:
    seat = Constituency.objects.filter(ons_code=ons_code.upper()).first()
    if seat is None or not selectors.can_see_register(request.user, seat):
        raise Http404("No constituency you organise.")
    return seat


@role_required(*ORGANISERS)
def walk_lists(request, ons_code: str):
    seat = _seat(request, ons_code)
    if request.method == "POST" and request.POST.get("action") == "cut":
        doors = max(5, min(500, int(request.POST.get("doors") or 60)))
        result = services.turfs_cut(constituency=seat, doors=doors, actor=request.user)
        messages.success(
            request,
            f"Cut {result['lists']} walk lists of about {doors} doors "
            f"({result['kept']} assigned lists kept as they were).",
        )
        return redirect("groundgame:walk_lists", ons_code=seat.ons_code)
    if request.method == "POST" and request.POST.get("action") == "assign":
        wl = get_object_or_404(WalkList, pk=request.POST.get("walk_list"), constituency=seat)
        user = User.objects.filter(email=request.POST.get("email", "").strip().lower()).first()
        if user is None:
            messages.error(request, "No account with that email.")
        else:
            session = CanvassSession.objects.filter(
                pk=request.POST.get("session") or 0, constituency=seat
            ).first()
            services.walk_list_assign(walk_list=wl, user=user, session=session)
            messages.success(request, f"{wl.name} assigned to {user}.")
        if request.POST.get("next") == "polling_day":
            return redirect("groundgame:polling_day", ons_code=seat.ons_code)
        return redirect("groundgame:walk_lists", ons_code=seat.ons_code)
    lists = WalkList.objects.filter(constituency=seat, kind=WalkList.Kind.CANVASS)
    district, q, status = (
        request.GET.get("district", ""),
        request.GET.get("q", "").strip(),
        request.GET.get("status", ""),
    )
    if district:
        lists = lists.filter(polling_district__code=district)
    if q:
        lists = lists.filter(name__icontains=q)
    if status == "assigned":
        lists = lists.filter(assignments__isnull=False).distinct()
    elif status == "free":
        lists = lists.filter(assignments__isnull=True)
    page = Paginator(
        lists.select_related("polling_district")
        .prefetch_related("assignments__user")
        .order_by("polling_district__code", "name"),
        25,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groundgame/walk_lists.html",
        {
            "seat": seat,
            "page": page,
            "lists": page.object_list,
            "districts": seat.polling_districts.values_list("code", flat=True),
            "district": district,
            "q": q,
            "status": status,
            "base_query": query.urlencode(),
        },
    )


def _walk_list_for(request, list_id: int) -> WalkList:
    wl = get_object_or_404(WalkList.objects.select_related("constituency", "polling_district"), pk=list_id)
    if not (
        selectors.can_see_register(request.user, wl.constituency)
        or wl.assignments.filter(user=request.user).exists()
    ):
        raise Http404("No walk list of yours.")
    return wl


@role_required(*ANY_ROLE)
def walk_sheet(request, list_id: int, fmt: str):
    if fmt not in ("pdf", "csv"):
        raise Http404("Walk sheets come as .pdf or .csv.")
    wl = _walk_list_for(request, list_id)
    payload = selectors.walk_list_payload(wl)
    rows = sum(len(d["electors"]) for d in payload["doors"])
    audit_record(actor=request.user, action=f"walklist.sheet.{fmt}", target=f"walklist:{wl.pk}", rows=rows)
    if fmt == "csv":
        out = io.StringIO()
        w = SafeWriter(out)
        w.writerow(
            ["order", "address", "postcode", "elector_number", "name", "last_code", *selectors.SHEET_CODES]
        )
        for i, door in enumerate(payload["doors"], 1):
            for person in door["electors"]:
                w.writerow(
                    [
                        i,
                        door["address"],
                        door["postcode"],
                        person["number"],
                        person["name"],
                        (person["last"] or {}).get("code", ""),
                        *[""] * len(selectors.SHEET_CODES),
                    ]
                )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="walk-list-{wl.name}.csv"'
        return response
    response = HttpResponse(walk_sheet_pdf(wl, payload), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="walk-list-{wl.name}.pdf"'
    return response


@role_required(*ORGANISERS)
def dashboard(request, ons_code: str):
    seat = _seat(request, ons_code)
    hours = request.GET.get("hours")
    since = timezone.now() - timedelta(hours=int(hours)) if hours and hours.isdigit() else None
    data = selectors.canvass_dashboard(seat, since=since)
    analytics = selectors.canvass_analytics(seat)
    context = {
        "seat": seat,
        "d": data,
        "analytics": analytics,
        "shares_chart": bar_chart(data.shares, title="Current intentions of electors contacted", width=460)
        if data.shares
        else "",
        "lists_chart": bar_chart(
            [(r["walk_list__name"] or "no list", r["n"]) for r in data.by_list[:20]],
            title="Contacts by walk list",
            width=460,
        )
        if data.by_list
        else "",
        "people_chart": bar_chart(
            [
                (r["canvasser__display_name"] or r["canvasser__email"] or "?", r["n"])
                for r in data.by_canvasser[:20]
            ],
            title="Contacts by canvasser",
            width=460,
        )
        if data.by_canvasser
        else "",
        "switch_chart": bar_chart(
            sorted(analytics["ukip_switchers"].items(), key=lambda kv: -kv[1]),
            title="Voted UKIP last time: what they say now",
            width=460,
        )
        if analytics["ukip_switchers"]
        else "",
    }
    template = (
        "groundgame/_dashboard.html" if request.headers.get("HX-Request") else "groundgame/dashboard.html"
    )
    return render(request, template, context)


@role_required(*ORGANISERS)
def polling_day(request, ons_code: str):
    seat = _seat(request, ons_code)
    if request.method == "POST":
        marks = []
        if request.FILES.get("file"):
            text = request.FILES["file"].read().decode("utf-8-sig", errors="replace")
            for row in csv.reader(io.StringIO(text)):
                if len(row) >= 2 and row[1].strip() and row[0].strip().lower() != "polling_district":
                    marks.append((row[0], row[1]))
        for line in request.POST.get("typed", "").split():
            if "-" in line:
                district, number = line.split("-", 1)
                marks.append((district, number))
        result = services.tellers_record(constituency=seat, marks=marks)
        services.knockup_refresh(constituency=seat)
        messages.success(
            request,
            f"{result['marked']} marked as voted ({result['already']} already)."
            + (f" Not found: {', '.join(result['unknown'][:10])}" if result["unknown"] else ""),
        )
        return redirect("groundgame:polling_day", ons_code=seat.ons_code)
    turnout = selectors.knockup_turnout(seat)
    chart = (
        bar_chart(turnout["by_hour"], title="Pledges who have voted, by hour", width=460)
        if turnout["by_hour"]
        else ""
    )
    lists = (
        WalkList.objects.filter(constituency=seat, kind=WalkList.Kind.KNOCKUP)
        .select_related("polling_district")
        .prefetch_related("assignments__user")
    )
    knockup = (
        selectors.pledges_not_voted(seat)
        .select_related("household", "polling_district")
        .order_by("polling_district__code", "number_sort")[:500]
    )
    knockup = list(knockup)
    services.bulk_read_record(
        actor=request.user, action="knockup.read", target=f"seat:{seat.ons_code}", rows=len(knockup)
    )
    return render(
        request,
        "groundgame/polling_day.html",
        {
            "seat": seat,
            "turnout": turnout,
            "chart": chart,
            "lists": lists,
            "knockup": knockup,
        },
    )
