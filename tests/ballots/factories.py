"""Ballots in each state, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groundswell.ballots import services
from groundswell.ballots.models import Ballot, Elector, Trustee

# Shares taken by the trustees of ballots made here, by ballot id (a test is one process).
SHARES: dict[int, list[str]] = {}


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
    """Runs the opening the way the officer and the task do (tests wrap each in a
    transaction, so on-commit hooks that enqueue tasks never fire: call the work directly).
    The trustees take their shares at once; they are kept in SHARES for the count."""
    if ballot.status == Ballot.Status.DRAFT and ballot.created_by is not None:
        services.ballot_open_start(ballot=ballot, actor=ballot.created_by)
    else:
        Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.OPENING)
    SHARES[ballot.pk] = take_shares(ballot)
    return services.ballot_open(ballot_id=ballot.pk)


def take_shares(ballot: Ballot) -> list[str]:
    return [
        services.share_download(ballot=ballot, user=t.user)["share"]
        for t in Trustee.objects.filter(ballot=ballot, share_pending__isnull=False).select_related("user")
    ]


def codes(ballot: Ballot) -> dict[int, str]:
    """Fresh voting codes for every elector who has not voted (the emailed ones no longer work)."""
    with transaction.atomic():
        pairs = services.codes_issue(Elector.objects.filter(ballot=ballot).order_by("pk"))
    return {e.pk: code for e, code in pairs}


def code_for(ballot: Ballot, person) -> str:
    elector = Elector.objects.get(ballot=ballot, person=person)
    with transaction.atomic():
        ((_, code),) = services.codes_issue([elector])
    return code


def vote_all(ballot: Ballot, rankings) -> list[str]:
    trackers = []
    issued = codes(ballot)
    for elector_id, ranking in zip(sorted(issued), rankings, strict=False):
        trackers.append(services.ballot_cast(credential=issued[elector_id], ranking=ranking).tracker)
    return trackers


def close_and_count(ballot: Ballot, ro) -> Ballot:
    services.ballot_close(ballot=ballot, actor=ro, confirm=True)
    return services.ballot_count(ballot_id=ballot.pk, shares_given=SHARES.get(ballot.pk, []), actor=ro)


def published_ballot(ro, rankings=((0, 1), (1,), (0, 2))) -> Ballot:
    ballot = open_ballot(draft_ballot(ro, title="Published"))
    vote_all(ballot, rankings)
    close_and_count(ballot, ro)
    return services.ballot_publish(ballot=ballot, actor=ro, confirm=True)
