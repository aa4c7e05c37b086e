"""Synthetic members for the demo: plausible enough to exercise every page, never real.

Everything made here is flagged `synthetic`, and the pages that show such people say so.
The split across categories follows the 2016 Labour leadership electorate (valid ballots
by category from shared/data/leadership_results.csv).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from importlib import resources

FIRST = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Emily",
    "Poppy",
    "Ella",
    "Evie",
    "Harper",
    "Sienna",
    "Charlotte",
    "Chloe",
    "Aisha",
    "Fatima",
    "Zara",
    "Priya",
    "Siobhan",
    "Megan",
    "Bethan",
    "Niamh",
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theo",
    "Jack",
    "Charlie",
    "Jacob",
    "Thomas",
    "Freddie",
    "Alfie",
    "Dylan",
    "Rhys",
    "Callum",
    "Kai",
    "Ravi",
    "Sanjay",
    "Tomasz",
    "Kwame",
    "Daniel",
    "Sean",
    "Owen",
]
LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Ali",
    "Hussain",
    "Kaur",
    "Nowak",
    "Okafor",
    "Mensah",
]
AFFILIATES = ("Unite", "UNISON", "GMB", "CWU", "USDAW", "Fabian Society", "Co-operative Party")
INWARD = "ABDEFGHJLNPQRSTUWXYZ"
AREAS = [
    "B",
    "BS",
    "CF",
    "DE",
    "E",
    "EH",
    "G",
    "L",
    "LS",
    "M",
    "N",
    "NE",
    "NG",
    "NW",
    "S",
    "SE",
    "SW",
    "W",
    "WS",
]


def category_weights() -> dict[str, int]:
    """Valid first preferences by category in the 2016 leadership election."""
    weights: dict[str, int] = {}
    path = resources.files("groundswell.data") / "leadership_results.csv"
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["election"] == "labour_leader_2016":
                weights[row["category"]] = weights.get(row["category"], 0) + int(row["first_preferences"])
    return weights


def synthetic_rows(
    count: int, branch_codes: list[str], *, seed: int = 2016, start_number: int = 1
) -> Iterator[list[str]]:
    """Rows of the members CSV (without header) for `count` made-up people."""
    rng = random.Random(seed)
    weights = category_weights()
    categories = list(weights)
    cum = list(weights.values())
    today = date.today()
    epoch = date(2005, 1, 1)
    span = (today - epoch).days
    surge = date(2015, 5, 8)  # the joining surge after the 2015 general election
    for i in range(start_number, start_number + count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        category = rng.choices(categories, cum)[0]
        if rng.random() < 0.5:
            joined = surge + timedelta(days=int(rng.expovariate(1 / 200)))
        else:
            joined = epoch + timedelta(days=rng.randrange(span))
        joined = min(joined, today)
        lapsed = ""
        if rng.random() < 0.08:
            end = joined + timedelta(days=rng.randrange(30, 1500))
            lapsed = end.isoformat() if end < today else ""
        area = rng.choice(AREAS)
        inward = f"{rng.randrange(1, 10)}{rng.choice(INWARD)}{rng.choice(INWARD)}"
        postcode = f"{area}{rng.randrange(1, 30)} {inward}"
        consent = joined.isoformat() if rng.random() < 0.7 else ""
        yield [
            f"D{i:07d}",
            first,
            last,
            f"{first}.{last}.{i}@example.org".lower(),
            f"07700 9{rng.randrange(0, 100000):05d}",
            postcode,
            rng.choice(branch_codes),
            category,
            rng.choice(AFFILIATES) if category == "affiliated_supporter" else "",
            joined.isoformat(),
            lapsed,
            consent,
            joined.isoformat() if rng.random() < 0.4 else "",
            joined.isoformat(),
        ]
