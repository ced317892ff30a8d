from core.background import task

from .demand_flow import demand_escalate_overdue


@task(name="ledgers.escalate_overdue_demands", soft_time_limit=540, time_limit=600)
def escalate_overdue_demands() -> int:
    """Daily: mark overdue demands for the next leader up. Idempotent (already-marked ones are skipped)."""
    return demand_escalate_overdue()
