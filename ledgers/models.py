"""Visit ledgers (走访记录/民情日记), help given, and demands (诉求) tracked until answered.

State changes of a Demand happen only in ``ledgers/demand_flow.py``; nothing here has side effects.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFileField, RandomName
from core.masking import mask_text
from core.models import IdempotentModel, TimeStampedModel, VersionedModel
from core.scoping import ScopedQuerySet

from .validators import validate_photo


class LedgerBook(models.TextChoices):
    """The four ledgers of the civil-affairs plan (003): filed monthly with the campaign office."""

    MINQING = "minqing", _("民情账")
    BANGFU = "bangfu", _("帮扶账")
    ZUZHI = "zuzhi", _("组织账")
    WENDING = "wending", _("稳定账")


LEDGER_BOOK_VALUES = [c.value for c in LedgerBook]


class Visit(IdempotentModel, VersionedModel, TimeStampedModel):
    """One visit of a cadre to a household or one of its members (a line of the 民情日记)."""

    class Method(models.TextChoices):
        HOME = "home", _("入户走访")
        POSTED = "posted", _("挂牌接访")
        APPOINTMENT = "appointment", _("重点约访")
        NIGHT = "night", _("入户夜访")
        PHONE = "phone", _("电话")
        FORUM = "forum", _("座谈")

    cadre = models.ForeignKey("org.Cadre", verbose_name=_("走访干部"), on_delete=models.PROTECT, related_name="visits")
    household = models.ForeignKey(
        "outreach.Household", verbose_name=_("走访农户"), on_delete=models.PROTECT, related_name="visits"
    )
    member = models.ForeignKey(
        "outreach.HouseholdMember",
        verbose_name=_("走访对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    visited_on = models.DateField(_("走访日期"))
    method = models.CharField(_("走访方式"), max_length=16, choices=Method.choices, default=Method.HOME)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    ledger_book = models.CharField(_("台账类别"), max_length=16, choices=LedgerBook.choices, default=LedgerBook.MINQING)
    learned = models.TextField(_("了解情况"))
    needs = models.TextField(_("群众需求"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_unit_field = "household__village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["home", "posted", "appointment", "night", "phone", "forum"]),
                name="ledgers_visit_valid_method",
            ),
            models.CheckConstraint(
                condition=Q(ledger_book__in=LEDGER_BOOK_VALUES), name="ledgers_visit_valid_ledger_book"
            ),
        ]
        indexes = [
            # The household timeline: visits of one household, newest first.
            models.Index(fields=["household", "-visited_on"], name="ledgers_visit_household_idx"),
            # The cadre's diary by month, and "last method" for the entry form's default.
            models.Index(fields=["cadre", "-visited_on"], name="ledgers_visit_cadre_idx"),
            # The four books: one book, a date range.
            models.Index(fields=["ledger_book", "-visited_on"], name="ledgers_visit_book_idx"),
            # Every visit list's order (staff visit list, admin changelist: ORDER BY visited_on
            # DESC, id DESC LIMIT 25), read newest first instead of sorting millions of rows;
            # the subtree filter (household → village path) is checked row by row as it walks.
            models.Index(fields=["-visited_on", "-id"], name="ledgers_visit_newest"),
        ]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} {self.cadre} → {self.household}"


class HelpGiven(TimeStampedModel):
    """Help given during a visit (就业援助, 创业资助, 特困救助 …), with an optional amount in yuan."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("就业援助")
        STARTUP = "startup", _("创业资助")
        HARDSHIP = "hardship", _("特困救助")
        MEDICAL = "medical", _("医疗服务")
        EDUCATION = "education", _("助学")
        LEGAL = "legal", _("法律服务")
        CONDOLENCE = "condolence", _("慰问")
        OTHER = "other", _("其他")

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="help_items")
    kind = models.CharField(_("帮扶类型"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("金额不能为负数。"))],
    )
    description = models.CharField(_("帮扶内容"), max_length=200, blank=True)

    scope_unit_field = "visit__household__village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "employment",
                        "startup",
                        "hardship",
                        "medical",
                        "education",
                        "legal",
                        "condolence",
                        "other",
                    ]
                ),
                name="ledgers_helpgiven_valid_kind",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="ledgers_helpgiven_amount_not_negative"
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


def visit_photo_path(instance, filename):
    # Named by migration 0001 only; new photos get random names (core.files.RandomName).
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(TimeStampedModel):
    """A photo taken on a visit (the plans ask units to send pictures to the campaign office)."""

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos")
    image = PrivateFileField(_("照片"), upload_to=RandomName("visits"), validators=[validate_photo])
    caption = models.CharField(_("说明"), max_length=100, blank=True)

    scope_unit_field = "visit__household__village"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit", "id"]

    def __str__(self):
        return mask_text(self.caption) or self.image.name


