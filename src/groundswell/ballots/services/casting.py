"""Casting: spend the elector's place in the marked register and put the sealed paper in
the box, in one transaction (one vote each holds in the database itself)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Func, Value
from django.utils import timezone

from groundswell.ballots.models import (
    Ballot,
    Candidate,
    Elector,
    SealedBallot,
    SpentCredential,
    TenderedPaper,
)
from groundswell.ballots.services.codes import elector_for_code
from groundswell.ballots.services.errors import AlreadyVoted, BallotError
from groundswell.core.ballotbox import sealing


def validate_ranking(ballot: Ballot, ranking: Sequence[int], n_candidates: int) -> list[int]:
    try:
        ranking = [int(r) for r in ranking]
    except (TypeError, ValueError):
        raise BallotError("the ranking must be candidate numbers", status=422) from None
    if not ranking:
        raise BallotError("rank at least one candidate", status=422)
    if len(set(ranking)) != len(ranking):
        raise BallotError("a candidate is ranked twice", status=422)
    if any(not 0 <= r < n_candidates for r in ranking):
        raise BallotError("the ranking names a candidate who is not on this ballot", status=422)
    if ballot.method == Ballot.Method.FPTP and len(ranking) != 1:
        raise BallotError("choose exactly one candidate", status=422)
    return ranking


_candidate_counts: dict[tuple[int, datetime], int] = {}


def candidate_count(ballot: Ballot) -> int:
    """Candidates never change after a ballot is created, so each process counts them once
    (a cast is on the hot path of a ballot's last hour). Keyed by creation time as well as
    key, so a key reused after a rollback (SQLite) never finds another ballot's count."""
    key = (ballot.pk, ballot.created_at)
    n = _candidate_counts.get(key)
    if n is None:
        n = _candidate_counts[key] = Candidate.objects.filter(ballot_id=ballot.pk).count()
    return n


CAST_LOCK = 7301  # the class of PostgreSQL advisory lock that casts share and closing takes


def _still_open(ballot: Ballot) -> None:
    """Checked again inside the cast's transaction, after its writes. On PostgreSQL a cast
    holds a shared advisory lock on the ballot (casts never wait for each other, and nothing
    is written to the ballot's row, unlike FOR SHARE, whose row locks made casting's p99 ten
    times worse under load), and closing takes it exclusively: it waits for the casts in
    flight, and a cast that comes after it sees the ballot closed. On SQLite the cast's
    writes already hold the database's one write lock."""
    fields = ["status", "opens_at", "closes_at"]
    rows = Ballot.objects.filter(pk=ballot.pk)
    if connection.vendor == "postgresql":  # the lock and the re-read in one round trip
        rows = rows.annotate(
            lock=Func(
                Value(CAST_LOCK),
                Value(ballot.pk),
                function="pg_advisory_xact_lock_shared",
                output_field=CharField(),
            )
        )
        fields.append("lock")
    status, opens_at, closes_at = rows.values_list(*fields)[0][:3]
    now = timezone.now()
    if status != Ballot.Status.OPEN or not opens_at <= now < closes_at:
        raise BallotError("this ballot is not open for voting")


def _store(elector: Elector, ballot: Ballot, sealed: bytes) -> SealedBallot | TenderedPaper:
    """The mark in the register and the paper, in one transaction: into the box, or, for an
    elector who must tender, set aside (TenderedPaper) and not in the box."""
    today = timezone.localdate()
    model = TenderedPaper if elector.must_tender else SealedBallot
    paper = model(ballot=ballot, sealed=sealed, tracker=sealing.tracker(sealed), category=elector.category)
    if elector.must_tender:
        paper.elector_id = elector.pk
    try:
        with transaction.atomic():
            SpentCredential.objects.create(
                elector_id=elector.pk, ballot=ballot, category=elector.category, spent_on=today
            )
            paper.save(force_insert=True)
            _still_open(ballot)
    except IntegrityError:
        if SpentCredential.objects.filter(elector_id=elector.pk).exists():
            raise AlreadyVoted("this voting code has already been used: each elector votes once") from None
        raise BallotError("this sealed paper is already in the box: seal your vote afresh") from None
    return paper


def ballot_cast(
    *,
    credential: str | None = None,
    ranking: Sequence[int] | None = None,
    sealed: bytes | None = None,
    elector: Elector | None = None,
    tendered: bool = False,
) -> SealedBallot | TenderedPaper:
    """Casts one secret ballot; returns the sealed paper (its tracker is the receipt).

    An elector excluded from the ballot (`must_tender`, set by vetting) can no longer put a
    paper in the box: only a tendered paper, sealed the same way and set aside, and only
    when the caller says the voter was told so (`tendered`). A tendered paper returned is a
    `TenderedPaper`.

    Either `sealed` (sealed in the voter's browser: the server never sees the ranking) or
    `ranking` (no JavaScript: the server seals it at once and keeps only the sealed paper).
    The elector is found by the code's keyed hash, or given by a caller that has already
    found it by this code (or signed the elector in, for in-app votes)."""
    if elector is None:
        elector = elector_for_code(credential or "")
        if elector is None:
            raise BallotError(
                "that voting code is not valid: check it against your email or letter", status=403
            )
    ballot = elector.ballot
    if not ballot.is_accepting_votes():
        raise BallotError("this ballot is not open for voting")
    if elector.must_tender and not tendered:
        raise BallotError(
            "you have been excluded from this ballot: this code can no longer cast a vote into the box, "
            "only a tendered ballot, set aside and counted only if your appeal is allowed before the count",
            code="ballot.must_tender",
        )
    n = candidate_count(ballot)
    if sealed is None:
        if ranking is None:
            raise BallotError("nothing to cast", status=422)
        ranking = validate_ranking(ballot, ranking, n)
        sealed = sealing.seal(bytes(ballot.public_key), sealing.info_for(ballot.pk), ranking, n)
    else:
        try:
            sealing.check_shape(sealed, n)
        except sealing.SealError as e:
            raise BallotError(str(e), status=422) from None
    return _store(elector, ballot, sealed)


def ballot_cast_signed_in(*, ballot: Ballot, person, ranking: Sequence[int]) -> SealedBallot:
    """Casts the vote of a signed-in elector of an in-app ballot (a motion vote).

    The same path as a code vote: the elector's place in the marked register is spent and
    the paper sealed, so eligibility, one vote each and secrecy are the ballot machinery's."""
    if not ballot.in_app:
        raise BallotError("this ballot is voted with the code sent to each elector")
    found = list(Elector.objects.select_related("ballot").filter(ballot=ballot, person=person)[:1])
    elector = found[0] if found else None  # (no .first(): its ORDER BY id may skip the index)
    if elector is None:
        raise BallotError("you are not on the electorate of this vote", status=403)
    return ballot_cast(elector=elector, ranking=ranking)
