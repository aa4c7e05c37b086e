"""Reads for ballots: who sees which ballot, turnout, and the tracker lookup."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Length

from groundswell.accounts.models import Role
from groundswell.accounts.selectors import has_role
from groundswell.ballots.models import (
    Ballot,
    Elector,
    PublishedChunk,
    PublishedFile,
    SealedBallot,
    SpentCredential,
    Trustee,
)


def can_run_ballots(user) -> bool:
    return has_role(user, Role.RETURNING_OFFICER, Role.NATIONAL_ADMIN)


def ballots_for(user) -> QuerySet[Ballot]:
    """Returning officers and national admins see every ballot; nobody else runs them."""
    if can_run_ballots(user):
        return Ballot.objects.all()
    return Ballot.objects.none()


def trustee_ballots(user) -> QuerySet[Ballot]:
    """Ballots this user holds a share of (to download it once, and to count)."""
    if not getattr(user, "is_authenticated", False):
        return Ballot.objects.none()
    return Ballot.objects.filter(trustees__user=user).distinct()


def trustees(ballot: Ballot) -> list[Trustee]:
    return list(Trustee.objects.filter(ballot=ballot).select_related("user").order_by("index"))


def published_ballots() -> QuerySet[Ballot]:
    return Ballot.objects.filter(status=Ballot.Status.PUBLISHED).order_by("-published_at")


def has_voted(elector: Elector) -> bool:
    return SpentCredential.objects.filter(elector_id=elector.pk).exists()


@dataclass(frozen=True)
class Turnout:
    electorate: int
    cast: int
    by_category: list[tuple[str, int, int, float]]  # (category, electorate, cast, percent)

    @property
    def percent(self) -> float:
        return 100 * self.cast / self.electorate if self.electorate else 0.0


def voted_by_category(ballot: Ballot) -> dict[str, int]:
    return dict(
        SpentCredential.objects.filter(ballot=ballot)
        .values("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )


def ballot_turnout(ballot: Ballot) -> Turnout:
    """Turnout by category: counted live while voting is open, and read from the figures
    stored at the close once it is not (a results page read by thousands counts nothing)."""
    cast = ballot.voted_by_category if ballot.voted_by_category is not None else voted_by_category(ballot)
    cats = list(ballot.electorate_by_category) or sorted(cast)
    rows = []
    for c in cats:
        entitled, voted = int(ballot.electorate_by_category.get(c, 0)), int(cast.get(c, 0))
        rows.append((c, entitled, voted, 100 * voted / entitled if entitled else 0.0))
    return Turnout(electorate=ballot.electorate_size, cast=sum(cast.values()), by_category=rows)


def tracker_published(ballot: Ballot, tracker: str) -> bool:
    """Is a sealed paper with this tracker in the ballot's box (and so on its board)?"""
    return SealedBallot.objects.filter(ballot=ballot, tracker=tracker.strip().lower()).exists()


def published_file(ballot: Ballot, name: str) -> PublishedFile | None:
    return PublishedFile.objects.filter(ballot=ballot, name=name).first()


def published_file_stream(f: PublishedFile, start: int, stop: int) -> Iterator[bytes]:
    """Bytes [start, stop) of a published file, one stored chunk at a time. Every chunk but
    the last has the first chunk's length, whatever size the file was written with."""
    size = (
        PublishedChunk.objects.filter(file=f, seq=0)
        .annotate(n=Length("data"))
        .values_list("n", flat=True)
        .first()
    )
    if not size or stop <= start:
        return
    CHUNK = int(size)
    first, last = start // CHUNK, (stop - 1) // CHUNK
    rows = (
        PublishedChunk.objects.filter(file=f, seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("seq", "data")
    )
    # One stored chunk in memory at a time (a server-side cursor fetching one row), sent as
    # it came when whole: 12 parallel downloads of a 25 MB file grew a worker by up to 45 MB
    # when two rows were fetched at once and each was copied twice; 20-27 MB now.
    for seq, data in rows.iterator(chunk_size=1):
        lo, hi = max(start - seq * CHUNK, 0), min(stop - seq * CHUNK, len(data))
        whole = lo == 0 and hi == len(data) and isinstance(data, bytes)
        yield data if whole else bytes(memoryview(data)[lo:hi])
        del data  # before the next row is fetched, not after


def postal_electors(ballot: Ballot) -> QuerySet[Elector]:
    """Electors without an email address: their codes go by post."""
    return Elector.objects.filter(ballot=ballot, person__email="").select_related("person").order_by("pk")


def signed_in_vote_state(ballot: Ballot, person) -> str:
    """For an in-app ballot: "not_elector", "voted" or "can_vote" for this person."""
    if person is None:
        return "not_elector"
    elector = next(iter(Elector.objects.filter(ballot=ballot, person=person).only("pk")[:1]), None)
    if elector is None:
        return "not_elector"
    return "voted" if has_voted(elector) else "can_vote"
