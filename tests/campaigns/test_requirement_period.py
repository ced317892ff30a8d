"""The plan page says a report owed every N months is due 每N个月, not 每月."""

import datetime

import time_machine

from campaigns.models import Requirement

from .plans import make_plan


@time_machine.travel(datetime.datetime(2026, 3, 25, 2, 0, tzinfo=datetime.UTC))
def test_reports_every_two_months_reads_every_two_months(world, client_for):
    campaign = make_plan(world.county_a, kinds=["township"])
    campaign.status = "active"
    campaign.save()
    Requirement.objects.create(
        campaign=campaign,
        title="活动开展情况每两个月汇总上报一次",
        kind="reports_every",
        params={"interval_months": 2},
        scope="unit",
        period="month",
    )
    Requirement.objects.create(
        campaign=campaign,
        title="四本账每月上报",
        kind="reports_every",
        params={"interval_months": 1},
        scope="unit",
        period="month",
        order=2,
    )
    html = client_for(world.county_leader).get(campaign.get_absolute_url()).content.decode()
    assert "定期上报 · 单位 · 每2个月" in html
    assert "定期上报 · 单位 · 每月" in html
    rows = {r.title: r.period_label for r in Requirement.objects.filter(campaign=campaign)}
    assert rows == {"活动开展情况每两个月汇总上报一次": "每2个月", "四本账每月上报": "每月"}
