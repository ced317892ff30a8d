from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .audit_codes import action_label
from .scoping import ScopedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# Create-once and edit-version columns live on each record's own table, not in a shared side
# table: the unique key is checked in the very insert that creates the record, so the record and
# its key commit or roll back together, and a replay finds its record with one indexed lookup on
# its own table. Visits and demands had these columns first; every record a staff form creates
# or edits now has the same ones, and core.concurrency is the one code path that uses them.


class IdempotentModel(models.Model):
    """A record created from a form keeps the form's submission token (``core.concurrency.create_once``)."""

    # A double-submitted form carries the same token twice: the unique constraint keeps one record.
    idempotency_key = models.UUIDField(_("提交令牌"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """A record several people edit: a form posted from an older version is refused (``lock_version``)."""

    # Optimistic lock: every write bumps it (core.concurrency.stamp_version). The database default
    # serves the bulk SQL writers (the household import's COPY upsert) that name their columns.
    version = models.PositiveIntegerField(_("版本"), default=0, db_default=0, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("最后修改时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise TypeError("AuditEvent is append-only")

    def delete(self):
        raise TypeError("AuditEvent is append-only")


class AuditEvent(models.Model):
    """One line of the append-only audit trail: who did what to which object, from where.

    The trail outlives what it names, and never stands in the way of deleting it. Its rows are
    append-only (on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE, migrations 0002 and
    0004), so deleting an account, a unit or a content type must not touch them: SET_NULL would
    UPDATE them (the trigger refuses, and the deletion answered 500) and CASCADE would erase
    history. The three references are therefore plain ids with no database constraint
    (``db_constraint=False``, ``DO_NOTHING``): while the account or unit exists they join as
    before; once it is gone, the text columns beside them still say who it was and which unit.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    # Kept as text too: the trail must still say who it was after the user is deleted.
    actor_repr = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_events",
    )
    unit_name = models.CharField(_("单位名称"), max_length=100, blank=True)
    # The unit's place in the tree as people read it (测试市 / 甲县 / 甲一镇), for the auditor.
    unit_path = models.CharField(_("单位层级"), max_length=500, blank=True)
    # The ids of the unit and its ancestors (/1/2/4/): who may read the event once the unit is
    # deleted. Not treebeard's path, which shifts when siblings are re-sorted.
    unit_lineage = models.CharField(_("单位编号链"), max_length=255, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    # Auditors read the events of units in their own subtree (see ``scope_condition``).
    scope_unit_field = "unit"
    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [
            # The auditor's question: "who touched this object?"
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("AuditEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("AuditEvent is append-only")

    @classmethod
    def scope_condition(cls, root) -> Q:
        """Events of units in ``root``'s subtree: by the unit while it exists, by its lineage after.

        The unit's current path decides for a live unit (paths shift, ids do not); a deleted
        unit's events stay with the auditors above it through the ids kept when they were written.
        """
        return Q(unit__path__startswith=root.path) | Q(unit__path__isnull=True, unit_lineage__contains=f"/{root.pk}/")

    @property
    def detail_summary(self) -> str:
        """What the auditor needs from ``detail`` on one line: an export's rows and filter, a refused URL."""
        detail = self.detail if isinstance(self.detail, dict) else {}
        parts = []
        if "rows" in detail:
            parts.append(_("%(rows)s 行") % {"rows": detail["rows"]})
        filters = detail.get("filters")
        if filters:
            shown = "，".join(f"{key}={value}" for key, value in filters.items())
            parts.append(_("筛选：%(filters)s") % {"filters": shown})
        elif "rows" in detail:
            parts.append(_("未筛选"))
        if self.action == "core.scope_denied" and detail.get("path"):
            parts.append(str(detail["path"]))
        return " · ".join(str(part) for part in parts)[:300]

    @property
    def action_label(self) -> str:
        """What the action code means, in Chinese; the code itself if no one labelled it."""
        return action_label(self.action)


class AccountSecurity(models.Model):
    """An account's password age and duties (core.accounts): one row per account that has set a password.

    An account without a row (created before this existed, or by the demo) counts its password's
    age from the day the account was made and is not made to change it at its next login.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="security"
    )
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)
    # Set when someone other than the account's owner set its password (a new account, a reset):
    # the owner must choose their own at the next login.
    must_change_password = models.BooleanField(_("须在下次登录时修改密码"), default=False)
    # The local demo's accounts (seed_demo): their password never expires and need not be changed.
    demo_account = models.BooleanField(_("演示账号"), default=False)
    disabled_as_dormant_at = models.DateTimeField(_("因长期未登录停用于"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号安全状态")
        verbose_name_plural = _("账号安全状态")

    def __str__(self):
        return str(self.user)
