from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.files import PrivateFileField, RandomName
from core.models import IdempotentModel, TimeStampedModel, VersionedModel
from core.scoping import ScopedQuerySet

from .validators import validate_id_number, validate_members_count, validate_phone


class HouseholdCategory(models.Model):
    """A must-visit category (五必访 / 六必访 / other): data an admin can extend."""

    class Group(models.TextChoices):
        FIVE_MUST = "five_must", _("五必访")
        SIX_MUST = "six_must", _("六必访")
        OTHER = "other", _("其他")

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    group = models.CharField(_("类别组"), max_length=16, choices=Group.choices, default=Group.OTHER)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("必访类别")
        verbose_name_plural = _("必访类别")
        ordering = ["group", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=["five_must", "six_must", "other"]),
                name="outreach_householdcategory_valid_group",
            ),
        ]

    def __str__(self):
        return self.name


class Household(IdempotentModel, VersionedModel, TimeStampedModel):
    """A household (户) in a village or community register."""

    village = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="households"
    )
    number = models.CharField(_("户号"), max_length=32)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    members_count = models.PositiveSmallIntegerField(_("家庭人口"), default=1, validators=[validate_members_count])
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    id_number = models.CharField(_("户主身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    notes = models.TextField(_("备注"), blank=True)
    categories = models.ManyToManyField(
        HouseholdCategory, verbose_name=_("类别"), blank=True, related_name="households"
    )

    scope_unit_field = "village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("农户/居民户")
        verbose_name_plural = _("农户/居民户")
        ordering = ["village", "number"]
        permissions = [("view_personal_data", _("查看完整身份证号和电话"))]
        constraints = [
            # Natural key of the register and of Excel imports.
            models.UniqueConstraint(fields=["village", "number"], name="outreach_household_unique_number"),
        ]
        indexes = [
            # The register list and the admin changelist search by the head's name prefix
            # (`LIKE '王秀%'`): PostgreSQL needs the pattern operator class for that.
            models.Index(fields=["head_name"], name="outreach_household_head_name", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return pgettext("name (detail)", "%(name)s（%(detail)s）") % {"name": self.head_name, "detail": self.number}


class HouseholdMember(IdempotentModel, VersionedModel):
    """A person in a household, for pairings that target a person (poor woman, poor child)."""

    household = models.ForeignKey(Household, verbose_name=_("所在户"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与户主关系"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    is_poor_woman = models.BooleanField(_("贫困妇女"), default=False)
    is_poor_child = models.BooleanField(_("贫困儿童"), default=False)
    is_left_behind_child = models.BooleanField(_("留守儿童"), default=False)

    scope_unit_field = "household__village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "id"]
        indexes = [
            # "Who are the poor women / poor children of this subtree" (pairing pickers, demo).
            models.Index(
                fields=["household"],
                name="outreach_member_poor",
                condition=Q(is_poor_woman=True) | Q(is_poor_child=True),
            ),
            # The members admin changelist's order (ORDER BY household_id, id LIMIT 50) over
            # millions of members; the plain household index leaves the ids to sort.
            models.Index(fields=["household", "id"], name="outreach_member_order"),
        ]

    def __str__(self):
        return self.name


class ImportJob(TimeStampedModel):
    """One uploaded Excel file: checked in full (preview), then written all-or-nothing."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("农户")
        CADRES = "cadres", _("干部")
        PAIRINGS = "pairings", _("结对帮扶")

    class Status(models.TextChoices):
        PENDING = "pending", _("等待检查")
        CHECKING = "checking", _("正在检查")
        INVALID = "invalid", _("有错误，未导入")
        VALID = "valid", _("检查通过，待确认")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("导入内容"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("导入人单位"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="import_jobs"
    )
    # Both hold full ID and mobile numbers: deleted once the job is imported, discarded or
    # abandoned (services.import_job_*), so empty on an imported job.
    file = PrivateFileField(_("文件"), upload_to=RandomName("imports"), blank=True)
    # The rows as checked by the preview (gzip JSON), written at confirm after a re-validation.
    plan = PrivateFileField(_("检查结果"), upload_to=RandomName("imports/plans"), blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    summary = models.JSONField(_("结果摘要"), default=dict, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # Runs that took the job in its current step (check or write); a run whose worker died is
    # taken over, and past OUTREACH_IMPORT_MAX_ATTEMPTS the job fails instead of looping.
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_unit_field = "unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["households", "cadres", "pairings"]), name="outreach_importjob_valid_kind"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "checking", "invalid", "valid", "importing", "done", "failed"]),
                name="outreach_importjob_valid_status",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    def get_absolute_url(self):
        return reverse("outreach:import_detail", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.CHECKING, self.Status.IMPORTING}


class Pairing(IdempotentModel, TimeStampedModel):
    """A cadre paired with a household or one of its members for a campaign (结对帮扶/结穷亲)."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("结对帮扶")
        POOR_KIN = "poor_kin", _("结穷亲")
        NEIGHBOURS = "neighbours", _("联四邻")
        POOR_WOMAN = "poor_woman", _("帮扶贫困妇女")
        POOR_CHILD = "poor_child", _("帮扶贫困儿童")

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题活动"), on_delete=models.PROTECT, related_name="pairings"
    )
    cadre = models.ForeignKey("org.Cadre", verbose_name=_("干部"), on_delete=models.PROTECT, related_name="pairings")
    household = models.ForeignKey(
        Household, verbose_name=_("帮扶户"), on_delete=models.PROTECT, related_name="pairings"
    )
    member = models.ForeignKey(
        HouseholdMember,
        verbose_name=_("帮扶对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    kind = models.CharField(_("帮扶形式"), max_length=16, choices=Kind.choices, default=Kind.SUPPORT)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    scope_unit_field = "household__village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["support", "poor_kin", "neighbours", "poor_woman", "poor_child"]),
                name="outreach_pairing_valid_kind",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="outreach_pairing_dates_ordered",
            ),
            # A double-submitted bulk assignment or a re-imported file must not pair twice.
            models.UniqueConstraint(
                fields=["campaign", "cadre", "household", "kind"],
                condition=Q(is_active=True, member__isnull=True),
                name="outreach_pairing_unique_active_household",
                violation_error_message=_("该干部已与此对象以相同形式结对。"),
            ),
            models.UniqueConstraint(
                fields=["campaign", "cadre", "member", "kind"],
                condition=Q(is_active=True, member__isnull=False),
                name="outreach_pairing_unique_active_member",
                violation_error_message=_("该干部已与此对象以相同形式结对。"),
            ),
        ]
        indexes = [
            # "Active pairings of this campaign per cadre" (below-requirement page, auto-suggest load).
            models.Index(fields=["campaign", "cadre"], name="outreach_pairing_camp_cadre", condition=Q(is_active=True)),
            # The pairing lists' order (newest first) without sorting a million rows.
            models.Index(fields=["-start_date", "id"], name="outreach_pairing_newest"),
            # "Households of this campaign with an active pairing" (unpaired must-visit households).
            models.Index(
                fields=["household", "campaign"], name="outreach_pairing_hh_camp", condition=Q(is_active=True)
            ),
        ]

    def __str__(self):
        return f"{self.cadre} → {self.member or self.household}"

    def clean(self):
        if (
            self.member_id is not None
            and self.household_id is not None
            and self.member.household_id != self.household_id
        ):
            raise ValidationError({"member": _("帮扶对象不是该户的成员。")})


class LiaisonPoint(TimeStampedModel):
    """A leader or a unit linked to a village/community for a campaign (联系点)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题活动"), on_delete=models.PROTECT, related_name="liaison_points"
    )
    village = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("联系村/社区"), on_delete=models.PROTECT, related_name="liaison_points"
    )
    leader = models.ForeignKey(
        "org.Cadre",
        verbose_name=_("联系领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_points",
    )
    unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("联系单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_points_owned",
    )

    scope_unit_field = "village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        ordering = ["village", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leader__isnull=False) | Q(unit__isnull=False),
                name="outreach_liaisonpoint_has_owner",
            ),
        ]

    def __str__(self):
        return f"{self.leader or self.unit} → {self.village}"


class Forum(IdempotentModel, VersionedModel, TimeStampedModel):
    """A 群众访谈日 / 座谈会: a public meeting in a village, announced in advance (plan 001)."""

    village = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="forums"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
    )
    title = models.CharField(_("主题"), max_length=100, default="群众访谈日")
    held_at = models.DateTimeField(_("举行时间"))
    place = models.CharField(_("地点"), max_length=100)
    leading_cadres = models.ManyToManyField(
        "org.Cadre", verbose_name=_("带队领导"), blank=True, related_name="led_forums"
    )
    notice_posted_on = models.DateField(_("预告张贴日期"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("参加人数"), default=0)
    attendee_list = models.TextField(_("参加人员名单"), blank=True)
    summary = models.TextField(_("访谈纪要"), blank=True)

    scope_unit_field = "village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众访谈日")
        verbose_name_plural = _("群众访谈日")
        ordering = ["-held_at", "-id"]
        indexes = [
            # The forum list of a unit, newest first.
            models.Index(fields=["village", "-held_at"], name="outreach_forum_village_idx"),
        ]

    def __str__(self):
        return f"{self.village} {self.title}"


class ReceptionDay(IdempotentModel, VersionedModel, TimeStampedModel):
    """A leader's reception day (接待日): in person, on the hotline (12338) or online."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("现场接待")
        HOTLINE = "hotline", _("热线电话")
        ONLINE = "online", _("网上接待")

    leader = models.ForeignKey(
        "org.Cadre", verbose_name=_("接待领导"), on_delete=models.PROTECT, related_name="reception_days"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_days",
    )
    held_on = models.DateField(_("接待日期"))
    channel = models.CharField(_("接待方式"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON)
    place = models.CharField(_("地点/号码"), max_length=100, blank=True)
    visitors_count = models.PositiveIntegerField(_("接待人数"), default=0)
    notes = models.TextField(_("接待情况"), blank=True)

    scope_unit_field = "leader__org_unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["in_person", "hotline", "online"]), name="outreach_receptionday_valid_channel"
            ),
        ]
        indexes = [
            # The reception-day requirement counts one leader's days in a period.
            models.Index(fields=["leader", "held_on"], name="outreach_reception_leader_idx"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.leader}"
