"""Turf cutting: a constituency's doors into walk lists of about N doors, in walking order.

Rules, in the order they bind:

1. a list never crosses a polling district (tellers, knock-up and the register are by district);
2. a building is never split: all the doors at one street address (a block of flats) go in
   one list, even when that building alone is larger than the bound;
3. a street stays together where it can, walked up its odd side and back down its even side;
   a street is its name *and* its locality (the postcode district): "Mundy Lane, DE3" and
   "Mundy Lane, DE21" are two streets 7 km apart, never one;
4. lists hold between `low` and `high` doors (by default N/2 and 3N/2), aiming at N;
5. each list is then ordered as a walking route: nearest neighbour, improved by 2-opt, never
   longer than the order it started in. Without coordinates, street and number order stands;
6. a list's walk is bounded: `walk_bound_m(doors)` (300 m plus 20 m a door: 1.5 km for 60
   doors). A list whose route is longer is cut at its longest leg until every part is within
   the bound (such a part may hold fewer than `low` doors: a short list beats a long walk);
7. a list never holds two streets of one name in different localities, however near: the
   sheet would say "21 Mundy Lane" twice for two doors. Such a list is cut where the second
   one starts in walking order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Door:
    """A household: one door to knock."""

    id: int
    district: str
    street: str
    number: int | None = None
    suffix: str = ""
    building: str = ""
    latitude: float | None = None
    longitude: float | None = None
    locality: str = ""  # the postcode district ("DE22"): with the name, what makes a street one street


@dataclass(frozen=True)
class Turf:
    """One walk list: its doors in walking order."""

    district: str
    door_ids: tuple[int, ...]
    stops: int  # buildings visited
    length_m: float | None  # walking route length (straight lines between stops), if located
    split_off: bool = False  # cut from a longer list: its walk was over the bound, or two streets clashed

    @property
    def doors(self) -> int:
        return len(self.door_ids)


WALK_BASE_M = 300.0
WALK_PER_DOOR_M = 20.0


def walk_bound_m(doors: int) -> float:
    """The longest walk a list of `doors` doors may ask for. Set from the data: on the demo
    register (real Derby postcodes, houses about 6-10 m apart along a street) a list that
    keeps to neighbouring streets walks about 8-15 m a door; 300 m + 20 m a door leaves room
    for the crossings between streets and refuses only the jumps across town."""
    return WALK_BASE_M + WALK_PER_DOOR_M * doors


@dataclass
class _Stop:
    doors: list[Door]
    street: str
    number: int | None

    @property
    def size(self) -> int:
        return len(self.doors)

    @property
    def point(self) -> tuple[float, float] | None:
        d = self.doors[0]
        return (d.latitude, d.longitude) if d.latitude is not None and d.longitude is not None else None


def bounds(target: int) -> tuple[int, int]:
    """The organiser's target N gives lists of N/2 to 3N/2 doors."""
    return max(1, math.ceil(target / 2)), max(1, math.floor(target * 3 / 2))


def cut_turfs(
    doors: Iterable[Door], *, target: int = 60, low: int | None = None, high: int | None = None
) -> list[Turf]:
    """Cuts doors into walk lists; every door lands in exactly one list."""
    if target < 1:
        raise ValueError("a walk list needs at least one door")
    lo, hi = bounds(target)
    lo, hi = low or lo, high or hi
    by_district: dict[str, list[Door]] = defaultdict(list)
    for d in doors:
        by_district[d.district].append(d)
    turfs: list[Turf] = []
    for district in sorted(by_district):
        stops = _street_order(_stops(by_district[district]))
        for chunk in _repair(_split(stops, target, lo, hi), lo, hi):
            turfs.extend(_bounded_turfs(district, chunk))
    return turfs


def _street_key(d: Door) -> tuple[str, str]:
    return (d.street.casefold(), d.locality.casefold())


def _stops(doors: list[Door]) -> list[_Stop]:
    """Doors at one street address (number and suffix, or building name) are one stop."""
    groups: dict[tuple, list[Door]] = defaultdict(list)
    for d in doors:
        if d.number is not None:
            key = (_street_key(d), d.number, d.suffix.casefold(), "")
        else:
            key = (_street_key(d), None, "", d.building.casefold() or f"#{d.id}")
        groups[key].append(d)
    return [_Stop(sorted(g, key=lambda d: d.id), g[0].street, g[0].number) for g in groups.values()]


def _side_order(stops: list[_Stop]) -> list[_Stop]:
    """Up the odd side, back down the even side; unnumbered buildings last."""
    odd = sorted((s for s in stops if s.number is not None and s.number % 2), key=lambda s: s.number)
    even = sorted((s for s in stops if s.number is not None and not s.number % 2), key=lambda s: -s.number)
    rest = sorted((s for s in stops if s.number is None), key=lambda s: s.doors[0].building)
    return odd + even + rest


