"""Pages for the ground game: targets, nearest marginal, canvass sessions, the register."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from groundswell.accounts.models import Role
from groundswell.accounts.permissions import role_required
from groundswell.accounts.policies import Refused
from groundswell.core.elections.parties import PARTY_NAMES, party_code
from groundswell.groundgame import selectors, services
from groundswell.groundgame.forms import SessionForm
from groundswell.groundgame.importing import MODES as IMPORT_MODES
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Election,
    RegisterCorrection,
    SessionSignup,
)
from groundswell.members.models import ImportJob
from groundswell.members.services import import_job_confirm, import_job_create
from groundswell.web.charts import bar_chart

ANY_ROLE = tuple(Role)
SORTS = {
    "swing": lambda t: (t.swing_needed, t.name),
    "majority": lambda t: (t.majority, t.name),
    "share": lambda t: (t.majority_share, t.name),
    "name": lambda t: t.name,
    "region": lambda t: (t.region or t.country, t.name),
    "turnout": lambda t: (-t.turnout, t.name),
}
ATTRIBUTION = "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."


@role_required(*ANY_ROLE)
def targets(request):
    elections = list(Election.objects.all())
    year = request.GET.get("election")
    election = selectors.election_for(int(year) if year and year.isdigit() else None)
    party = party_code(request.GET.get("party", settings.GROUNDSWELL_PARTY))
    kind = request.GET.get("kind", "attack")
    kind = kind if kind in ("attack", "defend", "all") else "attack"
    country = request.GET.get("country", "")
    sort = request.GET.get("sort", "swing")
    rows = (
        selectors.target_seats(party=party, election=election, kind=kind, country=country) if election else []
    )
    reverse_sort = sort.startswith("-")
    rows = sorted(rows, key=SORTS.get(sort.lstrip("-"), SORTS["swing"]), reverse=reverse_sort)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    chart = (
        bar_chart(
            [(t.name, round(t.swing_needed, 2)) for t in rows[:20]],
            title=f"Swing needed, {min(20, len(rows))} closest seats (points)",
            value_format="{:.2f}",
            width=560,
        )
        if rows
        else ""
    )
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    return render(
        request,
        "groundgame/targets.html",
        {
            "page": page,
            "elections": elections,
            "election": election,
            "party": party,
            "kind": kind,
            "country": country,
            "sort": sort,
            "chart": chart,
            "parties": PARTY_NAMES,
            "attribution": ATTRIBUTION,
            "base_query": query.urlencode(),
        },
    )


def nearest(request):
    """For a volunteer on a phone: where to go canvassing from here. Open to anyone."""
    context: dict = {"attribution": ATTRIBUTION, "postcode": request.GET.get("postcode", "")}
    lat, lon = request.GET.get("lat"), request.GET.get("lon")
    try:
        if lat and lon:
            point = (float(lat), float(lon))
        elif context["postcode"]:
            point = selectors.postcode_location(context["postcode"])
        else:
            point = None
    except ValueError:
        context["error"] = "That location could not be read."
        point = None
    except selectors.PostcodeNotFound as exc:
        context["error"] = str(exc)
        point = None
    if point is not None:
        election = selectors.election_for()
        context["election"] = election
        context["results"] = selectors.nearest_marginals(
            latitude=point[0], longitude=point[1], election=election
        )
        context["point"] = point
        if request.user.is_authenticated:
            context["mine"] = set(
                SessionSignup.objects.filter(user=request.user).values_list("session_id", flat=True)
            )
    return render(request, "groundgame/nearest.html", context)


@role_required(*ANY_ROLE)
def session_list(request):
    sessions = selectors.upcoming_sessions()
    mine = set(SessionSignup.objects.filter(user=request.user).values_list("session_id", flat=True))
    return render(
        request,
        "groundgame/sessions.html",
        {
            "page": Paginator(sessions, 50).get_page(request.GET.get("page")),
            "mine": mine,
            "can_create": selectors.registers_for(request.user).exists(),
        },
    )


@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def session_new(request):
    seats = selectors.registers_for(request.user)
    form = SessionForm(request.POST or None, constituencies=seats)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                constituency=d["constituency"],
                title=d["title"],
                meeting_point=d["meeting_point"],
                starts_at=d["starts_at"],
                ends_at=d["ends_at"],
                capacity=d["capacity"],
                notes=d["notes"],
            )
        except services.GroundGameError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Session created: volunteers can now sign up.")
            return redirect("groundgame:session", session_id=session.pk)
    return render(request, "groundgame/session_new.html", {"form": form})


@role_required(*ANY_ROLE)
def session_detail(request, session_id: int):
    session = get_object_or_404(CanvassSession.objects.select_related("constituency"), pk=session_id)
    signed_up = SessionSignup.objects.filter(session=session, user=request.user).exists()
    volunteers = None
    if selectors.can_run_sessions(request.user, session.constituency):
        volunteers = session.signups.select_related("user").order_by("signed_up_at")
    return render(
        request,
        "groundgame/session.html",
        {"session": session, "signed_up": signed_up, "volunteers": volunteers},
    )


@require_POST
def session_signup(request, session_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("groundgame:session", args=[session_id]))
    session = get_object_or_404(CanvassSession, pk=session_id)
    try:
        services.session_signup(session=session, user=request.user)
    except services.GroundGameError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You are signed up: {session.title}, {session.meeting_point}.")
    return redirect("groundgame:session", session_id=session.pk)


@require_POST
@role_required(*ANY_ROLE)
def session_cancel(request, session_id: int):
    session = get_object_or_404(CanvassSession, pk=session_id)
    services.session_cancel_signup(session=session, user=request.user)
    messages.success(request, "Your place is given up. Thank you for letting us know.")
    return redirect("groundgame:session", session_id=session.pk)


@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def register_list(request):
    return render(request, "groundgame/registers.html", {"seats": selectors.registers_for(request.user)})


def _seat_for(request, ons_code: str) -> Constituency:
    seat = Constituency.objects.filter(ons_code=ons_code.upper()).select_related("branch").first()
    if seat is None or not selectors.can_see_register(request.user, seat):
        raise Http404("No register you can see.")
    return seat


@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def register_detail(request, ons_code: str):
    seat = _seat_for(request, ons_code)
    if request.method == "POST":
        upload = request.FILES.get("file")
        mode = request.POST.get("mode", "")
        if upload is None:
            messages.error(request, "Choose a register CSV to upload.")
        elif mode not in IMPORT_MODES:
            messages.error(request, "Say whether the file is the full register or a monthly update.")
        elif upload.size > settings.MAX_UPLOAD_BYTES:
            messages.error(request, f"{upload.name} is larger than the upload limit.")
        else:
            job = import_job_create(
                actor=request.user,
                upload=upload,
                kind=ImportJob.Kind.REGISTER,
                params={"constituency_id": seat.pk, "mode": mode},
            )
            return redirect("groundgame:register_import", ons_code=seat.ons_code, job_id=job.pk)
    electors = selectors.register_search(
        seat, request.GET.get("q", "").strip(), request.GET.get("district", "")
    )
    return render(
        request,
        "groundgame/register.html",
        {
            "seat": seat,
            "summary": selectors.register_summary(seat),
            "page": Paginator(electors, 50).get_page(request.GET.get("page")),
            "q": request.GET.get("q", ""),
            "corrections": RegisterCorrection.objects.filter(
                household__constituency=seat, status="pending"
            ).select_related("household", "elector", "submitted_by")[:100],
        },
    )


@require_POST
@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def correction_review(request, ons_code: str, correction_id: str):
    seat = _seat_for(request, ons_code)
    correction = get_object_or_404(RegisterCorrection, pk=correction_id, household__constituency=seat)
    try:
        services.correction_review(
            correction=correction, accept=request.POST.get("action") == "accept", actor=request.user
        )
    except Refused as exc:
        messages.error(request, str(exc))
    return redirect("groundgame:register", ons_code=seat.ons_code)


@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def register_import_status(request, ons_code: str, job_id: int):
    seat = _seat_for(request, ons_code)
    job = get_object_or_404(
        ImportJob, pk=job_id, kind=ImportJob.Kind.REGISTER, params__constituency_id=seat.pk
    )
    template = (
        "groundgame/_register_import.html"
        if request.headers.get("HX-Request")
        else "groundgame/register_import.html"
    )
    return render(request, template, {"job": job, "seat": seat})


@require_POST
@role_required(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)
def register_import_confirm(request, ons_code: str, job_id: int):
    """The confirm step of a full register that marks many electors as left."""
    seat = _seat_for(request, ons_code)
    job = get_object_or_404(
        ImportJob, pk=job_id, kind=ImportJob.Kind.REGISTER, params__constituency_id=seat.pk
    )
    import_job_confirm(job=job, actor=request.user)
    return redirect("groundgame:register_import", ons_code=seat.ons_code, job_id=job.pk)
