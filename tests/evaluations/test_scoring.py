"""Requirement scoring: every kind evaluated against real rows of the apps that own them.

Visits (ledgers), pairings, forums and reception days (outreach) and reports (evaluations) are
created with the fields scoring reads; the numbers, statuses and notes are checked.
"""

import datetime

import pytest
from django.db import models

from campaigns.models import Campaign
from core.dates import SHANGHAI
from evaluations import services
from evaluations.models import Report
from evaluations.scoring import evaluate_requirement
from ledgers.models import Visit
from outreach.models import Forum, Household, HouseholdCategory, HouseholdMember, Pairing, ReceptionDay
from tests.factories import RequirementFactory, build_campaign, make_person

D = datetime.date


def _create(model, **fields):
    """A row of ``model`` with the fields scoring reads; other required fields get plain values."""
    for field in model._meta.concrete_fields:
        if field.name in fields or field.attname in fields or field.null or field.has_default() or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) or field.generated:
            continue
        if field.choices:
            fields[field.name] = field.choices[0][0]
        elif isinstance(field, models.CharField | models.TextField):
            fields[field.name] = "测试"
        elif isinstance(field, models.IntegerField):
            fields[field.name] = 1
    return model.objects.create(**fields)


@pytest.fixture
def plan(world):
    return build_campaign(
        world.county_a, title="测试方案", status=Campaign.Status.DRAFT, start=D(2026, 4, 1), end=D(2026, 12, 31)
    )


def _requirement(plan, kind, params, *, scope="all_cadres", period="campaign", unit_kinds=None):
    return RequirementFactory(
        campaign=plan, title=kind, kind=kind, params=params, scope=scope, period=period, unit_kinds=unit_kinds or []
    )


def _household(village, number, *categories):
    household = Household.objects.create(village=village, number=number, head_name=f"户主{number}")
    household.categories.set(HouseholdCategory.objects.filter(code__in=categories))
    return household


# ---- pairings (real rows) -------------------------------------------------------------------


def test_senior_cadres_must_each_pair_with_a_hardship_household(world, plan):
    senior_paired = make_person("fu_chu_1", world.county_a, rank="deputy_division").cadre
    senior_unpaired = make_person("fu_chu_2", world.town_a1, rank="division").cadre
    make_person("ke_yuan", world.town_a1, rank="staff")  # not bound: below 副处级
    household = _household(world.village_a1, "0001", "tekun")
    Pairing.objects.create(
        campaign=plan, cadre=senior_paired, household=household, kind="poor_kin", start_date=D(2026, 4, 2)
    )
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1, "pairing_kinds": ["poor_kin"]}, scope="senior")

    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 5, 1))
    # county_leader (正处级) is senior too: three senior cadres, one paired.
    assert (result.target, result.actual, result.status) == (3, 1, "short")
    assert senior_unpaired.name in result.note

    alone = evaluate_requirement(requirement, cadre=senior_paired, as_of=D(2026, 5, 1))
    assert (alone.target, alone.actual, alone.status) == (1, 1, "met")
    assert evaluate_requirement(requirement, cadre=senior_unpaired, as_of=D(2026, 5, 1)).status == "short"


def test_a_pairing_of_another_kind_or_an_ended_one_does_not_count(world, plan):
    cadre = make_person("fu_chu", world.town_a1, rank="deputy_division").cadre
    household = _household(world.village_a1, "0002")
    Pairing.objects.create(campaign=plan, cadre=cadre, household=household, kind="neighbours", start_date=D(2026, 4, 2))
    Pairing.objects.create(
        campaign=plan, cadre=cadre, household=household, kind="poor_kin", start_date=D(2026, 4, 2), is_active=False
    )
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1, "pairing_kinds": ["poor_kin"]}, scope="senior")
    assert evaluate_requirement(requirement, cadre=cadre, as_of=D(2026, 5, 1)).actual == 0


