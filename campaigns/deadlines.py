"""Deadline kinds of the campaigns app, registered with the reminder engine (reminders.registry).

The quota shortfalls (a requirement not met near the end of its period) are computed by scoring
and registered from ``evaluations/deadlines.py``.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.registry import DeadlineKind, register, unit_leaders_for

from .models import Campaign, MilestoneAssignment


def _campaign_subject(campaign):
    return _("主题活动“%(title)s”将于 %(end)s 结束，请按时完成总结") % {
        "title": campaign.title,
        "end": campaign.end_date.isoformat(),
    }


register(
    DeadlineKind(
        key="campaigns.campaign_end",
        label=_("主题活动结束"),
        queryset=lambda: Campaign.objects.select_related("issuing_unit"),
        open_q=Q(status=Campaign.Status.ACTIVE),
        due_field="end_date",
        unit_field="issuing_unit",
        responsible=unit_leaders_for("issuing_unit"),
        subject=_campaign_subject,
        url=lambda campaign: reverse("campaigns:campaign_plan", kwargs={"pk": campaign.pk}),
    )
)


def _milestone_subject(assignment):
    milestone = assignment.milestone
    text = _("环节“%(number)s. %(name)s”（%(campaign)s）应于 %(due)s 前完成") % {
        "number": milestone.number,
        "name": milestone.name,
        "campaign": milestone.campaign.title,
        "due": milestone.due_date.isoformat(),
    }
    if milestone.deliverable:
        text += _("：%(deliverable)s") % {"deliverable": milestone.deliverable}
    return text


# A step owed by a unit (MilestoneAssignment): open until its completion date is recorded, and
# only while its campaign is running. The unit's leaders answer for it; +N escalates upward.
register(
    DeadlineKind(
        key="campaigns.milestone_assignment",
        label=_("工作环节"),
        queryset=lambda: MilestoneAssignment.objects.select_related("milestone", "milestone__campaign", "unit"),
        open_q=Q(completed_on__isnull=True, milestone__campaign__status=Campaign.Status.ACTIVE),
        due_field="milestone__due_date",
        unit_field="unit",
        responsible=unit_leaders_for("unit"),
        subject=_milestone_subject,
        url=lambda a: reverse("campaigns:campaign_plan", kwargs={"pk": a.milestone.campaign_id}),
    )
)
