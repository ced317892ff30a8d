"""Thin Celery tasks: load ids, call a service. Every one is safe to run twice."""

from core.background import task

from . import services
from .registry import all_kinds


# Every minute; claims are SKIP LOCKED, so a run that overlaps the next one is harmless.
@task(name="reminders.dispatch_due", soft_time_limit=240, time_limit=300)
def dispatch_due():
    """Beat, every minute: claim due reminders and publish them in batches of ids."""
    result = services.reminders_dispatch_due()
    return {"claimed": result.claimed, "batches": result.batches, "broker_error": result.broker_error}


# Well inside REMINDERS_QUEUED_TIMEOUT (10 minutes), after which a batch still sending counts as lost.
@task(name="reminders.send_reminders", soft_time_limit=240, time_limit=300)
def send_reminders(reminder_ids):
    """One batch of claimed reminder ids; deliveries are unique per (reminder, channel)."""
    return services.reminders_send_batch(reminder_ids=[int(pk) for pk in reminder_ids])


@task(name="reminders.sync_all", soft_time_limit=50, time_limit=60)
def sync_all():
    """Beat: one sync task per registered deadline kind (never one per cadre or per item)."""
    for kind in all_kinds():
        sync_kind.delay(kind.key)


@task(name="reminders.sync_kind", soft_time_limit=540, time_limit=600)
def sync_kind(kind_key):
    result = services.reminders_sync_kind(kind_key=kind_key)
    return {"created": result.created, "updated": result.updated, "cancelled": result.cancelled}


@task(name="reminders.create_digests", soft_time_limit=540, time_limit=600)
def create_digests():
    """Beat, every morning: one digest per leader, delivered by the next dispatch."""
    return services.reminders_create_digests()