def test_every_cadre_pairs_with_one_poor_woman_and_one_poor_child(world, plan):
    cadre = world.town_staff.cadre
    household = _household(world.village_a1, "0003")
    woman = HouseholdMember.objects.create(household=household, name="王秀兰", is_poor_woman=True)
    HouseholdMember.objects.create(household=household, name="王小宝", is_poor_child=True)
    Pairing.objects.create(
        campaign=plan, cadre=cadre, household=household, member=woman, kind="poor_woman", start_date=D(2026, 4, 2)
    )
    women = _requirement(plan, "pairings_per_cadre", {"min": 1, "member_flag": "is_poor_woman"})
    children = _requirement(plan, "pairings_per_cadre", {"min": 1, "member_flag": "is_poor_child"})
    assert evaluate_requirement(women, cadre=cadre, as_of=D(2026, 5, 1)).status == "met"
    assert evaluate_requirement(children, cadre=cadre, as_of=D(2026, 5, 1)).status == "short"


def test_pairings_recorded_against_the_county_plan_count_for_the_city_plan(world):
    from campaigns import services

    city_plan = build_campaign(
        world.city, title="市方案", start=D(2026, 4, 1), end=D(2026, 12, 31), status=Campaign.Status.DRAFT
    )
    county_plan = services.campaign_cascade(campaign=city_plan, units=[world.county_a], actor=None)[0]
    cadre = make_person("fu_chu", world.town_a1, rank="deputy_division").cadre
    Pairing.objects.create(
        campaign=county_plan,
        cadre=cadre,
        household=_household(world.village_a1, "0004"),
        kind="poor_kin",
        start_date=D(2026, 4, 2),
    )
    requirement = _requirement(city_plan, "pairings_per_cadre", {"min": 1}, scope="senior")
    assert evaluate_requirement(requirement, cadre=cadre, as_of=D(2026, 5, 1)).status == "met"


def test_a_cadre_of_another_rank_is_not_applicable_with_the_reason(world, plan):
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1}, scope="senior")
    result = evaluate_requirement(requirement, cadre=world.town_staff.cadre, as_of=D(2026, 5, 1))
    assert (result.target, result.actual, result.status, result.status_label) == (
        None,
        None,
        "not_applicable",
        "不适用",
    )
    assert result.note == "“town_staff”不属于此指标的适用对象（副处级以上干部），不适用。"


def test_a_cadre_of_another_level_is_not_applicable(world, plan):
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1}, unit_kinds=["county"])
    result = evaluate_requirement(requirement, cadre=world.town_staff.cadre, as_of=D(2026, 5, 1))
    assert result.status == "not_applicable"
    assert "全体干部（县/区）" in result.note


def test_a_non_leader_is_not_bound_by_a_leaders_rule(world, plan):
    requirement = _requirement(plan, "reception_days", {"min": 1}, scope="leaders", period="month")
    result = evaluate_requirement(requirement, cadre=world.town_staff.cadre, as_of=D(2026, 6, 2))
    assert result.status == "not_applicable"
    assert "领导班子成员" in result.note


def test_a_cadre_or_unit_outside_the_issuing_branch_is_not_applicable(world, plan):
    # plan is county A's; county B and its cadres are not bound by it.
    stranger = make_person("yi_xian", world.town_b1, rank="deputy_division").cadre
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1})
    for result in (
        evaluate_requirement(requirement, cadre=stranger, as_of=D(2026, 5, 1)),
        evaluate_requirement(requirement, unit=world.county_b, as_of=D(2026, 5, 1)),
    ):
        assert result.status == "not_applicable"
        assert "不在本方案发文单位“甲县”的范围内" in result.note
    reports = _requirement(plan, "reports_every", {"interval_months": 2}, scope="unit", period="month")
    assert evaluate_requirement(reports, unit=world.county_b, as_of=D(2026, 8, 5)).status == "not_applicable"


def test_a_unit_without_bound_cadres_is_not_applicable_not_met(world, plan):
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1}, scope="senior")
    result = evaluate_requirement(requirement, unit=world.town_a2, as_of=D(2026, 5, 1))
    assert (result.target, result.status) == (None, "not_applicable")
    assert result.note == "“甲二镇”没有此指标适用的干部（副处级以上干部），不适用。"


def test_nothing_is_measurable_before_the_campaign_starts(world, plan):
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1})
    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 3, 31))
    assert (result.target, result.actual, result.status) == (None, None, "not_measurable")
    assert result.note == "活动于2026-04-01开始，尚无数据，暂无法计算。"


