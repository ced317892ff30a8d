from celery import shared_task

from . import services


def _retry_while_running(task, job_id: int) -> None:
    """Not claimed because another run has the job: a double click's second message, or this
    message redelivered after its worker died. Come back when a dead run would be stale."""
    if services.import_job_in_progress(job_id=job_id):
        countdown = services.import_job_stale_after().total_seconds() + 1
        raise task.retry(countdown=countdown)


@shared_task(bind=True, ignore_result=True, max_retries=3)
def import_job_check_task(self, job_id: int) -> None:
    """Check every row of an uploaded file (the preview). Idempotent: claims a PENDING job."""
    if services.import_job_check(job_id=job_id) is None:
        _retry_while_running(self, job_id)


@shared_task(bind=True, ignore_result=True, max_retries=3)
def import_job_apply_task(self, job_id: int) -> None:
    """Write a checked file all-or-nothing. Idempotent: claims a VALID job."""
    if services.import_job_apply(job_id=job_id) is None:
        _retry_while_running(self, job_id)
