"""Writing the audit trail. Services call `audit_record` inside their own transaction.

The codes an event may carry are declared by their apps (``<app>/audit.py``) and registered in
``core.audit_codes``; core's own (accounts, the back office, refused URLs, file views) are here.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit_codes import AuditFamily, check_writable, register_audit_codes
from .models import AuditEvent
from .request_context import client_ip, get_current_request
from .scoping import ancestor_paths, unit_model

# Query-string keys that say how a page was shown, not which rows it holds.
_NOT_A_FILTER = {"page", "export", "format"}


class CoreAudit(models.TextChoices):
    # Accounts and the back office (core/receivers.py).
    LOGIN = "auth.login", _("登录")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    LOGOUT = "auth.logout", _("退出登录")
    PASSWORD_CHANGE = "auth.password_change", _("修改密码")
    LOCKOUT = "auth.lockout", _("登录失败次数过多，账号被锁定")
    UNLOCK = "auth.unlock", _("解除登录锁定")
    DORMANT_DISABLED = "auth.dormant_disabled", _("长期未登录，账号自动停用")
    SESSION_EXPIRED = "auth.session_expired", _("会话超时，自动退出")
    IP_BLOCKED = "auth.ip_blocked", _("同一地址登录失败过多，暂时拒绝登录")
    # Object URLs asked for outside the user's subtree, answered 404 (audit_scope_denial).
    SCOPE_DENIED = "core.scope_denied", _("越权访问（已拒绝）")
    ADMIN_ADD = "admin.add", _("后台新增")
    ADMIN_CHANGE = "admin.change", _("后台修改")
    ADMIN_DELETE = "admin.delete", _("后台删除")
    ADMIN_OTHER = "admin.other", _("后台其他操作")
    # Stored files holding personal data (core/files.py): visit photos, import workbooks.
    FILE_VIEW = "core.file_view", _("查看含个人信息的文件")


register_audit_codes(
    CoreAudit,
    families=(
        AuditFamily("auth.", _("登录与退出"), group="account"),
        AuditFamily("admin.", _("后台管理"), group="account"),
        AuditFamily("core.scope_", _("越权访问"), group="account"),
        AuditFamily("core.file_", _("含个人信息的文件"), group="people"),
    ),
)


def audit_record(
    *,
    action: str,
    actor=None,
    obj=None,
    unit=None,
    success: bool = True,
    detail: dict | None = None,
    request=None,
    actor_repr: str = "",
) -> AuditEvent:
    """Append one audit event.

    Call it inside the transaction of the change it describes, so the event and the change
    commit or roll back together. The request (for the IP and the user) defaults to the one
    being served. The unit defaults to the object's (an account's is its cadre's unit); an
    event that belongs to no unit is filed under the root unit, so the top auditor reads it.
    Raises ValueError for a code no app declared (core.audit_codes): every stored code has a label.
    """
    action = str(action)  # a TextChoices member stores and compares as its plain code
    check_writable(action)
    request = request or get_current_request()
    request_user = getattr(request, "user", None)
    if actor is None and request_user is not None and request_user.is_authenticated:
        actor = request_user
    if unit is None and obj is not None:
        unit = _unit_of(obj)
    if unit is None:
        unit = _root_unit()
    names, lineage = _unit_text(unit)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_repr=actor_repr or (actor.get_username() if actor is not None else ""),
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit,
        unit_name=unit.name[:100] if unit is not None else "",
        unit_path=" / ".join(names)[:500],
        unit_lineage=lineage[:255],
        ip_address=client_ip(request),
        success=success,
        detail=detail or {},
    )


def audit_export(*, action: str, what: str, rows: int, unit=None, personal: bool = False, request=None) -> AuditEvent:
    """Record one download of rows: who, what, the filter it was asked with and how many rows.

    Every export and report download calls this once, after building the file. The filter is
    the query string the file was asked with (the page's filters), as the auditor needs to
    repeat the question; ``unit`` is the unit the file covers (else the exporting user's).
    """
    request = request or get_current_request()
    query = getattr(request, "GET", None) or {}
    filters = {key: query.getlist(key) for key in query if key not in _NOT_A_FILTER}
    filters = {key: values[0] if len(values) == 1 else values for key, values in filters.items()}
    if unit is None and request is not None:
        unit = account_unit(getattr(request, "user", None))
    return audit_record(
        action=action,
        unit=unit,
        request=request,
        detail={
            "what": what,
            "path": getattr(request, "path", ""),
            "filters": filters,
            "rows": rows,
            "personal_data": personal,
        },
    )


# A crawler walking ids must not flood the trail: at most this many refusals per user and window.
SCOPE_DENIAL_LIMIT = 20
SCOPE_DENIAL_WINDOW = 10 * 60


def audit_scope_denial(*, user, queryset, lookups: dict) -> None:
    """Record that ``user`` asked for an object that exists outside their subtree (answered 404).

    Only objects that exist are recorded (a mistyped id is no attempt on anyone's data), filed
    under the object's unit so the auditor of the data asked for reads it. Rate-limited per user
    through the cache; the first refusal past the limit says that the rest went unrecorded.
    """
    if user is None or not user.is_authenticated:
        return
    obj = queryset.filter(**lookups).first()
    if obj is None:
        return
    key = f"minqing:audit:scope-denial:{user.pk}"
    cache.add(key, 0, SCOPE_DENIAL_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, SCOPE_DENIAL_WINDOW)
        count = 1
    if count > SCOPE_DENIAL_LIMIT + 1:
        return
    request = get_current_request()
    detail = {
        "model": obj._meta.label_lower,
        "lookups": {key: str(value) for key, value in lookups.items()},
        "path": getattr(request, "path", ""),
    }
    if count == SCOPE_DENIAL_LIMIT + 1:
        detail["limit_reached"] = SCOPE_DENIAL_LIMIT
    audit_record(action=CoreAudit.SCOPE_DENIED, actor=user, obj=obj, success=False, detail=detail)


def _unit_of(obj):
    from .scoping import unit_of

    if isinstance(obj, get_user_model()):
        return account_unit(obj)
    try:
        return unit_of(obj)
    except (AttributeError, TypeError, ObjectDoesNotExist):
        return None


def account_unit(user):
    """The unit an account belongs to: its cadre's unit, or None (superusers, new accounts)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        cadre = user.cadre
    except ObjectDoesNotExist:
        return None
    return cadre.org_unit if cadre is not None else None


def _root_unit():
    return unit_model().objects.get_root_nodes().first()


def _unit_text(unit) -> tuple[list[str], str]:
    """The names from the root down to ``unit``, and their ids as ``/1/2/4/``."""
    if unit is None:
        return [], ""
    above = ancestor_paths(unit)
    chain = list(type(unit).objects.filter(path__in=above).values_list("pk", "name")) if above else []
    chain.append((unit.pk, unit.name))
    return [name for _pk, name in chain], "/" + "".join(f"{pk}/" for pk, _name in chain)


def apply_field_changes(obj, fields: dict) -> dict[str, list[str]]:
    """Set ``fields`` on ``obj``; return {name: [old, new]} as text for the audit detail of what changed."""
    changed = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(obj, name, value)
    return changed