def test_targets_and_actuals_carry_their_unit_of_measure(world, plan):
    cadre = world.town_staff.cadre
    households = _requirement(plan, "pairings_per_cadre", {"min": 1})
    women = _requirement(plan, "pairings_per_cadre", {"min": 1, "member_flag": "is_poor_woman"})
    one = evaluate_requirement(households, cadre=cadre, as_of=D(2026, 5, 1))
    assert (one.target, one.actual, one.measure) == (1, 0, "户")
    assert evaluate_requirement(women, cadre=cadre, as_of=D(2026, 5, 1)).measure == "人"
    unit = evaluate_requirement(households, unit=world.town_a1, as_of=D(2026, 5, 1))
    assert (unit.target, unit.actual, unit.measure) == (2, 0, "人")  # town_staff and village_cadre


def test_unit_levels_limit_the_units_a_unit_rule_binds(world, plan):
    plan.participating_kinds = ["township"]
    plan.save()
    requirement = _requirement(
        plan, "reports_every", {"interval_months": 2}, scope="unit", period="month", unit_kinds=["township"]
    )
    result = evaluate_requirement(requirement, unit=world.village_a1, as_of=D(2026, 8, 5))
    assert result.status == "not_applicable"
    assert "此指标只约束乡镇/街道" in result.note
    # The county has townships below it: it is judged on theirs.
    assert evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 5)).status == "short"


def test_reports_before_the_first_due_date_are_not_measurable_yet(world, plan):
    plan.participating_kinds = ["township"]
    plan.save()
    requirement = _requirement(plan, "reports_every", {"interval_months": 2}, scope="unit", period="month")
    result = evaluate_requirement(requirement, unit=world.town_a1, as_of=D(2026, 5, 1))
    assert result.status == "not_measurable"
    assert result.note == "首次上报期限为2026-05-31，尚未到期，暂无法计算。"


def test_reports_not_owed_below_a_unit_are_not_applicable(world, plan):
    # Only townships take part: a village owes no report (it used to be judged as if it did).
    plan.participating_kinds = ["township"]
    plan.save()
    requirement = _requirement(plan, "reports_every", {"interval_months": 2}, scope="unit", period="month")
    result = evaluate_requirement(requirement, unit=world.village_a1, as_of=D(2026, 8, 5))
    assert result.status == "not_applicable"
    assert "不承担此上报任务" in result.note


def test_unit_levels_limit_the_bound_cadres(world, plan):
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1}, unit_kinds=["county"])
    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 5, 1))
    # Only the two who work in the county itself (county_leader, county_office_admin), not the
    # township and village cadres below it.
    assert result.target == 2
    assert sorted(row[0] for row in result.rows) == ["county_leader", "county_office_admin"]


# ---- reports (real rows) ------------------------------------------------------------------


def test_reports_owed_are_counted_from_real_reports(world, plan):
    plan.participating_kinds = ["township"]
    plan.save()
    requirement = _requirement(plan, "reports_every", {"interval_months": 2}, scope="unit", period="month")
    assert services.report_schedule_create(requirement=requirement) == 8  # 2 townships × 4 due dates
    assert services.report_schedule_create(requirement=requirement) == 0
    Report.objects.filter(unit=world.town_a1, due_date__lte=D(2026, 7, 31)).update(submitted_on=D(2026, 5, 30))
    Report.objects.filter(unit=world.town_a2, due_date=D(2026, 5, 31)).update(submitted_on=D(2026, 6, 3))

    mine = evaluate_requirement(requirement, unit=world.town_a1, as_of=D(2026, 8, 5))
    assert (mine.target, mine.actual, mine.status, mine.measure) == (2, 2, "met", "次")
    sibling = evaluate_requirement(requirement, unit=world.town_a2, as_of=D(2026, 8, 5))
    assert (sibling.target, sibling.actual, sibling.status) == (2, 1, "short")
    county = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 5))
    assert (county.target, county.actual, county.status, county.measure) == (2, 1, "short", "个单位")
    assert "甲二镇" in county.note


