"""Shared helpers of the reminder tests."""

import datetime
import zoneinfo

from reminders import services
from reminders.models import Delivery, Reminder

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date | str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def deliver_now(now=None):
    """Run the dispatcher and the worker's send service inline, as beat + worker would."""
    return services.reminders_dispatch_due(
        now=now,
        publish=lambda batches: [services.reminders_send_batch(reminder_ids=ids, now=now) for ids in batches],
    )


def make_message(user, *, title="提醒", read=False, unit=None, channel="inapp", status="sent"):
    """An in-app message (a sent reminder and its delivery) for the inbox tests."""
    reminder = Reminder.objects.create(
        kind="campaigns.campaign_end",
        subject_key=f"test:{title}:{user.pk}:{channel}",
        recipient=user,
        unit=unit,
        due_date=datetime.date(2026, 5, 31),
        title=title,
        send_at=at("2026-05-24"),
        status=Reminder.Status.SENT,
    )
    return Delivery.objects.create(
        reminder=reminder, recipient=user, channel=channel, status=status, read_at=at("2026-05-25") if read else None
    )
