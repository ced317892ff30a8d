from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from campaigns.validation import validate_evidence_file
from core.files import PrivateFileField, RandomName
from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


class ReportQuerySet(ScopedQuerySet):
    def owed(self):
        return self.filter(submitted_on__isnull=True)


class Report(TimeStampedModel):
    """A scheduled report a unit owes upward (活动开展情况每两个月汇总上报一次, 书面总结报告 …)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("主题活动"), on_delete=models.CASCADE, related_name="reports"
    )
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="reports"
    )
    requirement = models.ForeignKey(
        "campaigns.Requirement",
        verbose_name=_("依据指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    title = models.CharField(_("报告名称"), max_length=200)
    due_date = models.DateField(_("应报日期"))
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    content = models.TextField(_("报告内容"), blank=True)
    attachment = PrivateFileField(
        _("附件"),
        upload_to=RandomName("evaluations/reports"),
        blank=True,
        validators=[validate_evidence_file],
        name_field="attachment_name",
    )
    attachment_name = models.CharField(_("附件文件名"), max_length=200, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_unit_field = "unit"
    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["due_date", "unit__path"]
        constraints = [
            # One report per unit per due date of a campaign: the schedule can be re-run safely.
            models.UniqueConstraint(fields=["campaign", "unit", "due_date"], name="evaluations_report_unique_due"),
        ]
        indexes = [
            # Reminders and the requirement check ask for a campaign's reports still owed.
            models.Index(fields=["submitted_on", "due_date"], name="evaluations_report_owed_idx"),
        ]

    def __str__(self):
        return pgettext("name (detail)", "%(name)s（%(detail)s）") % {
            "name": f"{self.unit} · {self.title}",
            "detail": self.due_date,
        }