# ---- visits, forums, reception days (real rows) ---------------------------------------------


def test_visits_per_cadre_counts_distinct_households_and_monthly_days(world, plan):
    cadre = world.town_staff.cadre
    homes = [_household(world.village_a1, f"10{i:02d}") for i in range(3)]
    for day, home in [(D(2026, 4, 3), homes[0]), (D(2026, 4, 3), homes[1]), (D(2026, 4, 9), homes[1])]:
        _create(Visit, cadre=cadre, household=home, visited_on=day, campaign=plan)
    households = _requirement(plan, "visits_per_cadre", {"min": 3, "count": "households"})
    result = evaluate_requirement(households, cadre=cadre, as_of=D(2026, 5, 10))
    assert (result.target, result.actual, result.status, result.measure) == (3, 2, "short", "户")
    monthly = _requirement(plan, "visits_per_cadre", {"min": 2, "count": "days"}, period="month")
    result = evaluate_requirement(monthly, cadre=cadre, as_of=D(2026, 5, 10))
    assert (result.target, result.actual, result.measure) == (1, 1, "个月")  # April complete with 2 distinct days


def test_must_visit_coverage_without_registered_households_is_not_measurable(world, plan):
    _household(world.village_a1, "2101")  # no category: owes nothing
    requirement = _requirement(plan, "must_visit_coverage", {"category_group": "six_must"}, scope="unit")
    result = evaluate_requirement(requirement, unit=world.town_a1, as_of=D(2026, 5, 1))
    assert (result.target, result.status) == (None, "not_measurable")
    assert result.note == "“甲一镇”辖区内尚未登记属于必访类别的户，暂无法计算。"


def test_must_visit_categories_are_covered_by_real_visits(world, plan):
    visited = _household(world.village_a1, "2001", "wenti_jiating")
    _household(world.village_a1, "2002", "liushou_jiating")
    _household(world.village_a1, "2003")  # no category: not owed
    _create(Visit, cadre=world.town_staff.cadre, household=visited, visited_on=D(2026, 4, 5), campaign=plan)
    requirement = _requirement(plan, "must_visit_coverage", {"category_group": "six_must"}, scope="unit")
    result = evaluate_requirement(requirement, unit=world.town_a1, as_of=D(2026, 5, 1))
    assert (result.target, result.actual, result.status) == (2, 1, "short")
    assert "留守家庭1户" in result.note


def test_grassroots_days_are_distinct_visit_dates(world, plan):
    leader = world.county_leader.cadre
    home = _household(world.village_a1, "3001")
    for day in (D(2026, 4, 3), D(2026, 4, 3), D(2026, 4, 4)):
        _create(Visit, cadre=leader, household=home, visited_on=day, campaign=plan)
    requirement = _requirement(plan, "leader_grassroots_days", {"min_days": 2}, scope="leaders", period="year")
    assert evaluate_requirement(requirement, cadre=leader, as_of=D(2026, 5, 1)).actual == 2


def test_forums_need_enough_people_and_notice(world, plan):
    held = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=SHANGHAI)
    _create(
        Forum,
        village=world.village_a1,
        campaign=plan,
        held_at=held,
        notice_posted_on=D(2026, 5, 5),
        attendance=30,
    )
    _create(
        Forum,
        village=world.village_a1b,
        campaign=plan,
        held_at=held,
        notice_posted_on=D(2026, 5, 8),
        attendance=40,
    )
    requirement = _requirement(plan, "forum_rules", {"min_attendance": 30, "notice_days": 5}, scope="unit")
    result = evaluate_requirement(requirement, unit=world.town_a1, as_of=D(2026, 6, 1))
    assert (result.target, result.actual, result.status) == (2, 1, "short")


