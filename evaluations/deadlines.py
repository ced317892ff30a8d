"""Deadline kinds of the evaluations app, registered with the reminder engine (reminders.registry)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from reminders.registry import DeadlineKind, register, unit_leaders_for

from .models import Report


def _report_subject(report):
    return _("报告“%(title)s”（%(campaign)s）应于 %(due)s 前报送") % {
        "title": report.title,
        "campaign": report.campaign.title,
        "due": report.due_date.isoformat(),
    }


# A report owed upward: open until submitted, while its campaign runs.
register(
    DeadlineKind(
        key="evaluations.report",
        label=_("定期报告"),
        queryset=lambda: Report.objects.select_related("campaign", "unit"),
        open_q=Q(submitted_on__isnull=True, campaign__status=Campaign.Status.ACTIVE),
        due_field="due_date",
        unit_field="unit",
        responsible=unit_leaders_for("unit"),
        subject=_report_subject,
        url=lambda report: reverse("campaigns:campaign_plan", kwargs={"pk": report.campaign_id}),
    )
)
