"""Reads for the ground game: results as the core wants them, targets, nearest marginals,
postcodes, the register (for those allowed to see it) and canvass sessions."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role, organised_branch_ids
from groundswell.core.elections.results import SeatResult
from groundswell.core.elections.targets import Target, targets
from groundswell.core.formats.members_csv import normalise_postcode
from groundswell.core.geo import crossings, nearest
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Contact,
    Election,
    Elector,
    Household,
    Postcode,
    PostcodeArea,
    RegisterImport,
    Result,
    VoteMark,
    WalkList,
    WalkListDoor,
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
            c.ons_code: c
            for c in Constituency.objects.only("ons_code", "name", "latitude", "longitude", "country")
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
                nation=points[t.ons_code].country,
            )
            for t in targets(seat_results(election), party, kind="all")
            if t.swing_needed <= MAX_SWING
            and points.get(t.ons_code)
            and points[t.ons_code].latitude is not None
        ]
        _SEATS_CACHE.clear()
        _SEATS_CACHE[key] = cached
    return cached


_NATION_POINTS: list[tuple[float, float, str]] = []


def nation_at(latitude: float, longitude: float) -> str:
    """The nation a shared location is in: that of the nearest constituency's centre."""
    if not _NATION_POINTS:
        _NATION_POINTS.extend(
            Constituency.objects.filter(latitude__isnull=False)
            .exclude(country="")
            .values_list("latitude", "longitude", "country")
        )
    return crossings.nation_of(latitude, longitude, _NATION_POINTS)


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
    nation: str = "",
) -> list[NearbySeat]:
    """Where a volunteer at a point should canvass. `nation` (England, Wales, Scotland) comes
    from their postcode; from a shared location it is that of the nearest seat."""
    party = party or settings.GROUNDSWELL_PARTY
    election = election or election_for()
    if election is None:
        return []
    nation = crossings.NATION_CODES.get(nation, nation) or nation_at(latitude, longitude)
    short = nearest.shortlist(
        latitude, longitude, marginal_seats(party=party, election=election), k=limit * 6, nation=nation
    )
    suggestions = nearest.suggest(
        latitude, longitude, short, rooms([s[0].ons_code for s in short]), limit=limit
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
    _NATION_POINTS.clear()


class PostcodeNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Place:
    """Where a postcode is: its own point, or (when the full postcode is unknown) the centre
    of its sector or district, with `note` saying so on the page."""

    latitude: float
    longitude: float
    postcode: str
    precision: str  # postcode, sector or district
    found_as: str  # the code whose point this is: "DE22 1AB", "DE22 1" or "DE22"
    country: str  # E, W, S or "" when not known

    @property
    def note(self) -> str:
        if self.precision == "postcode":
            return ""
        return (
            f"We do not have {self.postcode} itself, so we used the centre of postcode "
            f"{self.precision} {self.found_as}."
        )

    def __iter__(self):  # a Place unpacks as (latitude, longitude), like the tuple it replaced
        return iter((self.latitude, self.longitude))

    def __getitem__(self, i):
        return (self.latitude, self.longitude)[i]

    def __len__(self) -> int:
        return 2


def postcode_location(text: str) -> Place:
    """A postcode's point, else its sector's or district's centre (said so), else
    PostcodeNotFound with a message a volunteer understands."""
    normal = normalise_postcode(text)
    if normal is None:
        raise PostcodeNotFound(f"{text!r} is not a UK postcode: it should look like DE22 1AB")
    found = Postcode.objects.filter(postcode=normal).values_list("latitude", "longitude", "country").first()
    if found is not None:
        return Place(found[0], found[1], normal, "postcode", normal, found[2])
    sector, district = normal[:-2], normal.split(" ", 1)[0]
    areas = {
        a.code: a
        for a in PostcodeArea.objects.filter(code__in=[sector, district]).only(
            "code", "kind", "latitude", "longitude", "country"
        )
    }
    for code in (sector, district):
        a = areas.get(code)
        if a is not None:
            return Place(a.latitude, a.longitude, normal, a.kind, code, a.country)
    raise PostcodeNotFound(
        f"we do not know where {normal} is, nor its district {district}: "
        "try a nearby postcode, or share your location"
    )


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


# -- canvassing -------------------------------------------------------------------------------

SHEET_CODES = ("LAB", "CON", "LD", "UKIP", "GRN", "OTH", "DK", "AG", "NI", "P")  # P: pledged


def polling_day() -> date:
    """The election the canvass is for: attainers who turn 18 after it cannot vote in it."""
    value = getattr(settings, "GROUNDSWELL_POLLING_DAY", "")
    return date.fromisoformat(value) if value else timezone.localdate()


def eligible_electors(qs: QuerySet[Elector]) -> QuerySet[Elector]:
    """Those who can vote at a general election and have a door: no G, E, K or F marker,
    not gone, and 18 by polling day."""
    qs = qs.filter(left_on__isnull=True)
    for marker in "GEKF":
        qs = qs.exclude(markers__contains=marker)
    return qs.filter(Q(attainer_date__isnull=True) | Q(attainer_date__lte=polling_day()))


def assigned_lists(user) -> QuerySet[WalkList]:
    return WalkList.objects.filter(assignments__user=user).select_related("polling_district", "constituency")


def allowed_electors(user) -> set[int] | None:
    """The electors a user may record contacts for: a national admin anyone's; an organiser
    their seats'; everyone else only those on the lists assigned to them."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return None
    mine = WalkListDoor.objects.filter(walk_list__assignments__user=user).values("household_id")
    ids = set(Elector.objects.filter(household_id__in=mine).values_list("pk", flat=True))
    seats = registers_for(user)
    if seats.exists():
        ids |= set(Elector.objects.filter(constituency__in=seats).values_list("pk", flat=True))
    return ids


def allowed_among(user, elector_ids: set[int]) -> set[int] | None:
    """Which of `elector_ids` the user may record: the same rule as `allowed_electors`,
    asked only about the electors in hand (one query, however long the lists)."""
    if has_role(user, Role.NATIONAL_ADMIN):
        return None
    mine = WalkListDoor.objects.filter(walk_list__assignments__user=user).values("household_id")
    allowed = set(
        Elector.objects.filter(pk__in=elector_ids, household_id__in=mine).values_list("pk", flat=True)
    )
    if allowed != elector_ids:
        seats = registers_for(user)
        allowed |= set(
            Elector.objects.filter(pk__in=elector_ids - allowed, constituency__in=seats).values_list(
                "pk", flat=True
            )
        )
    return allowed


def allowed_households(user) -> set[int] | None:
    if has_role(user, Role.NATIONAL_ADMIN):
        return None
    ids = set(
        WalkListDoor.objects.filter(walk_list__assignments__user=user).values_list("household_id", flat=True)
    )
    seats = registers_for(user)
    if seats.exists():
        ids |= set(Household.objects.filter(constituency__in=seats).values_list("pk", flat=True))
    return ids


def latest_contacts(electors: list[int]) -> dict[int, Contact]:
    """The newest contact of each elector (all are kept; the newest is the current view).

    Picked in the database (a window over each elector's contacts, on the (elector,
    recorded_at) index), so a list refresh costs the same on polling day evening, with
    dozens of knocks per door, as in the morning."""
    newest = (
        Contact.objects.filter(elector_id__in=electors)
        .annotate(
            n=Window(
                RowNumber(),
                partition_by=[F("elector_id")],
                order_by=[F("recorded_at").desc(), F("received_at").desc(), F("id").desc()],
            )
        )
        .filter(n=1)
        .select_related("canvasser")
    )
    return {c.elector_id: c for c in newest}


NEWEST_FIRST = [F("recorded_at").desc(), F("received_at").desc(), F("id").desc()]


def newest_contact_per_elector(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Of `contacts`, each elector's newest: one window function in the database (on the
    (elector, recorded_at) index), instead of reading every contact of a seat into Python.
    All contacts are kept; the newest is the elector's current view."""
    return contacts.annotate(
        newest=Window(RowNumber(), partition_by=[F("elector_id")], order_by=NEWEST_FIRST)
    ).filter(newest=1)


