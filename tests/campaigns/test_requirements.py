"""Requirement kinds as the plan holds them: parameters validated in Chinese, report due dates.

How a requirement is met (scoring) is tested in tests/evaluations/test_scoring.py.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, Requirement
from campaigns.requirements import report_due_dates
from tests.factories import RequirementFactory, build_campaign

D = datetime.date


@pytest.fixture
def plan(world):
    return build_campaign(
        world.county_a, title="测试方案", status=Campaign.Status.DRAFT, start=D(2026, 4, 1), end=D(2026, 12, 31)
    )


def _requirement(plan, kind, params, *, scope="all_cadres", period="campaign", unit_kinds=None):
    return RequirementFactory(
        campaign=plan, title=kind, kind=kind, params=params, scope=scope, period=period, unit_kinds=unit_kinds or []
    )


# ---- parameters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "params", "scope", "period", "message"),
    [
        ("visits_per_cadre", {}, "all_cadres", "campaign", "缺少参数“min”"),
        ("visits_per_cadre", {"min": "十"}, "all_cadres", "campaign", "必须是整数"),
        ("visits_per_cadre", {"min": 0}, "all_cadres", "campaign", "必须大于0"),
        ("visits_per_cadre", {"min": 10, "count": "trips"}, "all_cadres", "campaign", "取值“trips”无效"),
        ("visits_per_cadre", {"min": 10}, "all_cadres", "year", "考核周期只能是"),
        ("visits_per_cadre", {"min": 10, "mins": 2}, "all_cadres", "campaign", "不支持的参数“mins”"),
        ("pairings_per_cadre", {"min": 1, "pairing_kinds": ["friends"]}, "senior", "campaign", "未知的帮扶形式"),
        ("must_visit_coverage", {}, "unit", "campaign", "请指定必访类别组"),
        ("must_visit_coverage", {"category_group": "six_must"}, "all_cadres", "campaign", "适用对象只能是"),
        ("forum_rules", {"min_attendance": 30}, "unit", "campaign", "缺少参数“notice_days”"),
        ("reports_every", {"interval_months": 13}, "unit", "month", "不能超过12个月"),
        ("reports_every", {"interval_months": 2, "first_due": "5月底"}, "unit", "month", "YYYY-MM-DD"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(plan, kind, params, scope, period, message):
    requirement = Requirement(campaign=plan, title="x", kind=kind, params=params, scope=scope, period=period)
    with pytest.raises(ValidationError, match=message):
        requirement.full_clean()


def test_unit_levels_must_be_known(plan):
    requirement = Requirement(
        campaign=plan,
        title="x",
        kind="forum_rules",
        params={"min_attendance": 30, "notice_days": 5},
        scope="unit",
        period="campaign",
        unit_kinds=["planet"],
    )
    with pytest.raises(ValidationError, match="适用层级"):
        requirement.full_clean()


# ---- reports ------------------------------------------------------------------------------


def test_reports_every_two_months_fall_due_at_the_end_of_every_second_month(plan):
    requirement = _requirement(plan, "reports_every", {"interval_months": 2}, scope="unit", period="month")
    assert report_due_dates(requirement) == [D(2026, 5, 31), D(2026, 7, 31), D(2026, 9, 30), D(2026, 11, 30)]
