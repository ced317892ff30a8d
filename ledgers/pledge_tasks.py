"""Celery task for pledges: the daily status sweep (逾期 after the deadline day ends)."""

from celery import shared_task

from .pledge_services import pledge_refresh_statuses


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def refresh_pledge_statuses(self):
    """Idempotent: a second run the same day changes nothing."""
    try:
        return pledge_refresh_statuses()
    except Exception as exc:  # a lost DB connection: try again later
        raise self.retry(exc=exc) from exc
