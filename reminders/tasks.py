"""Thin Celery tasks: load ids, call a service. Every one is safe to run twice."""

from celery import shared_task

from . import services
from .registry import all_kinds


@shared_task(name="reminders.dispatch_due", ignore_result=True)
def dispatch_due():
    """Beat, every minute: claim due reminders and publish them in batches of ids."""
    result = services.reminders_dispatch_due()
    return {"claimed": result.claimed, "batches": result.batches, "broker_error": result.broker_error}


@shared_task(name="reminders.send_reminders", ignore_result=True)
def send_reminders(reminder_ids):
    """One batch of claimed reminder ids; deliveries are unique per (reminder, channel)."""
    return services.reminders_send_batch(reminder_ids=[int(pk) for pk in reminder_ids])


@shared_task(name="reminders.sync_all", ignore_result=True)
def sync_all():
    """Beat: one sync task per registered deadline kind (never one per cadre or per item)."""
    for kind in all_kinds():
        sync_kind.delay(kind.key)


@shared_task(name="reminders.sync_kind", ignore_result=True)
def sync_kind(kind_key):
    result = services.reminders_sync_kind(kind_key=kind_key)
    return {"created": result.created, "updated": result.updated, "cancelled": result.cancelled}


@shared_task(name="reminders.create_digests", ignore_result=True)
def create_digests():
    """Beat, every morning: one digest per leader, delivered by the next dispatch."""
    return services.reminders_create_digests()
