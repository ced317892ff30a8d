from celery import shared_task
from django.db import OperationalError

from .demand_flow import demand_escalate_overdue


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def escalate_overdue_demands() -> int:
    """Daily: mark overdue demands for the next leader up. Idempotent (already-marked ones are skipped)."""
    return demand_escalate_overdue()
