"""Reminders computed from deadlines, their deliveries per channel, rules and user preferences."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class ReminderRule(TimeStampedModel):
    """One offset of one deadline kind: -7 = a week before, 0 = on the day, +1 = a day late."""

    kind = models.CharField(_("截止事项类型"), max_length=64)
    offset_days = models.IntegerField(_("相对截止日（天）"), help_text=_("负数为截止前，0 为当天，正数为逾期后"))
    escalate = models.BooleanField(
        _("上报领导"), default=False, help_text=_("勾选后提醒发给责任人的领导（同单位领导，否则上级单位领导）")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["kind", "offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "offset_days", "escalate"], name="reminders_rule_unique_offset"),
            models.CheckConstraint(
                condition=Q(offset_days__gte=-90, offset_days__lte=90), name="reminders_reminderrule_offset_range"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.offset_days:+d}"


class ReminderQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status=Reminder.Status.PENDING)


class Reminder(TimeStampedModel):
    """A notice to one person about one deadline at one stage; unique per (recipient, subject, due, stage)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        QUEUED = "queued", _("已排队")
        SENT = "sent", _("已发送")
        CANCELLED = "cancelled", _("已取消")

    DIGEST_KIND = "reminders.digest"

    kind = models.CharField(_("截止事项类型"), max_length=64)
    object_id = models.BigIntegerField(_("事项编号"), null=True, blank=True)
    # "<kind>:<pk>" for a deadline, "digest" for a leader's daily digest: the "subject" of the key.
    subject_key = models.CharField(_("事项"), max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="reminders"
    )
    # No index of its own: reads join from the reminder to its unit, and every index here is
    # rewritten by each claim and each "sent" mark of a 100,000-row dispatch.
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("责任单位"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
        db_index=False,
    )
    due_date = models.DateField(_("截止日期"))
    offset_days = models.IntegerField(_("阶段（相对截止日天数）"), default=0)
    is_escalation = models.BooleanField(_("上报领导"), default=False)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    send_at = models.DateTimeField(_("计划发送时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    scope_unit_field = "unit"
    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-send_at"]
        constraints = [
            # Subject first: it also serves the sync's lookup of a batch of subjects' reminders.
            models.UniqueConstraint(
                fields=["subject_key", "recipient", "due_date", "offset_days"], name="reminders_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "queued", "sent", "cancelled"]),
                name="reminders_reminder_valid_status",
            ),
        ]
        indexes = [
            # The dispatcher's claim: pending rows whose send time has come, in (send_at, id) order.
            # Partial: it holds only the pending rows, and a claim never sorts.
            models.Index(fields=["send_at", "id"], name="reminders_due_idx", condition=Q(status="pending")),
            # The reminders admin changelist's order (ORDER BY send_at DESC LIMIT 100), every status.
            models.Index(fields=["-send_at"], name="reminders_reminder_newest"),
        ]

    def __str__(self):
        return self.title

    @property
    def stage_label(self):
        return stage_label(self.offset_days, self.kind == self.DIGEST_KIND)


def stage_label(offset_days: int, digest: bool = False) -> str:
    if digest:
        return str(_("每日摘要"))
    if offset_days < 0:
        return str(_("提前 %(n)d 天")) % {"n": -offset_days}
    if offset_days == 0:
        return str(_("当天到期"))
    return str(_("逾期 %(n)d 天")) % {"n": offset_days}


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryQuerySet(ScopedQuerySet):
    def inbox(self, user):
        return self.filter(recipient=user, channel=Channel.INAPP)


class Delivery(models.Model):
    """One reminder sent on one channel. The unique (reminder, channel) pair makes a resend impossible."""

    class Status(models.TextChoices):
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        RETRYING = "retrying", _("等待重试")
        FAILED = "failed", _("发送失败")
        UNKNOWN = "unknown", _("结果未知")

    # Both foreign keys are covered by the unique (reminder, channel) and the inbox indexes.
    reminder = models.ForeignKey(
        Reminder, verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
        db_index=False,
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始发送"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    scope_unit_field = "reminder__unit"
    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reminder", "channel"], name="reminders_delivery_once_per_channel"),
            models.CheckConstraint(
                condition=Q(status__in=["sending", "sent", "retrying", "failed", "unknown"]),
                name="reminders_delivery_valid_status",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["inapp", "email", "sms"]), name="reminders_delivery_valid_channel"
            ),
        ]
        indexes = [
            # The inbox and the bell's unread count: one user's in-app messages, newest first.
            models.Index(fields=["recipient", "channel", "read_at"], name="reminders_inbox_idx"),
            # The office's failure page and the stale-claim sweep; sent rows (nearly all) stay out.
            models.Index(fields=["status"], name="reminders_delivery_status_idx", condition=~Q(status="sent")),
            # The deliveries admin changelist's order (ORDER BY created_at DESC, id DESC LIMIT 100).
            models.Index(fields=["-created_at", "-id"], name="reminders_delivery_newest"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.reminder_id}"


class ChannelPreference(models.Model):
    """Which channels a user wants, their quiet hours for SMS, and whether they get the daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="reminder_preference"
    )
    inapp = models.BooleanField(_("站内消息"), default=True)
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)
    quiet_start = models.TimeField(_("免打扰开始"), default=datetime.time(22, 0))
    quiet_end = models.TimeField(_("免打扰结束"), default=datetime.time(7, 0))
    digest = models.BooleanField(_("领导每日摘要"), default=True, help_text=_("仅对领导干部有效"))

    class Meta:
        verbose_name = _("提醒偏好")
        verbose_name_plural = _("提醒偏好")

    def __str__(self):
        return str(self.user)

    def channels(self) -> list[str]:
        return [
            c
            for c, wanted in ((Channel.INAPP, self.inapp), (Channel.EMAIL, self.email), (Channel.SMS, self.sms))
            if wanted
        ]

    def quiet_until(self, local_now: datetime.datetime) -> datetime.datetime | None:
        """The local end of quiet hours if ``local_now`` falls inside them, else None."""
        start, end, now_t = self.quiet_start, self.quiet_end, local_now.time()
        if start == end:
            return None
        inside = (start <= now_t < end) if start < end else (now_t >= start or now_t < end)
        if not inside:
            return None
        until = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if until <= local_now:
            until += datetime.timedelta(days=1)
        return until
