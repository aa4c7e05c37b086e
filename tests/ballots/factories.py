"""Ballots in each state, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groundswell.ballots import services
from groundswell.ballots.models import Ballot, Elector


def draft_ballot(
    ro,
    *,
    method="irv",
    seats=1,
    candidates=("Ann", "Bob", "Cat"),
    categories=("member",),
    title="Leader",
    opens_in=timedelta(hours=-1),
    closes_in=timedelta(days=1),
    freeze_date=None,
) -> Ballot:
    now = timezone.now()
    return services.ballot_create(
        actor=ro,
        title=title,
        method=method,
        seats=seats,
        candidates=list(candidates),
        eligible_categories=list(categories),
        freeze_date=freeze_date or (now + opens_in).date(),
        opens_at=now + opens_in,
        closes_at=now + closes_in,
    )


def open_ballot(ballot: Ballot) -> Ballot:
    """Runs the opening the way the task does (tests wrap each in a transaction, so
    on-commit hooks that enqueue tasks never fire: call the work directly)."""
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPENING)
    return services.ballot_open(ballot_id=ballot.pk)


def vote_all(ballot: Ballot, rankings) -> list[str]:
    trackers = []
    for elector, ranking in zip(Elector.objects.filter(ballot=ballot).order_by("pk"), rankings, strict=False):
        trackers.append(services.ballot_cast(credential=elector.credential, ranking=ranking).tracker)
    return trackers


def close_and_count(ballot: Ballot, ro) -> Ballot:
    services.ballot_close(ballot=ballot, actor=ro)
    return services.ballot_count(ballot_id=ballot.pk)


def published_ballot(ro, rankings=((0, 1), (1,), (0, 2))) -> Ballot:
    ballot = open_ballot(draft_ballot(ro, title="Published"))
    vote_all(ballot, rankings)
    close_and_count(ballot, ro)
    return services.ballot_publish(ballot=ballot, actor=ro)
