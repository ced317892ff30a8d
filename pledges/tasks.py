"""Celery task for pledges: the daily status sweep (逾期 after the deadline day ends)."""

from core.background import task

from .services import pledge_refresh_statuses


@task(name="pledges.refresh_statuses", soft_time_limit=540, time_limit=600)
def refresh_pledge_statuses() -> int:
    """Daily. Idempotent: a second run the same day changes nothing."""
    return pledge_refresh_statuses()