def test_a_village_counts_for_the_forum_rule_exactly_when_its_forum_page_shows_no_warning(world, plan):
    from outreach.forum_rules import ForumRules, forum_warnings

    # One rule for the forum page and the plan's figure: the page's warnings decide the count.
    held = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=SHANGHAI)
    cases = [
        (world.village_a1, D(2026, 5, 5), 30),  # exactly 5 days' notice, exactly 30 people: complies
        (world.village_a1b, None, 60),  # no notice date recorded
        (world.village_a2, D(2026, 5, 9), 60),  # one day's notice
    ]
    forums = [
        _create(Forum, village=village, campaign=plan, held_at=held, notice_posted_on=posted, attendance=people)
        for village, posted, people in cases
    ]
    requirement = _requirement(plan, "forum_rules", {"min_attendance": 30, "notice_days": 5}, scope="unit")
    rules = ForumRules.from_params(requirement.params)
    without_warning = [forum for forum in forums if not forum_warnings(forum, rules)]
    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 6, 1))
    assert [forum.village for forum in without_warning] == [world.village_a1]
    assert result.actual == len(without_warning)
    assert "2场不符合要求" in result.note


def test_reception_days_per_month(world, plan):
    leader = world.county_leader.cadre
    _create(ReceptionDay, leader=leader, campaign=plan, held_on=D(2026, 4, 8))
    requirement = _requirement(plan, "reception_days", {"min": 1}, scope="leaders", period="month")
    result = evaluate_requirement(requirement, cadre=leader, as_of=D(2026, 6, 2))
    assert (result.target, result.actual, result.status) == (2, 1, "short")  # April yes, May no


def test_principals_are_leaders_without_a_deputy_title(world, plan):
    make_person("zhuxi", world.county_a, is_leader=True, title="甲县妇联主席")
    make_person("fu_zhuxi", world.county_a, is_leader=True, title="甲县妇联副主席")
    requirement = _requirement(plan, "pairings_per_cadre", {"min": 1}, scope="principals")
    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 5, 1))
    # county_leader (no title) and 主席 are principals; 副主席 is a member of the leadership only.
    assert result.target == 2
    assert "fu_zhuxi" not in result.note


# ---- the figures equal a recount from the base tables ----------------------------------------


def _recount_coverage(unit, group, family, start, end):
    """(target, actual, {category name: households not covered}) counted in Python, row by row."""
    owed = {}
    for household in Household.objects.select_related("village").prefetch_related("categories"):
        if household.village.path.startswith(unit.path):
            names = {c.name for c in household.categories.all() if c.group == group}
            if names:
                owed[household.pk] = names
    visited = {
        v.household_id
        for v in Visit.objects.all()
        if (v.campaign_id in family or v.campaign_id is None) and start <= v.visited_on <= end
    }
    missing = {}
    for pk, names in owed.items():
        for name in names:
            missing.setdefault(name, 0)
            if pk not in visited:
                missing[name] += 1
    return len(owed), len(owed.keys() & visited), {k: v for k, v in missing.items() if v}


@pytest.fixture
def coverage_rows(world, plan):
    """Owed and unowed households over three villages and a sibling county, visited or not, by
    visits that count (this plan, no plan, inside the window) and visits that do not."""
    other_plan = build_campaign(world.county_b, title="乙县方案", start=D(2026, 4, 1), end=D(2026, 12, 31))
    cadre = world.town_staff.cadre
    rows = [
        (world.village_a1, "4001", ("wenti_jiating",), [(D(2026, 4, 5), plan)]),
        (world.village_a1, "4002", ("wenti_jiating", "liushou_jiating"), [(D(2026, 5, 1), None)]),
        (world.village_a1, "4003", ("liushou_jiating", "tekun"), [(D(2026, 3, 31), plan)]),  # before the start
        (world.village_a1, "4004", ("maodun_jiufen",), [(D(2026, 6, 1), other_plan)]),  # another plan
        (world.village_a1b, "4005", ("maodun_jiufen",), [(D(2026, 6, 1), plan), (D(2026, 6, 2), plan)]),
        (world.village_a1b, "4006", ("tekun",), [(D(2026, 6, 1), plan)]),  # five_must only: not owed
        (world.village_a2, "4007", ("guchan_pinkun",), [(D(2026, 9, 1), plan)]),  # after as_of
        (world.village_a2, "4008", ("guchan_pinkun", "wenti_jiating"), [(D(2026, 7, 1), plan)]),
        (world.village_a2, "4009", (), [(D(2026, 7, 1), plan)]),  # no category
        (world.village_b1, "4010", ("wenti_jiating",), []),  # another county
    ]
    for village, number, codes, visits in rows:
        household = _household(village, number, *codes)
        for day, campaign in visits:
            _create(Visit, cadre=cadre, household=household, visited_on=day, campaign=campaign)
    return plan


