"""Writing the audit trail. Services call `audit_record` inside their own transaction."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEvent
from .request_context import client_ip, get_current_request


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
    being served.
    """
    request = request or get_current_request()
    request_user = getattr(request, "user", None)
    if actor is None and request_user is not None and request_user.is_authenticated:
        actor = request_user
    if unit is None and obj is not None:
        unit = _unit_of(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_repr=actor_repr or (actor.get_username() if actor is not None else ""),
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit,
        ip_address=client_ip(request),
        success=success,
        detail=detail or {},
    )


def _unit_of(obj):
    from .scoping import unit_of

    try:
        return unit_of(obj)
    except (AttributeError, TypeError):
        return None


def apply_field_changes(obj, fields: dict) -> dict[str, list[str]]:
    """Set ``fields`` on ``obj``; return {name: [old, new]} as text for the audit detail of what changed."""
    changed = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(obj, name, value)
    return changed
