"""Reads shared by every app: the audit trail, and which user accounts a user may manage."""

import operator
from datetime import datetime, time, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import AuditEvent
from .roles import GROUP_NAMES
from .scoping import scope_for_user, sees_everything

# The audit page's "days" are office days in China, whatever the server's zone.
AUDIT_DAY_ZONE = ZoneInfo("Asia/Shanghai")


def audit_event_list_for_user(*, user, filters: dict | None = None):
    """Audit events in the user's subtree, newest first, shaped for the audit list page.

    ``filters`` (all optional): ``action`` (a prefix, so ``auth`` finds every login event, or a
    tuple of prefixes, any of which may match), ``action_exact`` (one action code), ``account``
    (part of the actor's account name), ``success`` (True / False / None), ``date_from`` /
    ``date_to`` (dates, whole Asia/Shanghai days, both included), ``ip``.
    """
    filters = filters or {}
    events = scope_for_user(AuditEvent.objects.all(), user).select_related("unit", "object_type")
    if filters.get("action"):
        prefixes = filters["action"]
        prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
        events = events.filter(reduce(operator.or_, (Q(action__startswith=prefix) for prefix in prefixes)))
    if filters.get("action_exact"):
        events = events.filter(action=filters["action_exact"])
    if filters.get("account"):
        events = events.filter(actor_repr__icontains=filters["account"])
    if filters.get("success") is not None:
        events = events.filter(success=filters["success"])
    if filters.get("date_from"):
        events = events.filter(at__gte=_shanghai_midnight(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_shanghai_midnight(filters["date_to"] + timedelta(days=1)))
    if filters.get("ip"):
        events = events.filter(ip_address=filters["ip"])
    return events


def _shanghai_midnight(day):
    return datetime.combine(day, time.min, tzinfo=AUDIT_DAY_ZONE)


def user_accounts_for_user(user):
    """The user accounts ``user`` may see in the back office.

    A superuser sees every account. Anyone else sees the accounts whose cadre profile works
    in their own subtree, and never a superuser's account: without this an office admin could
    reset a superuser's password and take the account over.
    """
    accounts = get_user_model().objects.all()
    if sees_everything(user):
        return accounts
    from campaigns.models import Cadre

    in_subtree = scope_for_user(Cadre.objects.all(), user).values("user_id")
    return accounts.filter(pk__in=in_subtree, is_superuser=False)


def _dotted(permissions) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }


def account_permissions(account) -> set[str]:
    """Every permission an account holds, directly or through its groups, active or not."""
    return _dotted(Permission.objects.filter(Q(user=account) | Q(group__user=account)).distinct())


def role_groups_grantable_by(user):
    """The groups ``user`` may hand out: role groups holding no permission ``user`` lacks.

    A superuser may grant any group. Anyone else is limited to the role groups, and only to
    those whose every permission they hold themselves, so no one can grant more than they have.
    """
    if sees_everything(user):
        return Group.objects.all()
    held = user.get_all_permissions()
    grantable = []
    for group in Group.objects.filter(name__in=GROUP_NAMES.values()).prefetch_related("permissions__content_type"):
        needed = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        if needed <= held:
            grantable.append(group.pk)
    return Group.objects.filter(pk__in=grantable)


def user_account_changeable_by(user, account) -> bool:
    """Whether ``user`` may change ``account`` (its password, groups, flags).

    Only accounts they may see, and only those holding no permission beyond their own: taking
    over a more powerful account by resetting its password would be a privilege escalation.
    """
    if sees_everything(user):
        return True
    if account.is_superuser or not user_accounts_for_user(user).filter(pk=account.pk).exists():
        return False
    return account_permissions(account) <= user.get_all_permissions()