def _centroid(stops: list[_Stop]) -> tuple[float, float] | None:
    pts = [s.point for s in stops if s.point]
    if not pts:
        return None
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def _street_order(stops: list[_Stop]) -> list[_Stop]:
    """Streets chained by nearest neighbour from the westernmost (by name without points)."""
    streets: dict[tuple[str, str], list[_Stop]] = defaultdict(list)
    for s in stops:
        streets[_street_key(s.doors[0])].append(s)
    names = sorted(streets)
    centres = {n: _centroid(streets[n]) for n in names}
    located = [n for n in names if centres[n] is not None]
    order: list[tuple[str, str]] = []
    if located:
        current = min(located, key=lambda n: (centres[n][1], n))
        remaining = set(located) - {current}
        order.append(current)
        while remaining:
            lat, lon = centres[current]
            current = min(
                remaining,
                key=lambda n: (
                    (centres[n][0] - lat) ** 2 + ((centres[n][1] - lon) * math.cos(math.radians(lat))) ** 2,
                    n,
                ),
            )
            remaining.remove(current)
            order.append(current)
    order += [n for n in names if centres[n] is None]
    return [s for n in order for s in _side_order(streets[n])]


def _split(stops: list[_Stop], target: int, lo: int, hi: int) -> list[list[_Stop]]:
    """Contiguous chunks of `stops`: close a list at `target`, never pass `high`, then mend
    lists smaller than `low` by merging with or re-splitting against a neighbour."""
    chunks: list[list[_Stop]] = []
    cur: list[_Stop] = []
    size = 0
    for stop in stops:
        if stop.size > hi:  # a building bigger than any list: a list of its own
            if cur:
                chunks.append(cur)
            chunks.append([stop])
            cur, size = [], 0
            continue
        if size + stop.size > hi and cur:
            chunks.append(cur)
            cur, size = [], 0
        cur.append(stop)
        size += stop.size
        if size >= target:
            chunks.append(cur)
            cur, size = [], 0
    if cur:
        chunks.append(cur)
    return _mend(chunks, lo, hi)


def _size(chunk: list[_Stop]) -> int:
    return sum(s.size for s in chunk)


def _mend(chunks: list[list[_Stop]], lo: int, hi: int) -> list[list[_Stop]]:
    """One pass: a list smaller than `low` joins the nearest list before or after it (stepping
    over single buildings bigger than any list) when the two fit under `high`, else the two
    share out their doors. Only a district with no other list keeps a small one."""

    def big(chunk: list[_Stop]) -> bool:
        return len(chunk) == 1 and chunk[0].size > hi

    out: list[list[_Stop]] = []
    pending = list(chunks)
    while pending:
        chunk = pending.pop(0)
        if _size(chunk) >= lo or big(chunk):
            out.append(chunk)
            continue
        before = next((k for k in range(len(out) - 1, -1, -1) if not big(out[k])), None)
        after = next((k for k in range(len(pending)) if not big(pending[k])), None)
        if before is not None and _size(out[before]) + _size(chunk) <= hi:
            out[before] = out[before] + chunk
        elif after is not None and _size(pending[after]) + _size(chunk) <= hi:
            pending[after] = chunk + pending[after]
        elif before is not None:
            out[before : before + 1] = _halve(out[before] + chunk)
        elif after is not None:
            halves = _halve(chunk + pending[after])
            if _size(halves[0]) < lo:  # the buildings allow no better split (a small list
                out.append(chunk)  # before a block nearly a list in itself): _repair's turn;
            else:  # re-queueing it would meet the same two lists for ever
                pending[after : after + 1] = halves
        else:
            out.append(chunk)
    return out


def _repair(chunks: list[list[_Stop]], lo: int, hi: int) -> list[list[_Stop]]:
    """Last resort for a list still under `low` (blocks of flats can leave one between two
    full lists): join any list of the district with room, or take single houses from the
    biggest. The route is worked out afterwards, so the doors need not be next in line."""

    def big(chunk: list[_Stop]) -> bool:
        return len(chunk) == 1 and chunk[0].size > hi

    chunks = [list(c) for c in chunks]
    while True:
        small = [c for c in chunks if _size(c) < lo and not big(c)]
        others = [c for c in chunks if not big(c)]
        if not small or len(others) < 2:
            return chunks
        s = min(small, key=_size)
        rest = [c for c in others if c is not s]
        fits = [c for c in rest if _size(c) + _size(s) <= hi]
        if fits:
            target = min(fits, key=_size)
            target.extend(s)
            chunks.remove(s)
            continue
        donor = max(rest, key=_size)
        while _size(s) < lo:  # move the smallest building that both lists can afford
            fits_both = [st for st in donor if _size(donor) - st.size >= lo and _size(s) + st.size <= hi]
            if not fits_both:
                return chunks
            st = min(fits_both, key=lambda x: x.size)
            donor.remove(st)
            s.append(st)


