"""Background work for mail-outs."""

from django_tasks import task

from groundswell.mailouts import services


@task()
def send_mailout(mailout_id: int) -> int:
    return services.mailout_send(mailout_id=mailout_id).sent
