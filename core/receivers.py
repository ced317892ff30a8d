"""Audit hooks for events that Django itself raises: logins and the admin's change log.

Domain changes are audited by their services, not by signals. These two come from Django's
own machinery (auth and the admin), which offers signals as its interface.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_record

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


@receiver(user_logged_in, dispatch_uid="minqing_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, request=request, unit=_unit_of_user(user))


@receiver(user_logged_out, dispatch_uid="minqing_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, request=request, unit=_unit_of_user(user))


@receiver(user_login_failed, dispatch_uid="minqing_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Never store the password; the username tried is what an auditor needs.
    username = str(credentials.get("username", ""))[:150]
    from campaigns.models import Cadre

    cadre = Cadre.objects.select_related("org_unit").filter(user__username=username).first()
    audit_record(
        action="auth.login_failed",
        actor=None,
        actor_repr=username,
        request=request,
        success=False,
        unit=cadre.org_unit if cadre else None,
        detail={"username": username},
    )


@receiver(post_save, sender=LogEntry, dispatch_uid="minqing_audit_admin_log")
def audit_admin_change(sender, instance, created, **kwargs):
    # The admin writes its LogEntry inside the transaction of the change itself.
    if not created:
        return
    # A deletion is logged before the object is deleted, so it can still be read for its unit.
    obj = None
    try:
        obj = instance.get_edited_object()
    except Exception:  # noqa: BLE001  (a model without a default manager row; keep the text)
        obj = None
    audit_record(
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.other"),
        actor=instance.user,
        obj=obj,
        detail={
            "content_type": f"{instance.content_type.app_label}.{instance.content_type.model}"
            if instance.content_type_id
            else "",
            "object_id": instance.object_id,
            "object_repr": instance.object_repr,
            "change_message": instance.get_change_message(),
        },
    )


def _unit_of_user(user):
    cadre = getattr(user, "cadre", None) if user is not None else None
    return cadre.org_unit if cadre is not None else None
