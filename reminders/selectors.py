"""Reads of the reminder engine, shaped for their pages."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from core.scoping import scope_for_user, sees_everything, user_scope_root
from org.models import subtree_q

from .models import Channel, Delivery, ReminderRule
from .registry import all_kinds


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


@dataclass(frozen=True)
class DigestEntry:
    path: str  # the responsible unit's tree path: entries are matched to leaders by prefix
    due: datetime.date
    label: str
    subject: str
    unit_name: str
    url: str  # site-relative; made absolute where it leaves the site


def digest_ahead(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=getattr(settings, "REMINDERS_DIGEST_AHEAD_DAYS", 7))


def digest_entries(*, today: datetime.date, under_path: str = "") -> list[DigestEntry]:
    """Open items of every kind due up to REMINDERS_DIGEST_AHEAD_DAYS ahead, sorted by unit path.

    One query per kind (plus what a kind's ``still_open`` asks). ``under_path`` limits them to a
    unit's subtree; the digest loads them all once and matches leaders by path prefix.
    """
    ahead = digest_ahead(today)
    entries = []
    for kind in all_kinds():
        if kind.compute is not None:
            entries.extend(_computed_entries(kind, today, ahead, under_path))
            continue
        items = kind.open_items().filter(**{f"{kind.due_field}__lte": ahead})
        if under_path:
            items = items.filter(subtree_q(under_path, f"{kind.unit_field}__"))
        for item in kind.filter_open(list(items)):
            unit = kind.unit_of(item)
            if unit is not None:
                entries.append(
                    DigestEntry(
                        unit.path,
                        kind.due_of(item),
                        str(kind.label),
                        str(kind.subject(item)),
                        unit.name,
                        kind.url_of(item),
                    )
                )
    entries.sort(key=lambda e: e.path)
    return entries


def _computed_entries(kind, today, ahead, under_path) -> list[DigestEntry]:
    """A computed kind's open deadlines (each cadre or unit short of a quota) due from its latest stage to ``ahead``."""
    offsets = ReminderRule.objects.filter(kind=kind.key, is_active=True).values_list("offset_days", flat=True)
    first = today - datetime.timedelta(days=max([0, *offsets]))
    sources = list(kind.open_items().filter(**{f"{kind.due_field}__gte": first}))
    rows = kind.compute(sources, first, ahead, today) if sources else []
    return [
        DigestEntry(row.unit.path, row.due, str(kind.label), row.subject, row.unit.name, row.url)
        for row in rows
        if row.unit is not None and row.unit.path.startswith(under_path)
    ]


def due_items_for_user(*, user, today: datetime.date) -> tuple[list[DigestEntry], list[DigestEntry]]:
    """The full list behind a digest: (overdue, due soon) items in the user's subtree, by deadline.

    The digest's "另有 N 项" links here. A user without an org unit sees nothing; a superuser
    sees every unit.
    """
    if sees_everything(user):
        under = ""
    else:
        root = user_scope_root(user)
        if root is None:
            return [], []
        under = root.path
    entries = sorted(digest_entries(today=today, under_path=under), key=lambda e: (e.due, e.unit_name))
    return [e for e in entries if e.due < today], [e for e in entries if e.due >= today]
