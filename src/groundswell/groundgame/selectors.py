"""Reads for the ground game: results as the core wants them, targets, nearest marginals,
postcodes, the register (for those allowed to see it) and canvass sessions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.core.elections.results import SeatResult
from groundswell.core.elections.targets import Target, targets
from groundswell.core.formats.members_csv import normalise_postcode
from groundswell.core.geo import nearest
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Election,
    Elector,
    Household,
    Postcode,
    RegisterImport,
    Result,
)


def election_for(year: int | None = None) -> Election | None:
    """The general election of `year`, or the latest one loaded."""
    qs = Election.objects.all()
    if year:
        return qs.filter(polling_day__year=year).first()
    return qs.order_by("-polling_day").first()


def seat_results(election: Election) -> list[SeatResult]:
    rows = Result.objects.filter(election=election).select_related("constituency")
    return [
        SeatResult(
            ons_code=r.constituency.ons_code,
            name=r.constituency.name,
            county=r.constituency.county,
            region=r.constituency.region,
            country=r.constituency.country,
            electorate=r.electorate,
            election=election.polling_day,
            votes=r.votes,
        )
        for r in rows
    ]


def target_seats(
    *, party: str, election: Election, kind: str = "all", limit: int | None = None, country: str = ""
) -> list[Target]:
    out = targets(seat_results(election), party, kind=kind)
    if country:
        out = [t for t in out if t.country.lower() == country.lower()]
    return out[:limit] if limit else out


# -- nearest marginal -------------------------------------------------------------------------

_SEATS_CACHE: dict[tuple, list[nearest.Seat]] = {}
_STAMP: dict[int, tuple[float, dict]] = {}
STAMP_SECONDS = 5.0  # how stale the results may be before we look whether they changed
_SEAT_IDS: dict[str, int] = {}
MAX_SWING = 10.0  # points: seats further out than this are not marginal enough to send anyone


def marginal_seats(*, party: str, election: Election) -> list[nearest.Seat]:
    """Target seats (attack and defend, within MAX_SWING) with their representative points.
    Cached per process until the results change."""
    now = time.monotonic()
    if now - _STAMP.get(election.pk, (0.0, None))[0] > STAMP_SECONDS:
        _STAMP[election.pk] = (
            now,
            Result.objects.filter(election=election).aggregate(n=Count("id"), m=Max("id")),
        )
    stamp = _STAMP[election.pk][1]
    key = (party, election.pk, stamp["n"], stamp["m"])
    cached = _SEATS_CACHE.get(key)
    if cached is None:
        points = {
            c.ons_code: c for c in Constituency.objects.only("ons_code", "name", "latitude", "longitude")
        }
        _SEAT_IDS.update({code: c.pk for code, c in points.items()})
        cached = [
            nearest.Seat(
                ons_code=t.ons_code,
                name=points[t.ons_code].name,
                latitude=points[t.ons_code].latitude,
                longitude=points[t.ons_code].longitude,
                swing_needed=t.swing_needed,
                held=t.held,
                majority=t.majority,
            )
            for t in targets(seat_results(election), party, kind="all")
            if t.swing_needed <= MAX_SWING
            and points.get(t.ons_code)
            and points[t.ons_code].latitude is not None
        ]
        _SEATS_CACHE.clear()
        _SEATS_CACHE[key] = cached
    return cached


def _seat_ids(ons_codes: list[str]) -> dict[int, str]:
    missing = [c for c in ons_codes if c not in _SEAT_IDS]
    if missing:
        _SEAT_IDS.update(
            dict(Constituency.objects.filter(ons_code__in=missing).values_list("ons_code", "pk"))
        )
    return {_SEAT_IDS[c]: c for c in ons_codes if c in _SEAT_IDS}


def rooms(ons_codes: list[str], *, after: datetime | None = None) -> dict[str, nearest.Room]:
    """Upcoming sessions per seat: one aggregate on the (constituency, starts_at) index."""
    after = after or timezone.now()
    ids = _seat_ids(ons_codes)
    rows = (
        CanvassSession.objects.filter(constituency_id__in=list(ids), starts_at__gte=after)
        .values("constituency_id")
        .annotate(sessions=Count("id"), capacity=Sum("capacity"), taken=Sum("signed_up"))
        .order_by()
    )
    return {
        ids[r["constituency_id"]]: nearest.Room(
            sessions=r["sessions"], capacity=r["capacity"] or 0, free=(r["capacity"] or 0) - (r["taken"] or 0)
        )
        for r in rows
    }


@dataclass(frozen=True)
class NearbySeat:
    suggestion: nearest.Suggestion
    sessions: list[CanvassSession]


def nearest_marginals(
    *,
    latitude: float,
    longitude: float,
    party: str | None = None,
    election: Election | None = None,
    limit: int = 5,
) -> list[NearbySeat]:
    party = party or settings.GROUNDSWELL_PARTY
    election = election or election_for()
    if election is None:
        return []
    short = nearest.shortlist(
        latitude, longitude, marginal_seats(party=party, election=election), k=limit * 6
    )
    suggestions = nearest.suggest(
        latitude, longitude, short, rooms([s.ons_code for s, _, _ in short]), limit=limit
    )
    ids = _seat_ids([s.seat.ons_code for s in suggestions])
    sessions: dict[str, list[CanvassSession]] = {code: [] for code in ids.values()}
    upcoming = (  # the next five sessions of each seat, in one query
        CanvassSession.objects.filter(constituency_id__in=list(ids), starts_at__gte=timezone.now())
        .annotate(n=Window(RowNumber(), partition_by=[F("constituency_id")], order_by=F("starts_at").asc()))
        .filter(n__lte=5)
        .select_related("constituency")
        .order_by("starts_at")
    )
    for session in upcoming:
        sessions[ids[session.constituency_id]].append(session)
    return [NearbySeat(s, sessions.get(s.seat.ons_code, [])) for s in suggestions]


def clear_caches() -> None:
    """Forget cached seats (after results are imported; tests call it between cases)."""
    _SEATS_CACHE.clear()
    _STAMP.clear()
    _SEAT_IDS.clear()


class PostcodeNotFound(LookupError):
    pass


def postcode_location(text: str) -> tuple[float, float]:
    """A postcode's point, or PostcodeNotFound with a message a volunteer understands."""
    normal = normalise_postcode(text)
    if normal is None:
        raise PostcodeNotFound(f"{text!r} is not a UK postcode: it should look like DE22 1AB")
    found = Postcode.objects.filter(postcode=normal).values_list("latitude", "longitude").first()
    if found is None:
        raise PostcodeNotFound(
            f"we do not know where {normal} is: try a nearby postcode, or share your location"
        )
    return found


