from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import dates
from core.files import PrivateFileField, RandomName
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet
from org.models import OrgUnit

from .validation import validate_evidence_file


class CampaignQuerySet(ScopedQuerySet):
    def plans(self):
        """Real campaigns (not the shipped plan templates)."""
        return self.filter(is_template=False)

    def templates(self):
        return self.filter(is_template=True)


class Campaign(TimeStampedModel):
    """A campaign plan (主题活动/实施方案) issued by a unit; may implement a superior's plan.

    Rows with ``is_template`` are the plans shipped from the seeds (历下妇发[2011]9号 …): they
    have no issuing unit of this deployment, stay drafts, and are copied by
    ``services.campaign_start_from_template``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    class Participation(models.TextChoices):
        SUBTREE = "subtree", _("发文单位下属单位（按层级）")
        CHOSEN = "chosen", _("指定单位")

    title = models.CharField(_("标题"), max_length=200)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuing_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("发文单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_campaigns",
    )
    issue_date = models.DateField(_("发文日期"), null=True, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    guiding_text = models.TextField(_("指导思想"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    participation = models.CharField(
        _("参与单位范围"), max_length=10, choices=Participation.choices, default=Participation.SUBTREE
    )
    # For SUBTREE: the levels that take part (e.g. ["county", "township"]); empty = every unit below.
    participating_kinds = models.JSONField(_("参与层级"), default=list, blank=True)
    participating_units = models.ManyToManyField(
        OrgUnit, verbose_name=_("指定参与单位"), blank=True, related_name="participating_campaigns"
    )
    is_template = models.BooleanField(_("方案模板"), default=False)
    template_key = models.SlugField(_("模板代码"), max_length=50, null=True, blank=True, unique=True)
    source_issuer = models.CharField(_("原发文单位"), max_length=100, blank=True)
    template = models.ForeignKey(
        "self",
        verbose_name=_("来源模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instances",
    )

    # A city's plan is read by its counties: visible down the branch and up the path.
    scope_unit_field = "issuing_unit"
    scope_includes_ancestors = True
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("主题活动")
        verbose_name_plural = _("主题活动")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "active", "closed"]), name="campaigns_campaign_valid_status"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="campaigns_campaign_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(participation__in=["subtree", "chosen"]), name="campaigns_campaign_valid_participation"
            ),
            # Only the shipped templates lack an issuing unit, and a template is never run.
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(issuing_unit__isnull=False),
                name="campaigns_campaign_issuer_unless_template",
            ),
            models.CheckConstraint(
                condition=Q(is_template=False) | Q(status="draft"), name="campaigns_campaign_template_is_draft"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:campaign_plan", kwargs={"pk": self.pk})

    @property
    def choice_label(self) -> str:
        """How a select names this campaign (issuing unit · title); see campaigns.fields."""
        from .fields import campaign_label

        return campaign_label(self)

    def clean(self):
        from .validation import validate_campaign_dates

        validate_campaign_dates(start_date=self.start_date, end_date=self.end_date)


class PlanPart(models.Model):
    """What phases, milestones and requirements share: they belong to a campaign and are read with it."""

    scope_unit_field = "campaign__issuing_unit"
    scope_includes_ancestors = True

    class Meta:
        abstract = True


class Phase(PlanPart):
    """An ordered date range of a campaign (走访调研、汇集民情 → 公开承诺、为民办事 → 总结提高、完善机制)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("主题活动"), on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("阶段名称"), max_length=100)
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    source_text = models.CharField(_("原文时间表述"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    # See clean(): False where a formset validates all phases of the campaign together.
    check_siblings = True

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign", "order", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="campaigns_phase_unique_order"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="campaigns_phase_dates_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """Inside the campaign's dates and not overlapping the campaign's other phases (Chinese errors).

        The siblings are read from the database. Where all phases of a campaign are edited at
        once (the admin inline formset), the formset sets ``check_siblings = False`` on each row
        and checks the whole edited set itself, so a swap of two phases' dates is not refused
        against the rows as they were before the edit.
        """
        from .validation import validate_phase_ranges

        if self.campaign_id is None or self.start_date is None or self.end_date is None:
            return
        rows = [(self.name, self.order, self.start_date, self.end_date)]
        if self.check_siblings:
            siblings = Phase.objects.filter(campaign_id=self.campaign_id).exclude(pk=self.pk)
            rows += [(p.name, p.order, p.start_date, p.end_date) for p in siblings]
        validate_phase_ranges(
            campaign_start=self.campaign.start_date,
            campaign_end=self.campaign.end_date,
            phases=rows,
        )


class Milestone(PlanPart):
    """A numbered step (环节/工作节点) with a deadline and a deliverable.

    Owed by ``responsible_unit`` if set, otherwise by every participating unit of the campaign;
    the owing units are materialised as ``MilestoneAssignment`` rows.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("主题活动"), on_delete=models.CASCADE, related_name="milestones"
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("所属阶段"), null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    number = models.PositiveSmallIntegerField(_("环节序号"))
    name = models.CharField(_("环节名称"), max_length=200)
    deliverable = models.CharField(_("工作成果"), max_length=300, blank=True)
    due_date = models.DateField(_("完成时限"))
    due_text = models.CharField(_("原文时限表述"), max_length=100, blank=True)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_milestones",
        help_text=_("留空表示每个参与单位都要完成"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("环节")
        verbose_name_plural = _("环节")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaigns_milestone_unique_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def clean(self):
        from .validation import validate_milestone

        if self.campaign_id is None or self.due_date is None:
            return
        validate_milestone(self)


class MilestoneAssignmentQuerySet(ScopedQuerySet):
    pass


class MilestoneAssignment(TimeStampedModel):
    """One unit's duty to complete one milestone ("owed" row), with its completion record."""

    class State(models.TextChoices):
        DONE_ON_TIME = "done_on_time", _("按时完成")
        DONE_LATE = "done_late", _("逾期完成")
        OPEN = "open", _("进行中")
        OVERDUE = "overdue", _("已逾期")

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="milestone_assignments"
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("完成情况说明"), blank=True)
    evidence = PrivateFileField(
        _("佐证材料"),
        upload_to=RandomName("campaigns/evidence"),
        blank=True,
        validators=[validate_evidence_file],
        name_field="evidence_name",
    )
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=200, blank=True, editable=False)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_unit_field = "unit"
    objects = MilestoneAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("环节完成情况")
        verbose_name_plural = _("环节完成情况")
        ordering = ["milestone__campaign", "milestone__number", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit"], name="campaigns_milestoneassignment_unique_unit"),
        ]
        indexes = [
            # The reminders sweep and the plan page ask "which owed rows are still open".
            models.Index(fields=["completed_on", "milestone"], name="campaigns_ma_open_idx"),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.unit}"

    def state(self, today=None):
        """Done on time / done late / open / overdue, with dates in Asia/Shanghai."""
        due = self.milestone.due_date
        if self.completed_on is not None:
            return self.State.DONE_ON_TIME if self.completed_on <= due else self.State.DONE_LATE
        today = today or dates.today()
        return self.State.OVERDUE if today > due else self.State.OPEN


