from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def import_job_check_task(job_id: int) -> None:
    """Check every row of an uploaded file (the preview). Idempotent: claims a PENDING job."""
    services.import_job_check(job_id=job_id)


@shared_task(ignore_result=True)
def import_job_apply_task(job_id: int) -> None:
    """Write a checked file all-or-nothing. Idempotent: claims a VALID job."""
    services.import_job_apply(job_id=job_id)
