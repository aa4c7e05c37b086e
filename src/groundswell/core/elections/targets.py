"""Target seats: which seats a party can win (attack) or could lose (defend), and how close."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from groundswell.core.elections.results import SeatResult


@dataclass(frozen=True)
class Target:
    ons_code: str
    name: str
    region: str
    country: str
    winner: str
    runner_up: str | None
    party_votes: int
    party_position: int  # 1 = won the seat
    majority: int  # winner over runner-up, votes
    majority_share: float  # the same, as points of the votes cast
    swing_needed: float  # points of swing that would change the seat's hands (see `targets`)
    total_votes: int
    turnout: float

    @property
    def held(self) -> bool:
        return self.party_position == 1


def _target(seat: SeatResult, party: str) -> Target:
    ranked = seat.ranked
    position = next((i for i, (p, _) in enumerate(ranked, 1) if p == party), len(ranked) + 1)
    share_gap = (
        seat.share(seat.winner) - seat.share(party)
        if position > 1
        else (seat.share(party) - seat.share(seat.runner_up) if seat.runner_up else seat.share(party))
    )
    return Target(
        ons_code=seat.ons_code,
        name=seat.name,
        region=seat.region,
        country=seat.country,
        winner=seat.winner,
        runner_up=seat.runner_up,
        party_votes=seat.votes.get(party, 0),
        party_position=position,
        majority=seat.majority,
        majority_share=100 * seat.majority / seat.total if seat.total else 0.0,
        swing_needed=share_gap / 2,
        total_votes=seat.total,
        turnout=seat.turnout,
    )


def targets(seats: Iterable[SeatResult], party: str, *, kind: str = "all") -> list[Target]:
    """Seats ranked by closeness for `party`.

    - `attack`: seats where the party came second, ordered by the swing it needs: half the
      gap in vote share between the winner and the party, in points (uniform swing);
    - `defend`: seats it holds, ordered by the swing that would lose them (half its lead in
      share over the runner-up);
    - `all`: both, ordered by that swing.
    """
    out = [_target(s, party) for s in seats if s.votes]
    if kind == "attack":
        out = [t for t in out if t.party_position == 2]
    elif kind == "defend":
        out = [t for t in out if t.party_position == 1]
    elif kind == "all":
        out = [t for t in out if t.party_position <= 2]
    else:
        raise ValueError(f"unknown kind {kind!r}: use attack, defend or all")
    return sorted(out, key=lambda t: (t.swing_needed, t.majority, t.name))