def walk_list_payload(walk_list: WalkList) -> dict:
    """A list as the doorstep app caches it: doors in order, who lives there, the last knock."""
    stops = list(walk_list.stops.select_related("household").order_by("position"))
    households = [s.household for s in stops]
    electors = eligible_electors(Elector.objects.filter(household__in=households))
    if walk_list.kind == WalkList.Kind.KNOCKUP:  # polling day: only pledges who have not voted
        electors = electors.filter(pk__in=pledges_not_voted(walk_list.constituency).values("pk"))
    electors = list(electors.order_by("number_sort"))
    latest = latest_contacts([e.pk for e in electors])
    by_household: dict[int, list[dict]] = {}
    for e in electors:
        c = latest.get(e.pk)
        by_household.setdefault(e.household_id, []).append(
            {
                "id": e.pk,
                "number": f"{walk_list.polling_district.code}-{e.elector_number}",
                "name": f"{e.first_name} {e.last_name}".strip(),
                "synthetic": e.synthetic,
                "last": None
                if c is None
                else {
                    "code": c.code,
                    "at": c.recorded_at.isoformat(),
                    "by": str(c.canvasser) if c.canvasser else "",
                },
            }
        )
    return {
        "id": walk_list.pk,
        "name": walk_list.name,
        "district": walk_list.polling_district.code,
        "constituency": walk_list.constituency.name,
        "kind": walk_list.kind,
        "synthetic": any(e.synthetic for e in electors),
        "doors": [
            {
                "household": h.pk,
                "address": ", ".join(x for x in (h.address_1, h.address_2) if x),
                "postcode": h.postcode,
                "street": h.street,
                "lat": h.latitude,
                "lon": h.longitude,
                "electors": by_household.get(h.pk, []),
            }
            for h in households
        ],
    }


