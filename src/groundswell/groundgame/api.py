"""JSON endpoints for the ground game: targets, nearest marginal, sessions, the register."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from django.conf import settings
from ninja import File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from groundswell.accounts.api_auth import roles
from groundswell.accounts.models import Role
from groundswell.accounts.policies import NeedsConfirmation
from groundswell.core.elections.parties import party_code
from groundswell.groundgame import selectors, services
from groundswell.groundgame.models import CanvassSession, Constituency
from groundswell.members.models import ImportJob
from groundswell.members.services import import_job_create

router = Router(tags=["ground game"])
ANYONE_SIGNED_IN = roles(*Role)
ORGANISERS = roles(Role.BRANCH_ORGANISER, Role.NATIONAL_ADMIN)


class TargetOut(Schema):
    ons_code: str
    name: str
    region: str
    country: str
    winner: str
    runner_up: str | None
    party_votes: int
    party_position: int
    majority: int
    majority_share: float
    swing_needed: float
    total_votes: int
    turnout: float
    held: bool


class SessionOut(Schema):
    id: int
    constituency: str
    ons_code: str
    title: str
    meeting_point: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    free: int

    @staticmethod
    def of(s: CanvassSession) -> SessionOut:
        return SessionOut(
            id=s.pk,
            constituency=s.constituency.name,
            ons_code=s.constituency.ons_code,
            title=s.title,
            meeting_point=s.meeting_point,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            capacity=s.capacity,
            free=s.free,
        )


class NearbyOut(Schema):
    ons_code: str
    name: str
    distance_km: float
    score: float
    swing_needed: float
    held: bool
    majority: int
    reasons: list[str]
    sessions: list[SessionOut]


class SessionIn(Schema):
    ons_code: str
    title: str
    meeting_point: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    notes: str = ""


class RegisterOut(Schema):
    ons_code: str
    name: str
    electors: int
    left: int
    households: int
    polling_districts: dict[str, int]


class ImportOut(Schema):
    id: int
    status: str
    rows_total: int
    error_count: int
    errors: list[dict]
    summary: dict


def _election(year: int | None):
    election = selectors.election_for(year)
    if election is None:
        raise HttpError(404, "no results loaded for that election")
    return election


@router.get("/targets", auth=ANYONE_SIGNED_IN, response=list[TargetOut], summary="Target seats for a party")
def target_list(
    request,
    party: str = "",
    election: int | None = Query(None, ge=1800, le=2200),
    kind: str = "attack",
    country: str = "",
    limit: int = 50,
):
    if kind not in ("attack", "defend", "all"):
        raise HttpError(422, "kind is attack, defend or all")
    rows = selectors.target_seats(
        party=party_code(party or settings.GROUNDSWELL_PARTY),
        election=_election(election),
        kind=kind,
        limit=limit,
        country=country,
    )
    return [TargetOut(**t.__dict__, held=t.held) for t in rows]


@router.get("/nearest", auth=None, response=list[NearbyOut], summary="Where a volunteer should canvass")
def nearest_list(
    request,
    lat: float | None = Query(None, ge=-90, le=90),
    lon: float | None = Query(None, ge=-180, le=180),
    postcode: str = "",
    party: str = "",
    election: int | None = Query(None, ge=1800, le=2200),
    limit: int = 5,
):
    nation = ""
    if lat is None or lon is None:
        if not postcode:
            raise HttpError(422, "give lat and lon, or a postcode")
        try:
            place = selectors.postcode_location(postcode)
        except selectors.PostcodeNotFound as exc:
            raise HttpError(404, str(exc)) from None
        lat, lon, nation = place.latitude, place.longitude, place.country
    found = selectors.nearest_marginals(
        latitude=lat,
        longitude=lon,
        nation=nation,
        party=party_code(party) if party else None,
        election=_election(election),
        limit=min(max(limit, 1), 20),
    )
    return [
        NearbyOut(
            ons_code=n.suggestion.seat.ons_code,
            name=n.suggestion.seat.name,
            distance_km=round(n.suggestion.distance_km, 2),
            score=round(n.suggestion.score, 4),
            swing_needed=round(n.suggestion.seat.swing_needed, 3),
            held=n.suggestion.seat.held,
            majority=n.suggestion.seat.majority,
            reasons=list(n.suggestion.reasons),
            sessions=[SessionOut.of(s) for s in n.sessions],
        )
        for n in found
    ]


@router.get(
    "/sessions", auth=ANYONE_SIGNED_IN, response=list[SessionOut], summary="Upcoming canvass sessions"
)
def session_list(request, ons_code: str = ""):
    seat = Constituency.objects.filter(ons_code=ons_code.upper()).first() if ons_code else None
    return [SessionOut.of(s) for s in selectors.upcoming_sessions(seat)[:500]]


@router.post("/sessions", auth=ORGANISERS, response={201: SessionOut}, summary="Create a canvass session")
def session_create(request, payload: SessionIn):
    seat = selectors.registers_for(request.user).filter(ons_code=payload.ons_code.upper()).first()
    if seat is None:
        raise HttpError(403, "you do not organise that constituency")
    try:
        session = services.session_create(
            actor=request.user,
            constituency=seat,
            title=payload.title,
            meeting_point=payload.meeting_point,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            capacity=payload.capacity,
            notes=payload.notes,
        )
    except services.GroundGameError as exc:
        raise HttpError(422, str(exc)) from None
    return 201, SessionOut.of(session)


@router.post(
    "/sessions/{session_id}/signup",
    auth=ANYONE_SIGNED_IN,
    response=SessionOut,
    summary="Sign up for a session",
)
def session_signup(request, session_id: int):
    session = CanvassSession.objects.select_related("constituency").filter(pk=session_id).first()
    if session is None:
        raise HttpError(404, "no such session")
    try:
        services.session_signup(session=session, user=request.user)
    except services.GroundGameError as exc:
        raise HttpError(409, str(exc)) from None
    session.refresh_from_db()
    return SessionOut.of(session)


@router.delete(
    "/sessions/{session_id}/signup", auth=ANYONE_SIGNED_IN, response=SessionOut, summary="Give up your place"
)
def session_cancel(request, session_id: int):
    session = CanvassSession.objects.select_related("constituency").filter(pk=session_id).first()
    if session is None:
        raise HttpError(404, "no such session")
    services.session_cancel_signup(session=session, user=request.user)
    session.refresh_from_db()
    return SessionOut.of(session)


def _seat(request, ons_code: str) -> Constituency:
    seat = Constituency.objects.filter(ons_code=ons_code.upper()).first()
    if seat is None or not selectors.can_see_register(request.user, seat):
        raise HttpError(404, "no register you can see")
    return seat


@router.get(
    "/register/{ons_code}", auth=ORGANISERS, response=RegisterOut, summary="A constituency's register"
)
def register_summary(request, ons_code: str):
    seat = _seat(request, ons_code)
    s = selectors.register_summary(seat)
    return RegisterOut(
        ons_code=seat.ons_code,
        name=seat.name,
        electors=s.electors,
        left=s.left,
        households=s.households,
        polling_districts=dict(s.districts),
    )


@router.post(
    "/register/{ons_code}/import",
    auth=ORGANISERS,
    response={200: ImportOut, 202: ImportOut},
    summary="Upload a register CSV (all or nothing): mode full or update; a full register marking "
    "more than 5% as left needs confirm=true (else 428 with the consequences)",
)
def register_import(
    request,
    ons_code: str,
    mode: Literal["full", "update"] = Form(...),
    confirm: bool = Form(False),
    file: UploadedFile = File(...),  # noqa: B008
):
    seat = _seat(request, ons_code)
    if file.size > settings.MAX_UPLOAD_BYTES:
        raise HttpError(413, "file larger than the upload limit")
    job = import_job_create(
        actor=request.user,
        upload=file,
        kind=ImportJob.Kind.REGISTER,
        params={"constituency_id": seat.pk, "mode": mode, "confirm": confirm},
    )
    job.refresh_from_db()
    if job.finished and job.summary.get("confirm"):
        Path(job.path).unlink(missing_ok=True)  # the API confirms by sending the file again
        raise NeedsConfirmation(
            "register.many_leavers",
            job.errors[0]["message"] + " Send the file again with confirm=true.",
            consequences={**job.summary["confirm"], "job": job.pk},
        )
    return (200 if job.finished else 202), ImportOut(
        id=job.pk,
        status=job.status,
        rows_total=job.rows_total,
        error_count=job.error_count,
        errors=job.errors,
        summary=job.summary,
    )


# -- canvassing (the doorstep app) ------------------------------------------------------------


class ContactIn(Schema):
    id: str
    elector: int
    walk_list: int | None = None
    code: str
    previous_vote: str = ""
    likelihood: int | None = None
    issues: str = ""
    pledged: bool = False
    postal_vote: bool = False
    lift: bool = False
    notes: str = ""
    recorded_at: str | None = None
    no_calls: bool = False  # "don't phone me": kept as do-not-call by the phone banks


class ContactsIn(Schema):
    contacts: list[ContactIn]


class ContactsOut(Schema):
    created: int
    duplicates: int
    accepted: list[str]
    errors: list[dict]


class CorrectionIn(Schema):
    id: str
    kind: str
    household: int
    elector: int | None = None
    first_name: str = ""
    last_name: str = ""


class ElectorOut(Schema):
    id: int
    number: str
    name: str
    address: str
    postcode: str
    markers: str
    last: dict | None


class ReturnsIn(Schema):
    marks: list[tuple[str, str]]


@router.get("/canvass/lists", auth=ANYONE_SIGNED_IN, summary="Your assigned walk lists, for the doorstep app")
def canvass_lists(request):
    lists = [selectors.walk_list_payload(w) for w in selectors.assigned_lists(request.user)]
    rows = sum(len(d["electors"]) for wl in lists for d in wl["doors"])
    services.bulk_read_record(
        actor=request.user, action="walklist.sync", target=f"lists:{len(lists)}", rows=rows
    )
    return lists


@router.post(
    "/canvass/contacts",
    auth=ANYONE_SIGNED_IN,
    response=ContactsOut,
    summary="Record contacts (idempotent by the phone's id)",
)
def canvass_contacts(request, payload: ContactsIn):
    allowed = selectors.allowed_among(request.user, {c.elector for c in payload.contacts})
    result = services.contacts_record(
        canvasser=request.user, items=[c.dict() for c in payload.contacts], allowed_electors=allowed
    )
    if result["errors"] and not result["created"] and not result["duplicates"]:
        worst = max(result["errors"], key=lambda e: e["status"] == 403)  # a refusal outranks bad input
        raise HttpError(worst["status"], worst["error"])
    return result


class UndoIn(Schema):
    id: str


class VotedIn(Schema):
    electors: list[int]


@router.post("/canvass/undo", auth=ANYONE_SIGNED_IN, summary="Undo your own contact (a mistaken tap)")
def canvass_undo(request, payload: UndoIn):
    try:
        undone = services.contact_undo(canvasser=request.user, contact_id=payload.id)
    except services.ContactError as exc:
        raise HttpError(403, str(exc)) from None
    return {"undone": undone}


@router.post("/canvass/voted", auth=ANYONE_SIGNED_IN, summary="Knock-up: electors who say they have voted")
def canvass_voted(request, payload: VotedIn):
    try:
        return services.doorstep_voted(
            electors=payload.electors,
            allowed_electors=selectors.allowed_among(request.user, set(payload.electors)),
        )
    except services.ContactError as exc:
        raise HttpError(403, str(exc)) from None


@router.post("/canvass/corrections", auth=ANYONE_SIGNED_IN, summary="Report a new elector or one who moved")
def canvass_correction(request, payload: CorrectionIn):
    try:
        c = services.correction_submit(
            canvasser=request.user,
            item=payload.dict(),
            allowed_households=selectors.allowed_households(request.user),
        )
    except services.ContactError as exc:
        raise HttpError(exc.status, str(exc)) from None
    return {"id": str(c.id), "status": c.status}


@router.get(
    "/canvass/electors/{elector_id}",
    auth=ANYONE_SIGNED_IN,
    response=ElectorOut,
    summary="One elector on your lists",
)
def canvass_elector(request, elector_id: int):
    e = selectors.elector_for(request.user, elector_id)
    if e is None:
        raise HttpError(404, "no such elector on your walk lists")
    last = selectors.latest_contacts([e.pk]).get(e.pk)
    return ElectorOut(
        id=e.pk,
        number=f"{e.polling_district.code}-{e.elector_number}",
        name=f"{e.first_name} {e.last_name}".strip(),
        address=str(e.household),
        postcode=e.household.postcode,
        markers=e.markers,
        last=None if last is None else {"code": last.code, "at": last.recorded_at.isoformat()},
    )


@router.post("/pollingday/{ons_code}/returns", auth=ORGANISERS, summary="Tellers' returns: who has voted")
def tellers_returns(request, ons_code: str, payload: ReturnsIn):
    seat = _seat(request, ons_code)
    return services.tellers_record(constituency=seat, marks=payload.marks)


@router.get("/pollingday/{ons_code}/knockup", auth=ORGANISERS, summary="Pledges not yet voted")
def knockup(request, ons_code: str):
    seat = _seat(request, ons_code)
    rows = [
        {
            "id": e.pk,
            "number": f"{e.polling_district.code}-{e.elector_number}",
            "name": f"{e.first_name} {e.last_name}".strip(),
            "address": str(e.household),
        }
        for e in selectors.pledges_not_voted(seat).select_related("household", "polling_district")[:5000]
    ]
    services.bulk_read_record(
        actor=request.user, action="knockup.read", target=f"seat:{seat.ons_code}", rows=len(rows)
    )
    return rows


class WalkListOut(Schema):
    id: int
    name: str
    district: str
    kind: str
    doors: int
    electors: int
    route_length_m: float | None
    canvassers: list[str]


@router.get(
    "/walklists/{ons_code}", auth=ORGANISERS, response=list[WalkListOut], summary="A seat's walk lists"
)
def walk_list_index(request, ons_code: str):
    seat = _seat(request, ons_code)
    lists = seat.walk_lists.select_related("polling_district").prefetch_related("assignments__user")
    return [
        WalkListOut(
            id=w.pk,
            name=w.name,
            district=w.polling_district.code,
            kind=w.kind,
            doors=w.doors,
            electors=w.electors,
            route_length_m=w.route_length_m,
            canvassers=[a.user.email for a in w.assignments.all()],
        )
        for w in lists
    ]


@router.post("/walklists/{ons_code}/cut", auth=ORGANISERS, summary="Cut walk lists (assigned lists are kept)")
def walk_list_cut(request, ons_code: str, doors: int = 60):
    seat = _seat(request, ons_code)
    if not 5 <= doors <= 500:
        raise HttpError(422, "doors must be between 5 and 500")
    return services.turfs_cut(constituency=seat, doors=doors, actor=request.user)
