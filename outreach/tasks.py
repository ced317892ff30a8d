import logging

from core.background import task

from . import services

logger = logging.getLogger(__name__)

# A file at the import's row limit is checked or written in minutes; half an hour stops a run
# that hangs well before Redis redelivers its unacknowledged message (after an hour).
IMPORT_SOFT_LIMIT, IMPORT_LIMIT = 29 * 60, 30 * 60


def _retry_while_running(task, job_id: int) -> None:
    """Not claimed because another run has the job: a double click's second message, or this
    message redelivered after its worker died. Come back when a dead run would be stale."""
    if services.import_job_in_progress(job_id=job_id):
        countdown = services.import_job_stale_after().total_seconds() + 1
        raise task.retry(countdown=countdown)


@task(name="outreach.check_import", soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_LIMIT, bind=True)
def import_job_check_task(self, job_id: int) -> None:
    """Check every row of an uploaded file (the preview). Idempotent: claims a PENDING job."""
    if services.import_job_check(job_id=job_id) is None:
        _retry_while_running(self, job_id)


@task(name="outreach.apply_import", soft_time_limit=IMPORT_SOFT_LIMIT, time_limit=IMPORT_LIMIT, bind=True)
def import_job_apply_task(self, job_id: int) -> None:
    """Write a checked file all-or-nothing. Idempotent: claims a VALID job."""
    if services.import_job_apply(job_id=job_id) is None:
        _retry_while_running(self, job_id)


@task(name="outreach.requeue_stale_imports", soft_time_limit=50, time_limit=60)
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


@task(name="outreach.delete_abandoned_imports", soft_time_limit=540, time_limit=600)
def delete_abandoned_imports() -> int:
    """Beat, daily: delete workbooks left unconfirmed past OUTREACH_IMPORT_KEEP_DAYS. Idempotent."""
    return services.import_jobs_delete_abandoned()