def _halve(stops: list[_Stop]) -> list[list[_Stop]]:
    """Two contiguous parts as equal in doors as the buildings allow."""
    total = _size(stops)
    best, acc, best_gap = 1, 0, total
    for k, s in enumerate(stops[:-1], 1):
        acc += s.size
        gap = abs(total - 2 * acc)
        if gap < best_gap:
            best, best_gap = k, gap
    return [stops[:best], stops[best:]]


# -- routes ---------------------------------------------------------------------------------


def project(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """Latitude/longitude to metres on a local flat map (good over a few kilometres)."""
    arr = np.asarray(points, dtype=float)
    lat0 = math.radians(float(arr[:, 0].mean()))
    return np.column_stack([arr[:, 1] * 111_320.0 * math.cos(lat0), arr[:, 0] * 110_574.0])


def path_length(xy: np.ndarray, order: Sequence[int]) -> float:
    if len(order) < 2:
        return 0.0
    pts = xy[list(order)]
    return float(np.sqrt(((pts[1:] - pts[:-1]) ** 2).sum(axis=1)).sum())


def _nearest_neighbour(dist: np.ndarray, start: int) -> list[int]:
    n = dist.shape[0]
    seen = np.zeros(n, dtype=bool)
    order = [start]
    seen[start] = True
    for _ in range(n - 1):
        d = np.where(seen, np.inf, dist[order[-1]])
        nxt = int(d.argmin())
        order.append(nxt)
        seen[nxt] = True
    return order


def _two_opt(order: list[int], dist: np.ndarray, max_passes: int = 50) -> list[int]:
    """2-opt on an open path: reverse order[i:j+1] when that shortens the walk."""
    route = np.array(order)
    n = len(route)
    if n < 4:
        return order
    for _ in range(max_passes):
        improved = False
        for i in range(1, n - 1):
            a, b = route[i - 1], route[i]
            j = np.arange(i + 1, n)
            c = route[j]
            d = np.append(route[i + 2 :], -1)[: len(j)]  # the stop after c, or none at the end
            before = dist[a, b] + np.where(d >= 0, dist[c, np.maximum(d, 0)], 0.0)
            after = dist[a, c] + np.where(d >= 0, dist[b, np.maximum(d, 0)], 0.0)
            gain = before - after
            k = int(gain.argmax())
            if gain[k] > 1e-9:
                jj = j[k]
                route[i : jj + 1] = route[i : jj + 1][::-1].copy()
                improved = True
        if not improved:
            break
    return route.tolist()


def best_route(points: Sequence[tuple[float, float]]) -> tuple[list[int], float]:
    """An open walking route through `points` (indices) and its length in metres: the
    shorter of 2-opt from the given order and 2-opt from nearest neighbour, so the route is
    never longer than the order the list came in."""
    n = len(points)
    if n <= 2:
        xy = project(points) if n else np.zeros((0, 2))
        return list(range(n)), path_length(xy, list(range(n)))
    xy = project(points)
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    candidates = [_two_opt(list(range(n)), dist), _two_opt(_nearest_neighbour(dist, 0), dist)]
    west = int(xy[:, 0].argmin())
    if west != 0:
        candidates.append(_two_opt(_nearest_neighbour(dist, west), dist))
    lengths = [path_length(xy, c) for c in candidates]
    k = int(np.argmin(lengths))
    return candidates[k], lengths[k]


def _routed(stops: list[_Stop]) -> tuple[list[_Stop], float | None]:
    if len(stops) > 1 and all(s.point is not None for s in stops):
        order, length = best_route([s.point for s in stops])
        return [stops[i] for i in order], length
    if len(stops) == 1 and stops[0].point is not None:
        return stops, 0.0
    return stops, None  # not (all) located: keep street and number order


def _clash(stops: list[_Stop]) -> int | None:
    """Where, in this order, a street of a name already seen in another locality starts."""
    seen: dict[str, str] = {}
    for k, s in enumerate(stops):
        name, locality = _street_key(s.doors[0])
        if seen.setdefault(name, locality) != locality:
            return k
    return None


def _bounded_turfs(district: str, stops: list[_Stop], split: bool = False) -> list[Turf]:
    """The list routed; if two streets of one name clash, cut where the second starts; if its
    walk is over the bound, cut at the route's longest leg; each part done again."""
    routed, length = _routed(stops)
    cut = _clash(routed)
    if cut is not None:
        return _bounded_turfs(district, routed[:cut], True) + _bounded_turfs(district, routed[cut:], True)
    doors = sum(s.size for s in routed)
    if length is not None and length > walk_bound_m(doors) and len(routed) > 1:
        xy = project([s.point for s in routed])
        legs = np.sqrt(((xy[1:] - xy[:-1]) ** 2).sum(axis=1))
        cut = int(legs.argmax()) + 1
        return _bounded_turfs(district, routed[:cut], True) + _bounded_turfs(district, routed[cut:], True)
    door_ids = tuple(d.id for s in routed for d in s.doors)
    return [Turf(district=district, door_ids=door_ids, stops=len(routed), length_m=length, split_off=split)]
