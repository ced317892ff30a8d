from .models import AuditEvent
from .scoping import scope_for_user


def audit_event_list_for_user(*, user, action: str = ""):
    """Audit events in the user's subtree, newest first, shaped for the audit list page."""
    events = scope_for_user(AuditEvent.objects.all(), user).select_related("unit", "object_type")
    if action:
        events = events.filter(action__startswith=action)
    return events
