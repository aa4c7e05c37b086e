"""What vetting does when the ballots part says so (ballots.signals), so ballots need not
know vetting exists."""

from __future__ import annotations

from django.dispatch import receiver

from groundswell.ballots import services as ballots
from groundswell.ballots.models import Ballot
from groundswell.ballots.signals import ballot_publishing, electorate_frozen
from groundswell.vetting import selectors
from groundswell.vetting.models import Exclusion


@receiver(electorate_frozen, dispatch_uid="vetting.electorate_frozen")
def apply_exclusions(sender, ballot, **kwargs) -> None:
    """People excluded before the ballot opened may only tender, from the first moment. The
    ballot's row lock first: an exclusion being made now (tendered.elector_must_tender takes the
    same lock) is either committed and read here, or waits and finds its elector."""
    list(Ballot.objects.select_for_update().filter(pk=ballot.pk).values_list("pk", flat=True))
    people = Exclusion.objects.filter(ballot=ballot, state=Exclusion.State.IN_FORCE).values_list(
        "person_id", flat=True
    )
    ballots.electors_must_tender(ballot=ballot, person_ids=people)


@receiver(ballot_publishing, dispatch_uid="vetting.ballot_publishing")
def publish_counts(sender, ballot, **kwargs) -> dict:
    counts = selectors.published_counts(ballot)
    if counts is None:
        return {}
    return {
        "exclusions.json": (
            "exclusions from the electorate by reason, appeals and tendered papers (counts only)",
            counts,
        )
    }