class Requirement(PlanPart):
    """A checkable rule of a plan (量化指标), stored as data: a kind, its parameters, scope and period.

    The kinds and their parameters are described in ``campaigns/requirements.py``; scoring (how a
    requirement is met) is ``evaluations.scoring.evaluate_requirement``.
    """

    class Kind(models.TextChoices):
        VISITS_PER_CADRE = "visits_per_cadre", _("每名干部走访数")
        PAIRINGS_PER_CADRE = "pairings_per_cadre", _("每名干部结对帮扶数")
        MUST_VISIT_COVERAGE = "must_visit_coverage", _("必访类别全覆盖")
        LEADER_GRASSROOTS_DAYS = "leader_grassroots_days", _("领导干部下基层天数")
        VILLAGE_STAY_DAYS = "village_stay_days", _("每批住村天数")
        RECEPTION_DAYS = "reception_days", _("接待日频次")
        FORUM_RULES = "forum_rules", _("群众访谈日规则")
        REPORTS_EVERY = "reports_every", _("定期上报")

    class Scope(models.TextChoices):
        UNIT = "unit", _("单位")
        ALL_CADRES = "all_cadres", _("全体干部")
        LEADERS = "leaders", _("领导班子成员")
        PRINCIPALS = "principals", _("主要负责同志")
        SENIOR = "senior", _("副处级以上干部")

    class Period(models.TextChoices):
        CAMPAIGN = "campaign", _("活动期间")
        PHASE = "phase", _("每阶段/每批")
        MONTH = "month", _("每月")
        WEEK = "week", _("每周")
        YEAR = "year", _("每年")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("主题活动"), on_delete=models.CASCADE, related_name="requirements"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("指标名称"), max_length=200)
    kind = models.CharField(_("指标类型"), max_length=32, choices=Kind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    scope = models.CharField(_("适用对象"), max_length=16, choices=Scope.choices, default=Scope.ALL_CADRES)
    period = models.CharField(_("考核周期"), max_length=10, choices=Period.choices, default=Period.CAMPAIGN)
    # Which levels the rule binds (e.g. 市、县区妇联): empty = every participating level.
    unit_kinds = models.JSONField(_("适用层级"), default=list, blank=True)
    source_text = models.TextField(_("原文依据"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("量化指标")
        verbose_name_plural = _("量化指标")
        ordering = ["campaign", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "visits_per_cadre",
                        "pairings_per_cadre",
                        "must_visit_coverage",
                        "leader_grassroots_days",
                        "village_stay_days",
                        "reception_days",
                        "forum_rules",
                        "reports_every",
                    ]
                ),
                name="campaigns_requirement_valid_kind",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=["unit", "all_cadres", "leaders", "principals", "senior"]),
                name="campaigns_requirement_valid_scope",
            ),
            models.CheckConstraint(
                condition=Q(period__in=["campaign", "phase", "month", "week", "year"]),
                name="campaigns_requirement_valid_period",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period_label(self) -> str:
        """The period as shown on plan pages (每2个月 for a report owed every two months)."""
        from .requirements import requirement_period_label

        return requirement_period_label(self)

    def clean(self):
        from .requirements import validate_requirement_params

        validate_requirement_params(self)