# -- the register -----------------------------------------------------------------------------


def can_see_register(user, constituency: Constituency) -> bool:
    """Only the organisers of the seat's branch, and national admins."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return True
    return constituency.branch_id is not None and constituency.branch_id in organised_branch_ids(user)


def registers_for(user) -> QuerySet[Constituency]:
    if has_role(user, Role.NATIONAL_ADMIN):
        return Constituency.objects.all()
    return Constituency.objects.filter(branch_id__in=organised_branch_ids(user))


@dataclass(frozen=True)
class RegisterSummary:
    electors: int
    left: int
    households: int
    located: int
    districts: list[tuple[str, int]]
    imports: list[RegisterImport]


def register_summary(constituency: Constituency) -> RegisterSummary:
    electors = Elector.objects.filter(constituency=constituency)
    households = Household.objects.filter(constituency=constituency)
    districts = (
        electors.filter(left_on__isnull=True)
        .values("polling_district__code")
        .annotate(n=Count("id"))
        .order_by("polling_district__code")
    )
    return RegisterSummary(
        electors=electors.filter(left_on__isnull=True).count(),
        left=electors.filter(left_on__isnull=False).count(),
        households=households.count(),
        located=households.filter(latitude__isnull=False).count(),
        districts=[(d["polling_district__code"], d["n"]) for d in districts],
        imports=list(RegisterImport.objects.filter(constituency=constituency)[:10]),
    )


def register_search(constituency: Constituency, query: str = "", district: str = "") -> QuerySet[Elector]:
    qs = Elector.objects.filter(constituency=constituency).select_related("household", "polling_district")
    if district:
        qs = qs.filter(polling_district__code=district)
    if query:
        qs = qs.filter(
            Q(last_name__istartswith=query)
            | Q(household__street__istartswith=query)
            | Q(household__postcode__istartswith=query.upper())
        )
    return qs.order_by("polling_district__code", "number_sort")


# -- canvass sessions -------------------------------------------------------------------------


def can_run_sessions(user, constituency: Constituency) -> bool:
    return can_see_register(user, constituency)


def upcoming_sessions(constituency: Constituency | None = None) -> QuerySet[CanvassSession]:
    qs = CanvassSession.objects.filter(starts_at__gte=timezone.now()).select_related("constituency")
    if constituency is not None:
        qs = qs.filter(constituency=constituency)
    return qs.order_by("starts_at")
