"""Deadline kinds of the campaigns app, registered with the reminder engine (reminders.registry)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.registry import DeadlineKind, register, unit_leaders_for

from .models import Campaign, MilestoneAssignment, Requirement


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


def _short_requirements(requirements):
    from .requirements import evaluate_requirement

    return {r.pk for r in requirements if evaluate_requirement(r).status == "short"}


def _shortfall_subject(requirement):
    return _("量化指标“%(title)s”（%(campaign)s）尚未达标，活动将于 %(end)s 结束") % {
        "title": requirement.title,
        "campaign": requirement.campaign.title,
        "end": requirement.campaign.end_date.isoformat(),
    }


# A quota falling short near the end of its campaign: "open" is computed (evaluate_requirement
# says "short"), and only asked for within two weeks of the end, where the default rules act.
register(
    DeadlineKind(
        key="campaigns.requirement_shortfall",
        label=_("量化指标未达标"),
        queryset=lambda: Requirement.objects.select_related("campaign", "campaign__issuing_unit"),
        open_q=Q(campaign__status=Campaign.Status.ACTIVE),
        due_field="campaign__end_date",
        unit_field="campaign__issuing_unit",
        responsible=unit_leaders_for("campaign__issuing_unit"),
        subject=_shortfall_subject,
        url=lambda r: reverse("campaigns:campaign_plan", kwargs={"pk": r.campaign_id}),
        still_open=_short_requirements,
        horizon_days=14,
    )
)
