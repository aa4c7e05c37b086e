"""Demo ground game: the real results, every real GB postcode (OS Code-Point Open), a
synthetic Derby North register on real Derby postcodes, and canvass sessions in the target
seats nearest Derby.

The people are made up and flagged so; the places are real. Each household sits at a real
Derby North postcode (a postcode Code-Point places nearer Derby North's centre than any other
seat's), a few metres along a short street through that postcode's point, odd numbers on one
side and even on the other. The street *names* are synthetic (Code-Point has none): unique
within a postcode district, but the same name recurs in other districts, as real names do,
so the walk lists must tell "Mundy Lane, DE3" from "Mundy Lane, DE21". Polling districts are
neighbouring postcode sectors grouped together, so one can span two postcode districts.
"""

from __future__ import annotations

import csv
import math
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from django.utils import timezone

from groundswell.core.formats.register_csv import HEADER
from groundswell.core.geo.distance import haversine_km_many
from groundswell.groundgame import selectors, services
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Elector,
    Postcode,
    PostcodeArea,
    SessionSignup,
    WalkList,
    WalkListAssignment,
)
from groundswell.members.demo import FIRST, LAST

STREET_STEMS = [
    "Duffield",
    "Kedleston",
    "Burton",
    "Ashbourne",
    "Radbourne",
    "Belper",
    "Allestree",
    "Darley",
    "Chester",
    "Markeaton",
    "Mackworth",
    "Breadsall",
    "Oakwood",
    "Chaddesden",
    "Littleover",
    "Mickleover",
    "Derwent",
    "Abbey",
    "Parkfield",
    "Cromwell",
    "Highfield",
    "Elmhurst",
    "Birchover",
    "Morley",
    "Quarndon",
    "Kingsway",
    "Broadway",
    "Otter",
    "Cedar",
    "Larch",
    "Rowan",
    "Willow",
    "Poplar",
    "Laburnum",
    "Holly",
    "Hawthorn",
    "Sycamore",
    "Curzon",
    "Cavendish",
    "Vernon",
    "Harrington",
    "Mundy",
    "Evans",
    "Strutt",
    "Arkwright",
    "Wright",
    "Flamsteed",
    "Spencer",
    "Victoria",
    "Albert",
]
MEETING_POINTS = ("Community centre", "Library", "Campaign office")
STREET_KINDS = (
    "Road", "Street", "Avenue", "Lane", "Close", "Drive", "Crescent", "Grove", "Way", "Gardens",
    "Place", "Walk", "Rise", "View", "Terrace", "Court", "Mews", "Green",
)  # fmt: skip
SEAT_RADIUS_KM = 5.0  # postcodes further from the seat's centre are left out
COMMON_NAMES = ["Mundy Lane", "Victoria Street", "Duffield Road"]
N_DISTRICTS = 16  # polling districts of the demo seat
HOUSE_SPACING_KM = 0.007  # between neighbours on one side of a street


def derby_north_postcodes(derby: Constituency) -> list[tuple[str, float, float]]:
    """Real DE postcodes nearer Derby North's centre than any other seat's (a fair stand-in
    for the boundary, which Code-Point Open does not carry), nearest the centre first."""
    rows = list(
        Postcode.objects.filter(postcode__startswith="DE").values_list("postcode", "latitude", "longitude")
    )
    rows = [r for r in rows if r[0][2].isdigit()]  # DE only, not a longer area
    if not rows:
        return []
    seats = list(
        Constituency.objects.filter(latitude__isnull=False).values_list("pk", "latitude", "longitude")
    )
    lat = np.array([r[1] for r in rows])
    lon = np.array([r[2] for r in rows])
    best = np.full(len(rows), np.inf)
    owner = np.zeros(len(rows), dtype=np.int64)
    for pk, sla, slo in seats:
        if abs(sla - derby.latitude) > 0.5 or abs(slo - derby.longitude) > 0.8:
            continue
        d = haversine_km_many(sla, slo, lat, lon)
        nearer = d < best
        best = np.where(nearer, d, best)
        owner = np.where(nearer, pk, owner)
    mine = [
        (rows[i], float(best[i]))
        for i in np.nonzero((owner == derby.pk) & (best <= SEAT_RADIUS_KM))[0].tolist()
    ]
    mine.sort(key=lambda x: x[1])
    return [r for r, _ in mine]


