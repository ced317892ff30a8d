"""The plan page in a real browser: a leader reads the timeline, a township records a step."""

import datetime

import pytest

from campaigns import services
from campaigns.models import Milestone, MilestoneAssignment, Phase, Requirement
from core import dates
from tests.campaigns.plans import PDF_BYTES
from tests.factories import build_campaign

pytestmark = pytest.mark.browser


@pytest.fixture
def running_plan(world):
    """A county plan around today: early steps done on time or late, one overdue, later ones open."""
    today = dates.today()
    start = today - datetime.timedelta(days=90)
    campaign = build_campaign(
        world.county_a,
        title="甲县“深入基层、服务群众”主题活动实施方案",
        document_number="甲妇发[2026]9号",
        start=start,
        end=today + datetime.timedelta(days=90),
        participating_kinds=["township"],
        status="active",
    )
    phases = [
        Phase.objects.create(
            campaign=campaign,
            order=1,
            name="走访调研、汇集民情",
            start_date=start,
            end_date=start + datetime.timedelta(days=59),
        ),
        Phase.objects.create(
            campaign=campaign,
            order=2,
            name="公开承诺、为民办事",
            start_date=start + datetime.timedelta(days=60),
            end_date=today + datetime.timedelta(days=30),
        ),
        Phase.objects.create(
            campaign=campaign,
            order=3,
            name="总结提高、完善机制",
            start_date=today + datetime.timedelta(days=31),
            end_date=campaign.end_date,
        ),
    ]
    steps = [
        ("召开动员会议", 0, 14),
        ("集中开展为民思想教育", 0, 40),
        ("明确办实事项目，建立台帐", 1, 75),
        ("落实推进措施", 1, 110),
        ("开展“三查三看”活动", 2, 150),
    ]
    for number, (name, phase, offset) in enumerate(steps, start=1):
        Milestone.objects.create(
            campaign=campaign,
            phase=phases[phase],
            number=number,
            name=name,
            due_date=start + datetime.timedelta(days=offset),
        )
    Requirement.objects.create(
        campaign=campaign,
        title="副处级以上干部至少联系1户困难群众",
        kind="pairings_per_cadre",
        params={"min": 1},
        scope="senior",
    )
    services.campaign_sync_assignments(campaign=campaign)
    rows = {
        (a.milestone.number, a.unit_id): a
        for a in MilestoneAssignment.objects.filter(milestone__campaign=campaign).select_related("milestone")
    }
    for (number, unit_id), row in rows.items():
        if number == 1:
            row.completed_on = row.milestone.due_date - datetime.timedelta(days=2)
        elif number == 2 and unit_id == world.town_a2.pk:
            row.completed_on = row.milestone.due_date + datetime.timedelta(days=5)
        else:
            continue
        row.save()
    return campaign


def test_a_leader_reads_the_timeline(world, running_plan, page, login, shot):
    login(page, "county_leader")
    page.goto(f"/campaigns/plans/{running_plan.pk}/")
    timeline = page.get_by_test_id("timeline")
    assert timeline.is_visible()
    box = timeline.bounding_box()
    assert box["width"] > 900  # spans the page, not a thumbnail
    assert page.locator(".mq-tl-phase").count() == 3
    assert page.locator(".mq-tl-step").count() == 5
    assert page.get_by_test_id("today-line").count() == 1
    # Step 2 (due 50 days ago) is still open for 甲一镇: drawn red.
    overdue = page.locator(".mq-tl-step[data-state=overdue] circle").first
    assert overdue.evaluate("c => getComputedStyle(c).fill") == "rgb(220, 53, 69)"
    matrix = page.get_by_test_id("completion-matrix").inner_text()
    assert "甲一镇" in matrix
    assert "甲二镇" in matrix
    assert "已逾期" in matrix
    assert page.get_by_test_id("requirements").is_visible()
    shot(page, "campaign-timeline-county-leader")


def test_a_township_records_a_step_with_evidence(world, running_plan, page, login, shot, tmp_path):
    row = MilestoneAssignment.objects.get(milestone__campaign=running_plan, milestone__number=2, unit=world.town_a1)
    evidence = tmp_path / "思想教育记录.pdf"
    evidence.write_bytes(PDF_BYTES)
    login(page, "town_staff")
    page.goto(f"/campaigns/plans/{running_plan.pk}/")
    page.get_by_test_id(f"cell-{row.pk}").click()
    form = page.get_by_test_id("completion-form")
    form.wait_for(state="visible")
    page.fill("input[name=completed_on]", dates.today().isoformat())
    page.fill("textarea[name=note]", "已组织集中学习")
    page.set_input_files("input[name=evidence]", str(evidence))
    shot(page, "campaign-completion-form", full_page=False)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    row.refresh_from_db()
    assert row.completed_on == dates.today()
    assert row.state() == "done_late"
    assert "已记录" in page.content()
    shot(page, "campaign-after-completion")
