"""Nearest marginal: where a volunteer at a point should go to canvass.

A seat's score is the product of three factors, each between 0 and 1:

- winnability, exp(-swing / 3): a seat needing a 0.05-point swing scores 0.98, one needing
  3 points 0.37 (defended seats count the swing that would lose them);
- nearness, exp(-km / 30): 10 km 0.72, 30 km 0.37, 60 km 0.14, where km is the travel
  distance of `crossings.travel_km`: crow-flies within the volunteer's nation, by way of a
  land crossing into another (so no seat across the Bristol Channel looks near);
- room, from its upcoming sessions: 0.25 + 0.75 x the share of places still free; 0.1 when
  every session is full; 0.4 when none is planned yet.

So a full session nearby loses to one with room a little further on, and volunteers spread
over neighbouring seats instead of all piling into the closest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from groundswell.core.geo.crossings import travel_km

SWING_SCALE = 3.0
DISTANCE_SCALE_KM = 30.0
ROOM_FULL = 0.1
ROOM_NONE_PLANNED = 0.4


@dataclass(frozen=True)
class Seat:
    ons_code: str
    name: str
    latitude: float
    longitude: float
    swing_needed: float
    held: bool
    majority: int
    nation: str = ""  # England, Wales, Scotland, Northern Ireland ("" unknown)


@dataclass(frozen=True)
class Room:
    """Upcoming canvass sessions in one seat."""

    sessions: int
    capacity: int
    free: int


@dataclass(frozen=True)
class Suggestion:
    seat: Seat
    distance_km: float
    score: float
    room: Room | None
    reasons: tuple[str, ...]
    via: str = ""  # the border crossing the journey goes by, if any


def winnability(swing: float) -> float:
    return math.exp(-max(swing, 0.0) / SWING_SCALE)


def room_factor(room: Room | None) -> float:
    if room is None or room.sessions == 0 or room.capacity == 0:
        return ROOM_NONE_PLANNED
    if room.free <= 0:
        return ROOM_FULL
    return 0.25 + 0.75 * room.free / room.capacity


def shortlist(
    lat: float, lon: float, seats: Sequence[Seat], k: int, *, nation: str = ""
) -> list[tuple[Seat, float, float, str]]:
    """The `k` seats with the best winnability x nearness, with (travel km, that product,
    the crossing it goes by): the only seats whose sessions need looking up. `nation` is the
    volunteer's; without it distances are crow-flies."""
    if not seats:
        return []
    lats = np.fromiter((s.latitude for s in seats), float, len(seats))
    lons = np.fromiter((s.longitude for s in seats), float, len(seats))
    swings = np.fromiter((max(s.swing_needed, 0.0) for s in seats), float, len(seats))
    km, via = travel_km(lat, lon, nation, lats, lons, [s.nation for s in seats])
    base = np.exp(-swings / SWING_SCALE) * np.exp(-km / DISTANCE_SCALE_KM)
    top = np.argsort(-base, kind="stable")[:k]
    return [(seats[i], float(km[i]), float(base[i]), via[i]) for i in top]


def _reasons(seat: Seat, km: float, room: Room | None, via: str = "") -> tuple[str, ...]:
    if seat.held:
        first = f"held by {seat.majority:,} votes: a {seat.swing_needed:.2f}-point swing would lose it"
    else:
        first = f"a {seat.swing_needed:.2f}-point swing wins it (majority {seat.majority:,})"
    second = f"{km:.0f} km away" if km >= 1 else "less than 1 km away"
    if via:
        second = f"{km:.0f} km away by way of {via}"
    sessions = "" if room is None else f"{room.sessions} session{'s' if room.sessions != 1 else ''}"
    if room is None or room.sessions == 0:
        third = "no canvass sessions planned yet"
    elif room.free <= 0:
        third = f"its {sessions} {'are' if room.sessions != 1 else 'is'} full"
    else:
        third = f"{room.free} of {room.capacity} places free in {sessions}"
    return (first, second, third)


def suggest(
    lat: float,
    lon: float,
    shortlisted: Sequence[tuple],
    rooms: Mapping[str, Room],
    *,
    limit: int = 5,
) -> list[Suggestion]:
    """Ranks shortlisted seats by winnability x nearness x room, best first."""
    out = []
    for seat, km, base, *rest in shortlisted:
        via = rest[0] if rest else ""
        room = rooms.get(seat.ons_code)
        out.append(
            Suggestion(
                seat=seat,
                distance_km=km,
                score=base * room_factor(room),
                room=room,
                reasons=_reasons(seat, km, room, via),
                via=via,
            )
        )
    out.sort(key=lambda s: (-s.score, s.distance_km, s.seat.name))
    return out[:limit]
