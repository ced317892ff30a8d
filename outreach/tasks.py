import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


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


@shared_task(ignore_result=True)
def requeue_stale_imports() -> int:
    """Beat, every few minutes: send again the task of every import whose task seems lost, so
    no job stays "正在检查" or "正在导入" forever, and fail the jobs whose runs died too often
    (a file that kills its reader). Returns how many were sent."""
    given_up = services.import_jobs_give_up()
    if given_up:
        logger.error("import jobs failed after their runs died repeatedly: %s", given_up)
    to_check, to_write = services.import_jobs_to_requeue()
    for job_id in to_check:
        import_job_check_task.delay(job_id)
    for job_id in to_write:
        import_job_apply_task.delay(job_id)
    if to_check or to_write:
        logger.warning("re-sent lost import tasks: check %s, write %s", to_check, to_write)
    return len(to_check) + len(to_write)


@shared_task(bind=True, ignore_result=True, max_retries=3, default_retry_delay=300, soft_time_limit=540, time_limit=600)
def delete_abandoned_imports(self) -> int:
    """Beat, daily: delete workbooks left unconfirmed past OUTREACH_IMPORT_KEEP_DAYS. Idempotent."""
    try:
        return services.import_jobs_delete_abandoned()
    except Exception as exc:  # a lost DB connection: try again later
        raise self.retry(exc=exc) from exc
