"""Demo ground game: the real results, a synthetic register for Derby North, and canvass
sessions in the target seats nearest Derby.

The register is made up — streets, names, numbers and points are all synthetic and flagged
so — but shaped like a real one: about 70,000 electors in households of one to five, some
blocks of flats, streets in polling districts, odd and even sides, points scattered around
the seat's real centroid, and a few franchise markers and attainers.
"""

from __future__ import annotations

import csv
import math
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

from groundswell.core.formats.register_csv import HEADER
from groundswell.groundgame import selectors, services
from groundswell.groundgame.importing import register_import
from groundswell.groundgame.models import (
    CanvassSession,
    Constituency,
    Elector,
    Postcode,
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
STREET_KINDS = ("Road", "Street", "Avenue", "Lane", "Close", "Drive", "Crescent", "Grove", "Way", "Gardens")
DISTRICTS = [f"N{c}{n}" for c in "ABCDEFGH" for n in (1, 2)]  # 16 synthetic polling districts


def _register_rows(n_electors: int, lat0: float, lon0: float, rng: random.Random):
    """Yields register rows (with synthetic postcodes and points) until about n_electors."""
    made = 0
    street_no = 0
    numbers: dict[str, int] = {d: 0 for d in DISTRICTS}
    today = date.today()
    while made < n_electors:
        street_no += 1
        district = DISTRICTS[street_no % len(DISTRICTS)]
        street = f"{rng.choice(STREET_STEMS)} {rng.choice(STREET_KINDS)}"
        outward = rng.choice(("DE1", "DE3", "DE21", "DE22", "DE23", "DE24"))
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{outward} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        # the street: a line about 300 m long somewhere within ~4 km of the centroid
        r, a = 4.0 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        slat = lat0 + (r * math.sin(a)) / 111.0
        slon = lon0 + (r * math.cos(a)) / (111.0 * math.cos(math.radians(lat0)))
        heading = rng.random() * math.pi
        houses = rng.randint(20, 120)
        for number in range(1, houses + 1):
            along = (number // 2) * 0.006  # km between neighbours on one side
            side = 0.012 if number % 2 else -0.012  # odd and even sides of the road
            hlat = slat + (along * math.sin(heading) + side * math.cos(heading)) / 111.0
            hlon = slon + (along * math.cos(heading) - side * math.sin(heading)) / (
                111.0 * math.cos(math.radians(lat0))
            )
            block = rng.random() < 0.015  # a block of flats: many households at one number
            units = [f"Flat {k}" for k in range(1, rng.randint(8, 30))] if block else [""]
            for flat in units:
                family = rng.choice(LAST)
                for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5))):
                    numbers[district] += 1
                    markers = rng.choices(("", "G", "E", "K", "F"), weights=(96, 2, 1, 0.5, 0.5))[0]
                    attainer = ""
                    if rng.random() < 0.01:
                        attainer = (today + timedelta(days=rng.randint(1, 360))).isoformat()
                    yield (
                        [
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
                        ],
                        (postcode, hlat, hlon),
                    )
                    made += 1


def demo_groundgame(*, organiser, n_electors: int = 70_000, seed: int = 2017) -> dict:
    """Loads results, the synthetic Derby North register and sessions; safe to re-run."""
    rng = random.Random(seed)
    out: dict = {}
    if not selectors.election_for():
        out["results"] = services.results_import()
    derby = Constituency.objects.get(ons_code="E14000662")
    if not Elector.objects.filter(constituency=derby).exists():
        postcodes: dict[str, tuple[float, float]] = {}
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "derby-north-register-synthetic.csv"
            with open(path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(HEADER)
                for row, (pc, la, lo) in _register_rows(n_electors, derby.latitude, derby.longitude, rng):
                    w.writerow(row)
                    postcodes.setdefault(pc, (la, lo))
            Postcode.objects.bulk_create(
                [Postcode(postcode=p, latitude=la, longitude=lo) for p, (la, lo) in postcodes.items()],
                ignore_conflicts=True,
                batch_size=2000,
            )
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
