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
from .scoping import profile_model, scope_for_user, sees_everything, user_scope_root

# The audit page's "days" are office days in China, whatever the server's zone.
AUDIT_DAY_ZONE = ZoneInfo("Asia/Shanghai")


def audit_event_list_for_user(*, user, filters: dict | None = None):
    """Audit events in the user's subtree, newest first, shaped for the audit list page.

    ``filters`` (all optional): ``action`` (a prefix, so ``auth`` finds every login event, or a
    tuple of prefixes, any of which may match), ``action_exact`` (one action code), ``account``
    (part of the actor's account name or cadre name), ``success`` (True / False / None), ``date_from`` /
    ``date_to`` (dates, whole Asia/Shanghai days, both included), ``ip``.
    """
    filters = filters or {}
    events = scope_for_user(AuditEvent.objects.all(), user).select_related("unit", "object_type", "actor__cadre")
    if filters.get("action"):
        prefixes = filters["action"]
        prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
        events = events.filter(reduce(operator.or_, (Q(action__startswith=prefix) for prefix in prefixes)))
    if filters.get("action_exact"):
        events = events.filter(action=filters["action_exact"])
    if filters.get("account"):
        # The account name, or the person's name as the page shows it.
        events = events.filter(
            Q(actor_repr__icontains=filters["account"]) | Q(actor__cadre__name__icontains=filters["account"])
        )
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


def global_configuration_changeable_by(user) -> bool:
    """Whether ``user`` may change what every unit shares (categories, reminder rules).

    Only the office of the root unit (someone whose subtree is the whole tree) or a system
    administrator (superuser): a county's office would otherwise change the city's rules for
    every other county. The model permission is checked on top of this, by the admin.
    """
    if sees_everything(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    root = user_scope_root(user)
    return root is not None and root.is_root()


def user_accounts_for_user(user):
    """The user accounts ``user`` may see in the back office.

    A superuser sees every account. Anyone else sees the accounts whose cadre profile works
    in their own subtree, and never a superuser's account: without this an office admin could
    reset a superuser's password and take the account over.
    """
    accounts = get_user_model().objects.all()
    if sees_everything(user):
        return accounts
    in_subtree = scope_for_user(profile_model().objects.all(), user).values("user_id")
    return accounts.filter(pk__in=in_subtree, is_superuser=False)


def account_has_audit_history(account) -> bool:
    """Whether the audit trail names ``account``, as the one who acted or the account acted on."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(account)
    return AuditEvent.objects.filter(
        Q(actor_id=account.pk) | Q(object_type=content_type, object_id=str(account.pk))
    ).exists()


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
    if account.pk != user.pk and account_at_own_level(user, account):
        return False
    return account_permissions(account) <= user.get_all_permissions()


def account_at_own_level(user, account) -> bool:
    """Whether ``account`` works in ``user``'s own unit (a peer), not in a unit below it.

    A peer's account (its password above all) belongs to the level above them both: otherwise
    one office admin could take over another's account by resetting its password.
    """
    from .audit import account_unit

    root = user_scope_root(user)
    unit = account_unit(account)
    return root is not None and unit is not None and unit.pk == root.pk


def back_office_access_grantable_by(user, account=None) -> bool:
    """Whether ``user`` may tick or untick ``is_staff`` (back-office access) on an account.

    Granting back-office access belongs to the level above the account: a superuser, or an
    office admin of a unit above the account's unit (never to their own unit's clerks, whose
    access the level above them grants), and never on their own account.
    """
    if sees_everything(user):
        return True
    if account is None or account.pk == user.pk:
        return False
    from .audit import account_unit

    root = user_scope_root(user)
    unit = account_unit(account)
    return root is not None and unit is not None and unit.path.startswith(root.path) and unit.pk != root.pk
