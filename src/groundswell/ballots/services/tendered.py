"""Tendered ballots: what the ballots part does when vetting excludes an elector or an
appeal reinstates one. Vetting decides (with reasons, notice and appeal); the box only
learns "this elector may now only tender" and "this elector's tendered paper is admitted".

An elector who must tender still spends their place in the marked register (one vote each
holds), but their paper goes to `TenderedPaper`, not the box. The count opens the admitted
ones with the box and moves them in inside the transaction that rewrites every sealed
paper in a random order (counting._restamp_sealed); the rest stay set aside, never opened,
and publishing erases their sealed bytes and publishes only how many there were.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from groundswell.ballots.models import Ballot, Elector, SealedBallot, SpentCredential, TenderedPaper
from groundswell.ballots.services.errors import BallotError

COUNTED = (Ballot.Status.COUNTED, Ballot.Status.PUBLISHED)


def count_has_begun(ballot: Ballot) -> bool:
    """A count is running or stored: from here a tendered paper can no longer be admitted
    (the count has already read which ones are)."""
    return ballot.status in COUNTED or (ballot.count_progress or {}).get("state") == "running"


@transaction.atomic
def elector_must_tender(*, ballot: Ballot, person) -> Elector | None:
    """From now on this person's code casts only a tendered paper. None if they are not (yet)
    an elector: the ballot is not open, or the rules leave them out anyway (an exclusion made
    before the ballot opens is applied when the electorate is frozen: signals.electorate_frozen).

    Refused if they have already voted: a secret paper cannot be found, so it cannot be taken
    out of the box (2015's "votes already cast were cancelled" cannot happen here). A cast in
    flight at this moment completes, as if it had been a second earlier."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if locked.status in COUNTED:
        raise BallotError(
            "this ballot has been counted: an exclusion can no longer change it", code="ballot.counted"
        )
    elector = Elector.objects.select_for_update().filter(ballot=locked, person=person).first()
    if elector is None:
        return None
    if SpentCredential.objects.filter(elector_id=elector.pk).exists() and not elector.must_tender:
        raise BallotError(
            "this person has already voted: their sealed paper cannot be identified, so it cannot be "
            "taken out of the box",
            code="ballot.already_voted",
        )
    Elector.objects.filter(pk=elector.pk).update(must_tender=True)
    elector.must_tender = True
    return elector


def electors_must_tender(*, ballot: Ballot, person_ids) -> int:
    """The same for people excluded before the ballot opened (nobody can have voted yet)."""
    return Elector.objects.filter(ballot=ballot, person_id__in=list(person_ids)).update(must_tender=True)


@transaction.atomic
def elector_reinstate(*, ballot: Ballot, person) -> str:
    """Their code casts into the box again, and a tendered paper they cast is admitted, to be
    counted, if the count has not begun. Returns what happened to the paper: "admitted",
    "no_paper" (they had not tendered), "too_late" (the count had begun: it stays set aside)
    or "not_elector"."""
    locked = Ballot.objects.select_for_update().get(pk=ballot.pk)  # serialised with the count's claim
    elector = Elector.objects.select_for_update().filter(ballot=locked, person=person).first()
    if elector is None:
        return "not_elector"
    if not count_has_begun(locked):
        Elector.objects.filter(pk=elector.pk).update(must_tender=False)
    paper = TenderedPaper.objects.filter(elector_id=elector.pk).first()
    if paper is None:
        return "too_late" if count_has_begun(locked) else "no_paper"
    if count_has_begun(locked):
        return "too_late"
    TenderedPaper.objects.filter(pk=paper.pk).update(admitted=True)
    return "admitted"


def admitted_papers(ballot: Ballot) -> list[tuple[int, bytes, str, str]]:
    """(id, sealed, tracker, category) of the tendered papers the count will open. A paper
    whose tracker is already in the box (the same sealed bytes cast twice, through two codes)
    is left set aside: one paper, one vote."""
    rows = list(
        TenderedPaper.objects.filter(ballot=ballot, admitted=True, sealed__isnull=False).values_list(
            "id", "sealed", "tracker", "category"
        )
    )
    if not rows:
        return []
    in_box = set(
        SealedBallot.objects.filter(ballot=ballot, tracker__in=[r[2] for r in rows]).values_list(
            "tracker", flat=True
        )
    )
    return [(pk, bytes(s), t, c) for pk, s, t, c in rows if t not in in_box]


def set_aside_by_category(ballot: Ballot) -> dict[str, int]:
    """Tendered papers not (or not yet) in the box, by elector category."""
    return dict(
        TenderedPaper.objects.filter(ballot=ballot)
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )


def tendered_state(tracker: str, ballot: Ballot) -> str | None:
    """For a voter looking up their receipt: "set_aside" or "admitted" (waiting for the
    count), or None if no tendered paper has this tracker (counted ones are in the box)."""
    row = TenderedPaper.objects.filter(ballot=ballot, tracker=tracker.strip().lower()).values("admitted")
    found = list(row[:1])
    if not found:
        return None
    return "admitted" if found[0]["admitted"] else "set_aside"
