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
    is counted only when they give their shares (`ballot_count_start`)."""
    return services.ballot_count(ballot_id=ballot_id).status
