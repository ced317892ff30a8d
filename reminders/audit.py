"""The audit codes the reminder engine writes, with their Chinese labels (registered in RemindersConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.audit_codes import AuditFamily, register_audit_codes


class RemindersAudit(models.TextChoices):
    PREFERENCE_UPDATE = "reminders.preference_update", _("修改提醒偏好")
    DELIVERY_RETRY = "reminders.delivery_retry", _("重发提醒")


register_audit_codes(RemindersAudit, families=(AuditFamily("reminders.", _("提醒"), group="reminders"),))
