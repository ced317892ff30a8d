"""Audit hooks for events that Django and django-axes raise: logins, lockouts, passwords, the admin's log.

Domain changes are audited by their services, not by signals. These come from Django's own
machinery (auth and the admin) and from django-axes, which offer signals as their interface.
An account event is filed under the unit of the account it concerns (core.audit), and one
about no known account (an unknown name, a superuser) under the root unit: the top auditor
reads them all.
"""

from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from . import accounts
from .audit import CoreAudit, account_unit, audit_record
from .request_context import get_current_request
from .scoping import profile_model

ADMIN_ACTIONS = {ADDITION: CoreAudit.ADMIN_ADD, CHANGE: CoreAudit.ADMIN_CHANGE, DELETION: CoreAudit.ADMIN_DELETE}


@receiver(user_logged_in, dispatch_uid="minqing_audit_login")
def audit_login(sender, request, user, **kwargs):
    audit_record(action=CoreAudit.LOGIN, actor=user, request=request, unit=_unit_of_user(user))
    if request is not None and hasattr(request, "session"):
        accounts.start_session(request, user)


@receiver(user_logged_out, dispatch_uid="minqing_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=CoreAudit.LOGOUT, actor=user, request=request, unit=_unit_of_user(user))


@receiver(user_login_failed, dispatch_uid="minqing_audit_login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # Never store the password; the username tried is what an auditor needs.
    username = str(credentials.get("username", ""))[:150]
    # An unknown name is filed under the root unit (audit_record's default).
    cadre = profile_model().objects.select_related("org_unit").filter(user__username=username).first()
    audit_record(
        action=CoreAudit.LOGIN_FAILED,
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
        action=ADMIN_ACTIONS.get(instance.action_flag, CoreAudit.ADMIN_OTHER),
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
    return account_unit(user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="minqing_audit_password_change")
def audit_password_change(sender, instance, created, **kwargs):
    # ``set_password`` keeps the new raw password on the instance until ``save`` has run its
    # validators: every way of setting one (admin add or reset, self-service, shell) passes here.
    if created:
        # A new account's first password was chosen by whoever made it: the owner changes it at
        # the first login (the local demo's accounts are excused by seed_demo).
        accounts.record_password_set(instance, by_self=False)
    if getattr(instance, "_password", None) is None:
        return
    request = get_current_request()
    by = getattr(request, "user", None)
    by_self = not created and by is not None and by.is_authenticated and by.pk == instance.pk
    # Set by anyone but its owner, a password must be changed at the next login.
    accounts.record_password_set(instance, by_self=by_self)
    if by_self and hasattr(request, "session"):
        accounts.refresh_password_state(request.session, instance)
    if created:
        return
    audit_record(
        action=CoreAudit.PASSWORD_CHANGE,
        obj=instance,
        detail={"account": instance.get_username(), "by_self": by_self},
    )


def _account_failures(username) -> int:
    """Failed logins recorded against ``username`` from every address (the account lockout's count)."""
    attempts = AccessAttempt.objects.filter(username=username)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


@receiver(user_locked_out, dispatch_uid="minqing_audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    # django-axes says "locked out" again on every try while the lock lasts; each try is already
    # a failed login in the trail, so the lockout is recorded once, when it begins. An address
    # over its own limit is recorded by core.lockout instead.
    if not username or _account_failures(username) != settings.AXES_FAILURE_LIMIT:
        return
    account = get_user_model().objects.filter(username=username).first()
    audit_record(
        action=CoreAudit.LOCKOUT,
        actor=None,
        actor_repr=str(username)[:150],
        obj=account,
        request=request,
        success=False,
        detail={"username": username, "ip_address": ip_address or ""},
    )


@receiver(pre_delete, sender=AccessAttempt, dispatch_uid="minqing_audit_unlock")
def audit_unlock(sender, instance, **kwargs):
    # django-axes deletes an account's records when it is reset: by the security administrator
    # (the admin, ``axes_reset``), after a successful login, or when the cool-off has run out.
    # Deleting the records of a locked account is its unlock, recorded once: with the first of
    # its records (all are still there before a batch deletion).
    if not instance.username:
        return
    records = AccessAttempt.objects.filter(username=instance.username)
    if records.order_by("pk").values_list("pk", flat=True).first() != instance.pk:
        return
    if _account_failures(instance.username) < settings.AXES_FAILURE_LIMIT:
        return
    cool_off = get_cool_off() or timedelta(0)
    expired = bool(cool_off) and instance.attempt_time + cool_off <= timezone.now()
    account = get_user_model().objects.filter(username=instance.username).first()
    audit_record(
        action=CoreAudit.UNLOCK,
        obj=account,
        detail={"username": instance.username, "ip_address": instance.ip_address or "", "cool_off_over": expired},
    )
