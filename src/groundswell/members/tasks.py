"""Background work: uploaded files are imported in the task worker, not the web request."""

from django_tasks import task

from groundswell.members.services import import_job_run


@task()
def run_import(job_id: int) -> str:
    return import_job_run(job_id=job_id).status
