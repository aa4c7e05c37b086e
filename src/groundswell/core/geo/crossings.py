"""How far a volunteer really travels to a seat: as the crow flies within their own nation,
and by way of a land crossing into another.

The rule, cheap and explainable on the page: Great Britain's nations meet at a handful of
road crossings (the Severn bridges, Monmouth, Hay-on-Wye, Knighton, Welshpool and Chester
between England and Wales; Gretna, Carter Bar and Berwick between England and Scotland;
Northern Ireland by the Cairnryan-Belfast ferry). Within a nation the straight line is a fair
stand-in for the road: it rarely crosses open sea, because the nations' long sea inlets
(the Bristol Channel, the Solway, the Irish Sea) are exactly their borders. Across a border
the distance is the shortest path through one crossing (two for Wales-Scotland, via
England), so from Penzance the Gower is 370 km by the Severn bridges, not 170 km over the
Bristol Channel, and the volunteer is sent to Devon instead.

What is left out, on purpose: estuaries inside one nation (the Humber, the Thames, the
Mersey, the Forth, the Solent) are crossed by bridges, tunnels or ferries, so the crow's
line is close enough there.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise, product

import numpy as np

from groundswell.core.geo.distance import haversine_km, haversine_km_many

ENGLAND, WALES, SCOTLAND, NI = "England", "Wales", "Scotland", "Northern Ireland"
NATION_CODES = {"E": ENGLAND, "W": WALES, "S": SCOTLAND, "N": NI}

CROSSINGS: dict[frozenset[str], tuple[tuple[str, float, float], ...]] = {
    frozenset({ENGLAND, WALES}): (
        ("the Severn bridges", 51.610, -2.650),
        ("Monmouth", 51.812, -2.716),
        ("Hay-on-Wye", 52.075, -3.126),
        ("Knighton", 52.343, -3.048),
        ("Welshpool", 52.660, -3.050),
        ("Chester", 53.180, -2.920),
    ),
    frozenset({ENGLAND, SCOTLAND}): (
        ("Gretna", 55.000, -3.065),
        ("Carter Bar", 55.353, -2.480),
        ("Berwick-upon-Tweed", 55.780, -2.040),
    ),
    frozenset({SCOTLAND, NI}): (("the Cairnryan-Belfast ferry", 54.970, -5.030),),
}
FERRY_KM = 60.0  # the sea leg of the Cairnryan-Belfast crossing, added to the road


def _legs(home: str, away: str) -> list[tuple[tuple[str, float, float], ...]]:
    """The sequences of crossings from one nation to another (one or two crossings)."""
    direct = CROSSINGS.get(frozenset({home, away}))
    if direct:
        return [(c,) for c in direct]
    out = []
    for middle in (ENGLAND, SCOTLAND):
        first, second = CROSSINGS.get(frozenset({home, middle})), CROSSINGS.get(frozenset({middle, away}))
        if first and second and middle not in (home, away):
            out += list(product(first, second))
    return out


def _extra(path: tuple[tuple[str, float, float], ...]) -> float:
    km = sum(haversine_km(a[1], a[2], b[1], b[2]) for a, b in pairwise(path))
    return km + sum(FERRY_KM for c in path if "ferry" in c[0])


def travel_km(
    lat: float, lon: float, home: str, lats: np.ndarray, lons: np.ndarray, nations: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Travel distance from a point in nation `home` to many seats, and for each the crossing
    it goes by ("" within the nation). An unknown nation (home or seat) counts crow-flies."""
    km = haversine_km_many(lat, lon, lats, lons)
    via = [""] * len(km)
    if not home:
        return km, via
    nations_arr = np.asarray(nations, dtype=object)
    for away in set(nations) - {home, ""}:
        idx = np.nonzero(nations_arr == away)[0]
        legs = _legs(home, away)
        if not legs:  # a nation we know no crossing to (or an unknown name): as the crow flies
            continue
        best = np.full(len(idx), np.inf)
        names = [""] * len(idx)
        for path in legs:
            first, last = path[0], path[-1]
            d = (
                haversine_km(lat, lon, first[1], first[2])
                + _extra(path)
                + haversine_km_many(last[1], last[2], lats[idx], lons[idx])
            )
            better = d < best
            best = np.where(better, d, best)
            label = " and ".join(c[0] for c in path)
            names = [label if b else n for b, n in zip(better.tolist(), names, strict=False)]
        km[idx] = best
        for j, i in enumerate(idx.tolist()):
            via[i] = names[j]
    return km, via


def nation_of(lat: float, lon: float, points: Sequence[tuple[float, float, str]]) -> str:
    """The nation of the nearest of `points` (latitude, longitude, nation): a volunteer who
    shares a location rather than a postcode is taken to be in the nation of the nearest
    constituency's centre."""
    if not points:
        return ""
    arr = np.asarray([(p[0], p[1]) for p in points], dtype=float)
    k = int(haversine_km_many(lat, lon, arr[:, 0], arr[:, 1]).argmin())
    return points[k][2]
