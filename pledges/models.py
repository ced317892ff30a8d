"""Public pledges (承诺事项 / 办实事项目): what a unit promised, its approval, progress and amendments.

The tables were created by the ledgers app and keep their names (``db_table``), constraints and
indexes. Writes happen only in ``pledges/services.py``; reads for pages in ``pledges/selectors.py``.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField, RandomName
from core.masking import mask_text
from core.models import IdempotentModel, TimeStampedModel, VersionedModel
from core.scoping import ScopedQuerySet

from .validators import validate_evidence_photo


class PledgeCategory(models.Model):
    """A kind of pledged service (结对帮扶服务, 建档立档服务, …): rows an admin can extend."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "ledgers_pledgecategory"
        verbose_name = _("承诺类别")
        verbose_name_plural = _("承诺类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class PledgeQuerySet(ScopedQuerySet):
    def on_public_board(self):
        """Pledges the public may read: published (approved, then made public) and not internal."""
        return self.filter(approval_state=Pledge.ApprovalState.PUBLISHED, visibility=Pledge.Visibility.PUBLIC)

    def committed(self):
        """Pledges that count as promised: approved by the leader (published or not)."""
        return self.filter(approval_state__in=Pledge.COMMITTED_STATES)


class Pledge(IdempotentModel, VersionedModel, TimeStampedModel):
    """A pledge (承诺事项/办实事项目): 四明确 — content, target and deadline, owner, measures."""

    class ApprovalState(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审批")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审批")
        PUBLISHED = "published", _("已公开")
        # Taken off the board by the unit's leader or the campaign office (pledge_withdraw).
        WITHDRAWN = "withdrawn", _("已撤回")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("办理中")
        COMPLETED = "completed", _("已完成")
        OVERDUE = "overdue", _("已逾期")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("公开承诺")
        INTERNAL = "internal", _("内部事项")

    class Audience(models.TextChoices):
        # "分别在服务对象、本地群众中进行承诺" (历下妇发[2011]9号, 环节5)
        RECIPIENTS = "recipients", _("服务对象")
        LOCAL_PUBLIC = "local_public", _("本地群众")
        BOTH = "both", _("服务对象和本地群众")

    class OriginKind(models.TextChoices):
        NONE = "none", _("无")
        DEMAND = "demand", _("群众诉求")
        FORUM = "forum", _("群众访谈日/座谈会")
        MILESTONE = "milestone", _("实施方案环节")

    COMMITTED_STATES = ("approved", "published")
    # Fields that, once a leader approved the pledge, change only through a PledgeAmendment.
    AMENDABLE_FIELDS = ("content", "target", "deadline")

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题活动"), on_delete=models.PROTECT, related_name="pledges"
    )
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("承诺单位"), on_delete=models.PROTECT, related_name="pledges"
    )
    category = models.ForeignKey(
        PledgeCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="pledges"
    )
    title = models.CharField(_("项目名称"), max_length=120)
    content = models.TextField(_("承诺内容"))
    target = models.TextField(_("完成目标"), help_text=_("办到什么程度算完成"))
    deadline = models.DateField(_("办理时限"))
    responsible_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="responsible_pledges"
    )
    responsible_person = models.ForeignKey(
        "org.Cadre",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    measures = models.TextField(_("具体落实措施"))
    audience = models.CharField(_("承诺对象"), max_length=16, choices=Audience.choices, default=Audience.BOTH)
    # May name people (the household helped); never shown on the public board.
    recipients = models.TextField(_("服务对象说明（内部）"), blank=True)
    visibility = models.CharField(_("公开方式"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    # The origin's model may live in another app (ledgers.Demand, outreach.Forum,
    # campaigns.Milestone): a kind and an id, resolved lazily, keep this table independent of them.
    origin_kind = models.CharField(_("来源"), max_length=12, choices=OriginKind.choices, default=OriginKind.NONE)
    origin_object_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    origin_note = models.CharField(_("来源说明"), max_length=200, blank=True)

    approval_state = models.CharField(
        _("审批状态"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_pledges",
    )
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withdrawn_pledges",
    )
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)

    # Derived from progress and the date; written only by pledges.services.
    status = models.CharField(_("办理状态"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), default=0, validators=[MaxValueValidator(100)])
    last_progress_on = models.DateField(_("最近进展日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    completion_note = models.TextField(_("完成情况"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_pledges",
    )

    scope_unit_field = "org_unit"
    objects = PledgeQuerySet.as_manager()

    class Meta:
        db_table = "ledgers_pledge"
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["deadline", "id"]
        permissions = [
            ("approve_pledge", _("可审批、退回、公开承诺事项")),
            ("withdraw_pledge", _("可从公示栏撤回已审批的承诺事项")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    approval_state__in=["draft", "submitted", "returned", "approved", "published", "withdrawn"]
                ),
                name="ledgers_pledge_valid_approval_state",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "completed", "overdue"]),
                name="ledgers_pledge_valid_status",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "internal"]), name="ledgers_pledge_valid_visibility"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["recipients", "local_public", "both"]), name="ledgers_pledge_valid_audience"
            ),
            models.CheckConstraint(
                condition=Q(origin_kind__in=["none", "demand", "forum", "milestone"]),
                name="ledgers_pledge_valid_origin_kind",
            ),
            models.CheckConstraint(
                condition=~Q(origin_kind="none") | Q(origin_object_id__isnull=True),
                name="ledgers_pledge_no_origin_no_id",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="ledgers_pledge_percent_range"),
            # Completed ⇔ a completion date and a written account of it (the evidence).
            models.CheckConstraint(
                condition=(Q(status="completed", completed_on__isnull=False, percent=100) & ~Q(completion_note=""))
                | (~Q(status="completed") & Q(completed_on__isnull=True)),
                name="ledgers_pledge_completed_consistent",
            ),
            # Only a committed pledge has progress; a draft has nothing to report. A withdrawn
            # pledge keeps the progress it had.
            models.CheckConstraint(
                condition=Q(approval_state__in=["approved", "published", "withdrawn"])
                | Q(status="not_started", percent=0, last_progress_on__isnull=True),
                name="ledgers_pledge_progress_needs_approval",
            ),
            models.CheckConstraint(
                condition=Q(approval_state__in=["approved", "published"], approved_at__isnull=False)
                | ~Q(approval_state__in=["approved", "published"]),
                name="ledgers_pledge_approved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(approval_state="published", visibility="public") | ~Q(approval_state="published"),
                name="ledgers_pledge_published_is_public",
            ),
            # Withdrawn ⇔ when and why are recorded.
            models.CheckConstraint(
                condition=(Q(approval_state="withdrawn", withdrawn_at__isnull=False) & ~Q(withdrawal_reason=""))
                | (~Q(approval_state="withdrawn") & Q(withdrawn_at__isnull=True)),
                name="ledgers_pledge_withdrawn_consistent",
            ),
        ]
        indexes = [
            # The public board: one unit's published pledges, by deadline.
            models.Index(fields=["org_unit", "approval_state", "deadline"], name="ledgers_pledge_board_idx"),
            # The 办实事台帐 list: pledges in deadline order, the first page read off the index.
            models.Index(fields=["deadline", "id"], name="ledgers_pledge_deadline_idx"),
            # 三查三看 and the ledger: a campaign's pledges by status.
            models.Index(fields=["campaign", "status"], name="ledgers_pledge_campaign_idx"),
        ]

    def __str__(self):
        # Shown in selects, admin titles, history and the audit trail: numbers typed in stay masked.
        return mask_text(self.title)

    def get_absolute_url(self):
        return reverse("pledges:pledge_detail", kwargs={"pk": self.pk})

    @property
    def is_committed(self) -> bool:
        return self.approval_state in self.COMMITTED_STATES

    @property
    def is_editable(self) -> bool:
        return self.approval_state in (self.ApprovalState.DRAFT, self.ApprovalState.RETURNED)

    def origin_object(self):
        """The demand, forum or plan step this pledge came from, if it still exists."""
        from .origins import resolve_origin

        return resolve_origin(self.origin_kind, self.origin_object_id)