def _polling_districts(postcodes: list[tuple[str, float, float]], rng: random.Random) -> dict[str, str]:
    """Postcode sector -> polling district code: the sectors' centres grouped by k-means into
    neighbourhoods, so a district is one compact area (which may span two postcode districts)."""
    sectors: dict[str, list[tuple[float, float]]] = {}
    for pc, la, lo in postcodes:
        sectors.setdefault(pc[:-2], []).append((la, lo))
    names = sorted(sectors)
    pts = np.array([np.mean(sectors[n], axis=0) for n in names])
    k = max(1, min(N_DISTRICTS, len(names) // 2))  # two or more sectors a district
    centres = pts[rng.sample(range(len(names)), k)]
    for _ in range(20):
        label = ((pts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        centres = np.array(
            [pts[label == j].mean(axis=0) if (label == j).any() else centres[j] for j in range(k)]
        )
    order = np.argsort(-centres[:, 0] * 10 + centres[:, 1])  # north-west first
    code_of = {int(j): f"N{'ABCDEFGHJKLMNPQR'[r // 2]}{r % 2 + 1}" for r, j in enumerate(order.tolist())}
    return {n: code_of[int(label[i])] for i, n in enumerate(names)}


def _street_names(rng: random.Random):
    """Names unique within one postcode district; each district draws its own order, so the
    same name turns up in several districts."""
    pools: dict[str, list[str]] = {}

    def name_for(district: str) -> str:
        pool = pools.get(district)
        if not pool:
            pool = [f"{s} {k}" for s in STREET_STEMS for k in STREET_KINDS if f"{s} {k}" not in COMMON_NAMES]
            rng.shuffle(pool)
            pool += COMMON_NAMES[::-1]  # every district's first streets: names found all over a city
            pools[district] = pool
        return pool.pop()

    return name_for


def _register_rows(n_electors: int, postcodes: list[tuple[str, float, float]], rng: random.Random):
    """Yields register rows until about n_electors: households along one synthetic street
    through each real postcode's point, nearest the seat's centre first."""
    made = 0
    numbers: dict[str, int] = {}
    today = date.today()
    used = postcodes[: n_electors // 35 + 10]  # about 45 electors a postcode, with room to spare
    districts = _polling_districts(used, rng)
    name_for = _street_names(rng)
    for street_postcodes in _streets(used):
        if made >= n_electors:
            break
        first = street_postcodes[0][0]
        district = districts[first[:-2]]
        street = name_for(first.split(" ", 1)[0])
        number = 0
        for postcode, plat, plon in street_postcodes:
            heading = rng.random() * math.pi
            houses = rng.randint(8, 24)
            kmlon = 111.32 * math.cos(math.radians(plat))
            for k in range(houses):
                number += 1
                made += yield from _household(
                    rng,
                    numbers,
                    district,
                    street,
                    number,
                    k,
                    houses,
                    postcode,
                    plat,
                    plon,
                    kmlon,
                    heading,
                    today,
                )


def _streets(postcodes: list[tuple[str, float, float]]) -> list[list[tuple[str, float, float]]]:
    """Consecutive postcodes of one sector within 250 m of each other make one street (one
    to three postcodes), in the order given (nearest the seat's centre first)."""
    by_sector: dict[str, list[tuple[str, float, float]]] = {}
    for p in postcodes:
        by_sector.setdefault(p[0][:-2], []).append(p)
    streets: list[list[tuple[str, float, float]]] = []
    placed: set[str] = set()
    for p in postcodes:
        if p[0] in placed:
            continue
        street = [p]
        placed.add(p[0])
        for q in sorted(by_sector[p[0][:-2]]):
            if len(street) == 3:
                break
            if q[0] in placed:
                continue
            dy, dx = (q[1] - p[1]) * 110.57, (q[2] - p[2]) * 111.32 * math.cos(math.radians(p[1]))
            if dx * dx + dy * dy < 0.25**2:
                street.append(q)
                placed.add(q[0])
        streets.append(street)
    return streets


def _household(
    rng, numbers, district, street, number, k, houses, postcode, plat, plon, kmlon, heading, today
):
    """The register rows of one house (or block of flats); returns how many."""
    made = 0
    along = (k // 2 - houses / 4) * HOUSE_SPACING_KM  # about the postcode's point
    side = 0.009 if number % 2 else -0.009  # odd and even sides of the road
    hlat = plat + (along * math.sin(heading) + side * math.cos(heading)) / 110.57
    hlon = plon + (along * math.cos(heading) - side * math.sin(heading)) / kmlon
    block = rng.random() < 0.012  # a block of flats: many households at one number
    units = [f"Flat {k}" for k in range(1, rng.randint(8, 30))] if block else [""]
    for flat in units:
        family = rng.choice(LAST)
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))):
            numbers[district] = numbers.get(district, 0) + 1
            markers = rng.choices(("", "G", "E", "K", "F"), weights=(96, 2, 1, 0.5, 0.5))[0]
            attainer = ""
            if rng.random() < 0.01:
                attainer = (today + timedelta(days=rng.randint(1, 360))).isoformat()
            yield [
                district,
                str(numbers[district]),
                markers,
                attainer,
                "",
                rng.choice(FIRST),
                family,
                *(
                    [flat, f"{number} {street}", "Derby", ""]
                    if flat
                    else [f"{number} {street}", "Derby", "", ""]
                ),
                postcode,
                f"{hlat:.6f}",
                f"{hlon:.6f}",
            ]
            made += 1
    return made


def demo_groundgame(
    *, organiser, n_electors: int = 70_000, seed: int = 2017, postcode_areas: list[str] | None = None
) -> dict:
    """Loads results, every GB postcode (or only `postcode_areas`), the synthetic Derby North
    register on real Derby postcodes and sessions; safe to re-run."""
    rng = random.Random(seed)
    out: dict = {}
    if not selectors.election_for():
        out["results"] = services.results_import()
    if not PostcodeArea.objects.filter(code="DE22").exists():
        out["postcodes"] = services.postcodes_import_codepoint(areas=postcode_areas)
    derby = Constituency.objects.get(ons_code="E14000662")
    if not Elector.objects.filter(constituency=derby).exists():
        postcodes = derby_north_postcodes(derby)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "derby-north-register-synthetic.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(HEADER)
                for row in _register_rows(n_electors, postcodes, rng):
                    w.writerow(row)
            result = register_import(
                constituency=derby, path=path, filename="synthetic register", synthetic=True
            )
        if not result.ok:
            raise RuntimeError(f"the synthetic register failed its own checks: {result.errors[:3]}")
        out["register"] = result.summary()
    if not CanvassSession.objects.exists():
        out["sessions"] = _sessions(organiser, derby, rng)
    if not WalkList.objects.filter(constituency=derby).exists():
        out["walk_lists"] = services.turfs_cut(constituency=derby, doors=60)
    return out


def demo_assign(*, canvasser) -> None:
    """Gives the demo canvasser two Derby North walk lists, once."""
    if canvasser is None or WalkListAssignment.objects.filter(user=canvasser).exists():
        return
    for wl in WalkList.objects.filter(constituency__ons_code="E14000662", kind=WalkList.Kind.CANVASS)[:2]:
        services.walk_list_assign(walk_list=wl, user=canvasser)


def _sessions(organiser, derby: Constituency, rng: random.Random) -> int:
    """Sessions on the next three Saturdays in the target seats nearest Derby; Derby North's
    first session nearly full, so 'nearest marginal' has something to spread."""
    from groundswell.accounts.models import User

    nearby = selectors.nearest_marginals(latitude=derby.latitude, longitude=derby.longitude, limit=8)
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    made = 0
    for n in nearby:
        seat = Constituency.objects.get(ons_code=n.suggestion.seat.ons_code)
        for week in range(3):
            day = saturday + timedelta(weeks=week)
            start = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10, 0))
            services.session_create(
                actor=organiser,
                constituency=seat,
                title=f"Saturday canvass, {seat.name}",
                meeting_point=f"{rng.choice(MEETING_POINTS)}, {seat.name}",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                capacity=rng.choice((12, 15, 20, 25, 30)),
            )
            made += 1
    first = CanvassSession.objects.filter(constituency=derby).order_by("starts_at").first()
    if first is not None:
        for k in range(first.capacity - 2):
            volunteer, _ = User.objects.get_or_create(
                email=f"volunteer{k + 1}@example.org",
                defaults={"display_name": f"Synthetic volunteer {k + 1}", "is_active": False},
            )
            if not SessionSignup.objects.filter(session=first, user=volunteer).exists():
                services.session_signup(session=first, user=volunteer)
    return made
