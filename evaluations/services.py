"""Writes of the evaluations app: the reports a plan makes its units owe upward."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import Requirement
from campaigns.permissions import campaign_require_edit
from campaigns.requirements import report_due_dates
from campaigns.selectors import campaign_participants
from core.audit import audit_record

from .models import Report


@transaction.atomic
def report_schedule_create(*, requirement: Requirement, actor=None) -> int:
    """Create the Report rows a reports-every-N-months requirement makes each owing unit owe.

    Idempotent (one row per campaign, unit and due date). Returns how many rows were created.
    """
    if requirement.kind != Requirement.Kind.REPORTS_EVERY:
        raise ValidationError(_("只有“定期上报”类指标可以生成报告计划。"))
    campaign = requirement.campaign
    campaign_require_edit(actor, campaign)
    units = campaign_participants(campaign)
    if requirement.unit_kinds:
        units = [u for u in units if u.kind in requirement.unit_kinds]
    existing = set(Report.objects.filter(campaign=campaign).values_list("unit_id", "due_date"))
    rows = [
        Report(
            campaign=campaign,
            unit=unit,
            requirement=requirement,
            title=_("%(title)s（%(date)s）") % {"title": requirement.title, "date": due.isoformat()},
            due_date=due,
        )
        for unit in units
        for due in report_due_dates(requirement)
        if (unit.pk, due) not in existing
    ]
    Report.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit_record(
            action="evaluations.report_schedule",
            actor=actor,
            obj=requirement,
            detail={"created": len(rows)},
        )
    return len(rows)
