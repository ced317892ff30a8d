"""Deadline kinds of the campaigns app, registered with the reminder engine."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reminders.registry import DeadlineKind, register, unit_leaders_for

from .models import Campaign


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
    )
)