class PledgeAmendment(IdempotentModel):
    """A recorded change of an approved pledge's content, target or deadline (shown publicly)."""

    class Field(models.TextChoices):
        CONTENT = "content", _("承诺内容")
        TARGET = "target", _("完成目标")
        DEADLINE = "deadline", _("办理时限")

    pledge = models.ForeignKey(Pledge, verbose_name=_("承诺事项"), on_delete=models.PROTECT, related_name="amendments")
    field = models.CharField(_("变更项目"), max_length=10, choices=Field.choices)
    old_value = models.TextField(_("原内容"))
    new_value = models.TextField(_("新内容"))
    reason = models.TextField(_("变更理由"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("变更人"), on_delete=models.PROTECT, related_name="pledge_amendments"
    )
    amended_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    scope_unit_field = "pledge__org_unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "ledgers_pledgeamendment"
        verbose_name = _("承诺变更记录")
        verbose_name_plural = _("承诺变更记录")
        ordering = ["pledge", "amended_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=["content", "target", "deadline"]), name="ledgers_pledgeamendment_valid_field"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="ledgers_pledgeamendment_reason_required"),
        ]

    def __str__(self):
        return f"{self.pledge} · {self.get_field_display()}"


def _evidence_path(instance, filename):
    # Named by ledgers migration 0004 only; new photos get random names (core.files.RandomName).
    return f"pledges/{instance.pledge_id}/{filename}"


class PledgeProgress(IdempotentModel):
    """One progress report on a pledge: date, percent done, what was done, optional photo."""

    pledge = models.ForeignKey(
        Pledge, verbose_name=_("承诺事项"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    reported_on = models.DateField(_("进展日期"))
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("进展情况"))
    photo = PrivateFileField(
        _("佐证照片"),
        upload_to=RandomName("pledges"),
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_evidence_photo],
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="pledge_progress"
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    scope_unit_field = "pledge__org_unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        db_table = "ledgers_pledgeprogress"
        verbose_name = _("承诺进展")
        verbose_name_plural = _("承诺进展")
        ordering = ["pledge", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="ledgers_pledgeprogress_percent_range"),
        ]
        indexes = [
            # The detail page and the board: a pledge's updates in date order.
            models.Index(fields=["pledge", "reported_on"], name="ledgers_progress_pledge_idx"),
        ]

    def __str__(self):
        return f"{self.pledge} · {self.reported_on} · {self.percent}%"