class DemandCategory(models.Model):
    """A demand category (土地征用, 房屋拆迁 …): data an office may extend."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class DemandQuerySet(ScopedQuerySet):
    OPEN_STATUSES = ("received", "on_ledger", "in_progress")

    def open(self):
        return self.filter(status__in=self.OPEN_STATUSES)


class Demand(IdempotentModel, VersionedModel, TimeStampedModel):
    """A demand raised by the public, tracked until it is answered and closed (件件有着落、事事有回音)."""

    class Source(models.TextChoices):
        VISIT = "visit", _("走访")
        FORUM = "forum", _("群众访谈日/座谈会")
        RECEPTION = "reception", _("接待日")
        HOTLINE = "hotline", _("热线电话")
        MAILBOX = "mailbox", _("意见箱/信件")
        WALK_IN = "walk_in", _("来访")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        ON_LEDGER = "on_ledger", _("列入整改台账")
        IN_PROGRESS = "in_progress", _("办理中")
        RESOLVED = "resolved", _("已办结")
        REPLIED = "replied", _("已书面回复")
        CLOSED = "closed", _("已销号")

    class Tier(models.TextChoices):
        VILLAGE = "village", _("村级")
        TOWNSHIP = "township", _("乡镇级")
        COUNTY = "county", _("县区级")
        CITY = "city", _("市级")

    class ReplyChannel(models.TextChoices):
        LETTER = "letter", _("书面函件")
        IN_PERSON = "in_person", _("当面送达")
        PHONE = "phone", _("电话告知")
        MESSAGE = "message", _("短信/微信")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("主题活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="demands"
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.VISIT)
    visit = models.ForeignKey(
        Visit, verbose_name=_("来源走访"), null=True, blank=True, on_delete=models.PROTECT, related_name="demands"
    )
    forum = models.ForeignKey(
        "outreach.Forum",
        verbose_name=_("来源访谈日"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    reception_day = models.ForeignKey(
        "outreach.ReceptionDay",
        verbose_name=_("来源接待日"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    household = models.ForeignKey(
        "outreach.Household",
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    member = models.ForeignKey(
        "outreach.HouseholdMember",
        verbose_name=_("当事人（家庭成员）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands",
    )
    person_name = models.CharField(_("当事人"), max_length=50, blank=True)
    person_phone = models.CharField(_("当事人电话"), max_length=20, blank=True)
    category = models.ForeignKey(
        DemandCategory, verbose_name=_("诉求类别"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("诉求摘要"), max_length=100)
    description = models.TextField(_("诉求内容"), blank=True)
    received_on = models.DateField(_("受理日期"))
    # 谁受理、谁协调、谁办结
    received_by = models.ForeignKey(
        "org.Cadre",
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands_received",
    )
    coordinator = models.ForeignKey(
        "org.Cadre",
        verbose_name=_("协调人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands_coordinated",
    )
    responsible_unit = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands_owned",
    )
    responsible_person = models.ForeignKey(
        "org.Cadre",
        verbose_name=_("责任人（办结人）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands_owned",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    tier = models.CharField(_("整改层级"), max_length=16, choices=Tier.choices, blank=True)
    deadline = models.DateField(_("办结时限"), null=True, blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    resolved_on_spot = models.BooleanField(_("即时办理"), default=False)
    resolution = models.TextField(_("办理结果"), blank=True)
    replied_on = models.DateField(_("回复日期"), null=True, blank=True)
    reply_channel = models.CharField(_("回复方式"), max_length=16, choices=ReplyChannel.choices, blank=True)
    reply_text = models.TextField(_("书面回复内容"), blank=True)
    # 一式四份: the person always gets one; these say the other three copies went out.
    reply_copy_office = models.BooleanField(_("抄送活动办公室"), default=False)
    reply_copy_liaison = models.BooleanField(_("抄送挂点单位"), default=False)
    reply_copy_village = models.BooleanField(_("抄送村（居）"), default=False)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    escalated_at = models.DateTimeField(_("逾期督办时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "org.OrgUnit",
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demands_escalated",
    )

    scope_unit_field = "unit"
    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_on", "-id"]
        permissions = [("close_demand", _("可以销号诉求"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["visit", "forum", "reception", "hotline", "mailbox", "walk_in"]),
                name="ledgers_demand_valid_source",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "on_ledger", "in_progress", "resolved", "replied", "closed"]),
                name="ledgers_demand_valid_status",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=["", "village", "township", "county", "city"]), name="ledgers_demand_valid_tier"
            ),
            models.CheckConstraint(
                condition=Q(reply_channel__in=["", "letter", "in_person", "phone", "message"]),
                name="ledgers_demand_valid_reply_channel",
            ),
            # On the rectification ledger a demand has a deadline and an owner (分时限、有责任人).
            models.CheckConstraint(
                condition=~Q(status__in=["on_ledger", "in_progress"])
                | (Q(deadline__isnull=False) & Q(responsible_unit__isnull=False)),
                name="ledgers_demand_ledger_has_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(replied_on__isnull=False), name="ledgers_demand_closed_was_replied"
            ),
        ]
        indexes = [
            # The unit's chase page: open demands past their deadline.
            models.Index(fields=["status", "deadline"], name="ledgers_demand_status_idx"),
            models.Index(fields=["unit", "-received_on"], name="ledgers_demand_unit_idx"),
            # The demand lists' order (staff demand list, admin changelist: ORDER BY received_on
            # DESC, id DESC LIMIT 25) for a township or a city: walked newest first, the unit's
            # subtree checked by its path as it goes, instead of a scan and sort of every demand.
            models.Index(fields=["-received_on", "-id"], name="ledgers_demand_newest"),
        ]

    def __str__(self):
        # Shown in selects, admin titles, history and the audit trail: numbers typed in stay masked.
        return mask_text(self.title)

    def get_absolute_url(self):
        return reverse("ledgers:demand_detail", kwargs={"pk": self.pk})

    @property
    def person_display(self):
        return (
            self.person_name
            or (self.member.name if self.member else "")
            or (self.household.head_name if self.household else "")
        )

    @property
    def contact_phone(self):
        """The person's own number, else the household's; hotline and walk-in demands may have neither."""
        return self.person_phone or (self.household.phone if self.household_id else "")


class DemandEvent(models.Model):
    """One step of a demand's history: a transition or a progress note (shown on its page)."""

    demand = models.ForeignKey(Demand, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_unit_field = "demand__unit"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.demand_id} {self.action}"
