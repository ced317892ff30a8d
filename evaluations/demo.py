"""Demo data for evaluations: the reports the demo campaign's counties owe."""

import datetime
import random

from campaigns.models import Requirement
from core import dates

from . import services
from .models import Report


def seed(*, context, stdout):
    _seed_reports(campaign=context["campaign"])


def _seed_reports(*, campaign):
    """Reports owed upward every two months by the counties (滨妇发: 活动开展情况每两个月汇总上报一次),
    most of those already due submitted. Deterministic, so reruns give the same picture."""
    today = dates.today()
    rng = random.Random(20260531)
    for requirement in Requirement.objects.filter(campaign=campaign, kind=Requirement.Kind.REPORTS_EVERY):
        services.report_schedule_create(requirement=requirement)
    submitted = []
    for report in Report.objects.filter(campaign=campaign, submitted_on__isnull=True, due_date__lt=today).order_by(
        "due_date", "unit__path"
    ):
        if rng.random() < 0.7:
            report.submitted_on = report.due_date - datetime.timedelta(days=rng.randint(0, 5))
            report.content = "本期活动开展情况汇总。"
            submitted.append(report)
    Report.objects.bulk_update(submitted, ["submitted_on", "content"])
