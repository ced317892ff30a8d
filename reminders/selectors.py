"""Reads of the reminder engine, shaped for their pages."""

from django.db.models import QuerySet

from core.scoping import scope_for_user

from .models import Channel, Delivery


def inbox_unread_count(*, user) -> int:
    """The bell: how many of the user's in-app messages are unread (one indexed count)."""
    return Delivery.objects.inbox(user).filter(read_at__isnull=True).count()


def inbox_list(*, user, unread_only: bool = False) -> QuerySet:
    """The user's own in-app messages, newest first, with their reminder loaded."""
    qs = Delivery.objects.inbox(user).select_related("reminder", "reminder__unit").order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def inbox_message(*, user, delivery_id: int) -> Delivery:
    """One of the user's own messages; Delivery.DoesNotExist (a 404) for anyone else's."""
    return Delivery.objects.inbox(user).select_related("reminder", "reminder__unit").get(pk=delivery_id)


def failed_deliveries_for_user(*, user, status: str = "") -> QuerySet:
    """E-mail and SMS deliveries that failed or whose result is unknown, in the user's subtree."""
    statuses = (
        [status]
        if status in (Delivery.Status.FAILED, Delivery.Status.UNKNOWN)
        else [
            Delivery.Status.FAILED,
            Delivery.Status.UNKNOWN,
        ]
    )
    qs = Delivery.objects.filter(status__in=statuses).exclude(channel=Channel.INAPP)
    return (
        scope_for_user(qs, user)
        .select_related("reminder", "reminder__unit", "recipient", "recipient__cadre")
        .order_by("-created_at", "-id")
    )