@pytest.mark.parametrize("unit_name", ["county_a", "town_a1", "village_a1b", "town_a2"])
def test_must_visit_coverage_equals_a_recount_from_the_base_tables(world, coverage_rows, unit_name):
    plan, unit, as_of = coverage_rows, getattr(world, unit_name), D(2026, 8, 1)
    requirement = _requirement(plan, "must_visit_coverage", {"category_group": "six_must"}, scope="unit")

    result = evaluate_requirement(requirement, unit=unit, as_of=as_of)

    target, actual, missing = _recount_coverage(unit, "six_must", [plan.pk], plan.start_date, as_of)
    assert (result.target, result.actual) == (target, actual)
    assert result.status == ("met" if actual >= target else "short")
    listed = result.note.split("未覆盖：")[1].split("、") if "未覆盖：" in result.note else []
    assert sorted(listed) == sorted(f"{name}{n}户" for name, n in missing.items())
    assert result.note.startswith(f"已走访{actual}/{target}户必访户")


def test_must_visit_coverage_by_named_categories_equals_a_recount(world, coverage_rows):
    plan = coverage_rows
    requirement = _requirement(
        plan, "must_visit_coverage", {"categories": ["wenti_jiating", "guchan_pinkun"]}, scope="unit"
    )
    result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 1))
    # 4001, 4002 (visited), 4007 (after as_of), 4008 (visited): 3 of 4.
    assert (result.target, result.actual, result.status) == (4, 3, "short")
    assert result.note == "已走访3/4户必访户；未覆盖：孤残贫困1户"


def test_coverage_takes_the_same_queries_however_many_households(world, coverage_rows, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = coverage_rows
    requirement = _requirement(plan, "must_visit_coverage", {"category_group": "six_must"}, scope="unit")
    evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 1))  # loads the plan and its unit
    with CaptureQueriesContext(connection) as small:
        evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 1))
    for i in range(30):
        household = _household(world.village_a2, f"5{i:03d}", "wenti_jiating", "liushou_jiating")
        if i % 2:
            _create(Visit, cadre=world.town_staff.cadre, household=household, visited_on=D(2026, 5, 2), campaign=plan)
    with django_assert_num_queries(len(small)):
        result = evaluate_requirement(requirement, unit=world.county_a, as_of=D(2026, 8, 1))
    assert (result.target, result.actual) == (37, 19)


@pytest.mark.parametrize("count", ["households", "visits", "days"])
def test_visits_per_cadre_equals_a_recount_from_the_base_tables(world, coverage_rows, count):
    plan = coverage_rows
    village_visits = [
        (world.village_cadre.cadre, D(2026, 4, 9), plan),
        (world.village_cadre.cadre, D(2026, 4, 9), None),
        (world.village_cadre.cadre, D(2026, 2, 1), plan),  # before the start
    ]
    home = _household(world.village_a1, "4100")
    for cadre, day, campaign in village_visits:
        _create(Visit, cadre=cadre, household=home, visited_on=day, campaign=campaign)
    requirement = _requirement(plan, "visits_per_cadre", {"min": 2, "count": count})
    as_of = D(2026, 8, 1)

    result = evaluate_requirement(requirement, unit=world.town_a1, as_of=as_of)

    counted = [
        v
        for v in Visit.objects.all()
        if (v.campaign_id == plan.pk or v.campaign_id is None) and plan.start_date <= v.visited_on <= as_of
    ]
    expected = {}
    for name, pk in ((c.name, c.pk) for c in (world.town_staff.cadre, world.village_cadre.cadre)):
        mine = [v for v in counted if v.cadre_id == pk]
        expected[name] = {
            "households": len({v.household_id for v in mine}),
            "visits": len(mine),
            "days": len({v.visited_on for v in mine}),
        }[count]
    assert {row[0]: row[1] for row in result.rows} == expected
    assert result.actual == sum(1 for n in expected.values() if n >= 2)