def elector_for(user, elector_id: int) -> Elector | None:
    allowed = allowed_electors(user)
    if allowed is not None and elector_id not in allowed:
        return None
    return Elector.objects.select_related("household", "polling_district").filter(pk=elector_id).first()


@dataclass(frozen=True)
class Dashboard:
    contacts: int
    doors_knocked: int
    electors_contacted: int
    shares: list[tuple[str, int]]
    by_list: list[dict]
    by_canvasser: list[dict]


def canvass_dashboard(constituency: Constituency, *, since: datetime | None = None) -> Dashboard:
    contacts = Contact.objects.filter(elector__constituency=constituency)
    if since:
        contacts = contacts.filter(received_at__gte=since)
    latest = dict(newest_contact_per_elector(contacts).values_list("elector_id", "code"))
    shares: dict[str, int] = {}
    for code in latest.values():
        shares[code] = shares.get(code, 0) + 1
    by_list = list(
        contacts.values("walk_list__name")
        .annotate(n=Count("id"), doors=Count("elector__household", distinct=True))
        .order_by("walk_list__name")
    )
    by_canvasser = list(
        contacts.values("canvasser__email", "canvasser__display_name").annotate(n=Count("id")).order_by("-n")
    )
    return Dashboard(
        contacts=contacts.count(),
        doors_knocked=contacts.values("elector__household").distinct().count(),
        electors_contacted=len(latest),
        shares=sorted(shares.items(), key=lambda kv: -kv[1]),
        by_list=by_list,
        by_canvasser=by_canvasser,
    )


def pledges_not_voted(constituency: Constituency, party: str | None = None) -> QuerySet[Elector]:
    """Electors whose current intention is our party or who pledged, and who have not voted."""
    party = party or settings.GROUNDSWELL_PARTY
    pledges = [
        e
        for e, code, pledged in newest_contact_per_elector(
            Contact.objects.filter(elector__constituency=constituency)
        ).values_list("elector_id", "code", "pledged")
        if code == party or pledged
    ]
    return eligible_electors(Elector.objects.filter(pk__in=pledges, vote_mark__isnull=True))


def knockup_turnout(constituency: Constituency, party: str | None = None) -> dict:
    """Pledges and how many of them have voted, hour by hour through polling day."""
    party = party or settings.GROUNDSWELL_PARTY
    pledges = [
        e
        for e, code, pledged in newest_contact_per_elector(
            Contact.objects.filter(elector__constituency=constituency)
        ).values_list("elector_id", "code", "pledged")
        if code == party or pledged
    ]
    marks = list(VoteMark.objects.filter(elector_id__in=pledges).values_list("marked_at", flat=True))
    by_hour: dict[str, int] = {}
    for m in sorted(marks):
        key = timezone.localtime(m).strftime("%H:00")
        by_hour[key] = by_hour.get(key, 0) + 1
    running, cumulative = 0, []
    for hour, n in sorted(by_hour.items()):
        running += n
        cumulative.append((hour, running))
    return {"pledges": len(pledges), "voted": len(marks), "by_hour": cumulative}


def canvass_analytics(constituency: Constituency) -> dict:
    """Current intentions (latest contact per elector) by district and overall, the contact
    rate, what last time's UKIP voters say now, and the last result to compare with."""
    seat_contacts = Contact.objects.filter(elector__constituency=constituency)
    # the newest previous vote anyone recorded, even when the newest contact left it blank
    previous_votes = dict(
        newest_contact_per_elector(seat_contacts.exclude(previous_vote="")).values_list(
            "elector_id", "previous_vote"
        )
    )
    latest: dict[int, tuple[str, str, str]] = {
        elector_id: (code, previous_votes.get(elector_id, ""), district)
        for elector_id, code, district in newest_contact_per_elector(seat_contacts).values_list(
            "elector_id", "code", "elector__polling_district__code"
        )
    }
    parties = set(Contact.PARTIES) | {"DK", "WS", "AG"}
    overall: dict[str, int] = {}
    by_district: dict[str, dict[str, int]] = {}
    switchers: dict[str, int] = {}
    for code, previous, district in latest.values():
        if code not in parties:
            continue
        overall[code] = overall.get(code, 0) + 1
        by_district.setdefault(district, {})
        by_district[district][code] = by_district[district].get(code, 0) + 1
        if previous == "UKIP":
            switchers[code] = switchers.get(code, 0) + 1
    electors = eligible_electors(Elector.objects.filter(constituency=constituency)).count()
    result = (
        Result.objects.filter(constituency=constituency)
        .select_related("election")
        .order_by("-election__polling_day")
        .first()
    )
    last = None
    if result is not None:
        last = {
            "election": result.election.name,
            "shares": {p: round(100 * v / result.total_votes, 1) for p, v in result.votes.items()},
        }
    return {
        "overall": overall,
        "by_district": dict(sorted(by_district.items())),
        "ukip_switchers": switchers,
        "contacted": len(latest),
        "electors": electors,
        "contact_rate": round(100 * len(latest) / electors, 1) if electors else 0.0,
        "last_result": last,
    }
