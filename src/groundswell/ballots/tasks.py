"""Background work for ballots: freezing the electorate, sending credentials, counting."""

from django_tasks import task

from groundswell.ballots import services


@task()
def open_ballot(ballot_id: int) -> str:
    return services.ballot_open(ballot_id=ballot_id).status


@task()
def send_credentials(ballot_id: int) -> int:
    return services.credentials_send(ballot_id=ballot_id)


@task()
def count_ballot(ballot_id: int) -> str:
    """Counts a ballot whose key the server holds (a motion vote). A ballot with trustees
    is counted only when they give their shares (`ballot_count_start`). A re-run after its
    worker died takes over the dead run's claim (`ballot_count`'s `take_over`)."""
    return services.ballot_count(ballot_id=ballot_id, take_over=True).status


@task()
def publish_ballot(ballot_id: int, actor_id: int | None = None) -> str:
    """Writes a counted ballot's published files (confirmed by the officer when queued)."""
    from django.contrib.auth import get_user_model

    from groundswell.ballots.models import Ballot

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    ballot = Ballot.objects.get(pk=ballot_id)
    return services.ballot_publish(ballot=ballot, actor=actor, confirm=True).status
