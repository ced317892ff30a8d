"""Plan services: status moves, owed rows, cascading to units, date shifts, completions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.models import Campaign, MilestoneAssignment
from core.models import AuditEvent
from org.models import OrgUnit
from tests.factories import build_campaign, make_unit

from .plans import PDF_BYTES, make_plan

D = datetime.date


def test_a_campaign_moves_draft_to_active_to_closed_only(world):
    campaign = make_plan(world.city)
    services.campaign_set_status(campaign=campaign, status="active", actor=world.office_admin)
    with pytest.raises(ValidationError, match="只能 草稿→进行中→已结束"):
        services.campaign_set_status(campaign=campaign, status="draft", actor=world.office_admin)
    services.campaign_set_status(campaign=campaign, status="closed", actor=world.office_admin)
    with pytest.raises(ValidationError):
        services.campaign_set_status(campaign=campaign, status="active", actor=world.office_admin)
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert AuditEvent.objects.filter(action="campaigns.campaign_status").count() == 2


def test_the_database_refuses_an_unknown_status_and_a_running_template(world):
    from django.db import IntegrityError, transaction

    campaign = make_plan(world.city)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(status="paused")
    template = Campaign.objects.templates().first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=template.pk).update(status="active")


def test_a_template_cannot_be_activated(world):
    template = Campaign.objects.templates().first()
    with pytest.raises(ValidationError, match="模板"):
        services.campaign_set_status(campaign=template, status="active", actor=world.office_admin)


def test_every_participating_unit_owes_a_step_without_a_responsible_unit(world):
    campaign = make_plan(world.county_a, kinds=["township"])
    owed = set(
        MilestoneAssignment.objects.filter(milestone__number=1, milestone__campaign=campaign).values_list(
            "unit", flat=True
        )
    )
    assert owed == {world.town_a1.pk, world.town_a2.pk}


def test_a_step_with_a_responsible_unit_is_owed_by_that_unit_only(world):
    campaign = make_plan(world.county_a, kinds=["township"], responsible=world.town_a2)
    assert set(MilestoneAssignment.objects.filter(milestone__campaign=campaign).values_list("unit", flat=True)) == {
        world.town_a2.pk
    }


def test_chosen_participants_owe_the_steps(world):
    campaign = make_plan(world.city, kinds=["township"])
    campaign.participation = Campaign.Participation.CHOSEN
    campaign.save()
    campaign.participating_units.set([world.village_a1, world.town_b1])
    services.campaign_sync_assignments(campaign=campaign)
    owed = set(MilestoneAssignment.objects.filter(milestone__campaign=campaign).values_list("unit", flat=True))
    assert owed == {world.village_a1.pk, world.town_b1.pk}


def test_resyncing_keeps_completed_rows_and_drops_open_ones_no_longer_owed(world):
    campaign = make_plan(world.county_a, kinds=["township"])
    done = MilestoneAssignment.objects.get(milestone__campaign=campaign, milestone__number=1, unit=world.town_a1)
    done.completed_on = D(2026, 3, 5)
    done.save()
    campaign.participating_kinds = ["village"]
    campaign.save()
    result = services.campaign_sync_assignments(campaign=campaign)
    assert result["removed"] == 5  # 3 steps × 2 townships, minus the completed one
    assert MilestoneAssignment.objects.filter(pk=done.pk).exists()
    assert services.campaign_sync_assignments(campaign=campaign) == {"created": 0, "removed": 0}


def test_cascading_a_city_campaign_to_three_counties(world):
    county_c = make_unit(world.city, "CC", "丙县", OrgUnit.Kind.COUNTY)
    city_plan = make_plan(world.city, kinds=["county"], steps=4)
    counties = [world.county_a, world.county_b, county_c]
    children = services.campaign_cascade(campaign=city_plan, units=counties, actor=world.office_admin)

    assert len(children) == 3
    for child, county in zip(children, counties, strict=True):
        assert child.parent == city_plan
        assert child.issuing_unit == county
        assert child.status == "draft"
        assert child.phases.count() == 2
        assert child.milestones.count() == 4
        owed_by = set(MilestoneAssignment.objects.filter(milestone__campaign=child).values_list("unit", flat=True))
        assert owed_by == {county.pk}
        assert MilestoneAssignment.objects.filter(milestone__campaign=child).count() == 4
    # Cascading to a unit again is refused, naming its plan; nothing is created for the others either.
    extra = make_unit(world.city, "CD", "丁县", OrgUnit.Kind.COUNTY)
    with pytest.raises(ValidationError) as exc:
        services.campaign_cascade(campaign=city_plan, units=[extra, counties[0]], actor=world.office_admin)
    assert exc.value.messages == [f"“{counties[0].name}”已有实施方案“{city_plan.title}”，不能重复下发。"]
    assert not city_plan.children.filter(issuing_unit=extra).exists()
    assert AuditEvent.objects.filter(action="campaigns.campaign_cascade").count() == 3


def test_changing_a_countys_dates_does_not_change_the_citys(world):
    city_plan = make_plan(world.city, kinds=["county"])
    county_plan = services.campaign_cascade(campaign=city_plan, units=[world.county_a], actor=world.office_admin)[0]
    city_steps = list(city_plan.milestones.order_by("number").values_list("due_date", flat=True))
    city_phases = list(city_plan.phases.order_by("order").values_list("start_date", "end_date"))

    services.campaign_shift_dates(campaign=county_plan, start_date=D(2026, 3, 15), actor=world.office_admin)

    county_plan.refresh_from_db()
    city_plan.refresh_from_db()
    assert (county_plan.start_date, county_plan.end_date) == (D(2026, 3, 15), D(2026, 12, 14))
    assert list(county_plan.milestones.order_by("number").values_list("due_date", flat=True)) == [
        d + datetime.timedelta(days=14) for d in city_steps
    ]
    assert (city_plan.start_date, city_plan.end_date) == (D(2026, 3, 1), D(2026, 11, 30))
    assert list(city_plan.milestones.order_by("number").values_list("due_date", flat=True)) == city_steps
    assert list(city_plan.phases.order_by("order").values_list("start_date", "end_date")) == city_phases


def test_cascading_refuses_a_unit_that_is_not_below_the_issuer(world):
    county_plan = make_plan(world.county_a)
    with pytest.raises(ValidationError, match="不是"):
        services.campaign_cascade(campaign=county_plan, units=[world.town_b1], actor=world.office_admin)


def test_a_step_owed_by_a_unit_of_the_branch_stays_on_it_when_cascaded(world):
    city_plan = make_plan(world.city, kinds=["county"], responsible=world.town_a2)
    child_a, child_b = services.campaign_cascade(
        campaign=city_plan, units=[world.county_a, world.county_b], actor=world.office_admin
    )
    assert set(child_a.milestones.values_list("responsible_unit", flat=True)) == {world.town_a2.pk}
    assert set(child_b.milestones.values_list("responsible_unit", flat=True)) == {None}


@time_machine.travel(datetime.datetime(2026, 3, 25, 2, 0, tzinfo=datetime.UTC))
def test_completion_states_on_time_late_open_overdue(world):
    campaign = make_plan(world.county_a, kinds=["township"])  # steps due 3-11, 3-21, 3-31
    rows = {
        (a.milestone.number, a.unit_id): a
        for a in MilestoneAssignment.objects.filter(milestone__campaign=campaign).select_related("milestone")
    }
    on_time = services.milestone_record_completion(
        assignment=rows[(1, world.town_a1.pk)], completed_on=D(2026, 3, 11), actor=world.town_staff
    )
    late = services.milestone_record_completion(
        assignment=rows[(1, world.town_a2.pk)], completed_on=D(2026, 3, 12), actor=world.sibling_town_staff
    )
    assert on_time.state() == "done_on_time"
    assert late.state() == "done_late"
    assert rows[(2, world.town_a1.pk)].state() == "overdue"
    assert rows[(3, world.town_a1.pk)].state() == "open"
    assert AuditEvent.objects.filter(action="campaigns.milestone_complete").count() == 2


def test_deadlines_are_shanghai_calendar_days(world):
    campaign = make_plan(world.county_a, kinds=["township"])  # step 1 due 2026-03-11
    row = MilestoneAssignment.objects.get(milestone__campaign=campaign, milestone__number=1, unit=world.town_a1)
    # 2026-03-11 17:00 UTC is already 3-12 01:00 in Shanghai: the step is overdue there.
    with time_machine.travel(datetime.datetime(2026, 3, 11, 17, 0, tzinfo=datetime.UTC)):
        assert row.state() == "overdue"
    with time_machine.travel(datetime.datetime(2026, 3, 11, 15, 0, tzinfo=datetime.UTC)):
        assert row.state() == "open"


@time_machine.travel(datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC))
def test_a_completion_date_in_the_future_is_refused_in_chinese(world):
    campaign = make_plan(world.county_a, kinds=["township"])
    row = MilestoneAssignment.objects.filter(milestone__campaign=campaign).first()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.milestone_record_completion(assignment=row, completed_on=D(2026, 4, 2), actor=world.town_staff)


@time_machine.travel(datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC))
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("scan.pdf", b"MZ\x90\x00not a pdf", "文件内容与扩展名"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), "文件过大"),
    ],
)
def test_evidence_of_a_wrong_type_or_size_is_refused(world, name, content, message):
    campaign = make_plan(world.county_a, kinds=["township"])
    row = MilestoneAssignment.objects.filter(milestone__campaign=campaign).first()
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError, match=message):
        services.milestone_record_completion(
            assignment=row, completed_on=D(2026, 3, 20), evidence=upload, actor=world.town_staff
        )
    row.refresh_from_db()
    assert row.completed_on is None


@time_machine.travel(datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC))
def test_a_pdf_evidence_is_stored(world):
    campaign = make_plan(world.county_a, kinds=["township"])
    row = MilestoneAssignment.objects.filter(milestone__campaign=campaign).first()
    services.milestone_record_completion(
        assignment=row,
        completed_on=D(2026, 3, 20),
        note="已召开动员会",
        evidence=SimpleUploadedFile("动员会.pdf", PDF_BYTES),
        actor=world.town_staff,
    )
    row.refresh_from_db()
    assert row.evidence.read() == PDF_BYTES
    assert row.completed_by == world.town_staff


def test_activating_a_plan_with_overlapping_phases_is_refused(world):
    from django.db import transaction

    campaign = make_plan(world.county_a)
    # Stored overlaps are possible on SQLite only; PostgreSQL's deferred exclusion constraint
    # would refuse them at commit, so the savepoint is rolled back before that check.
    with transaction.atomic():
        second = campaign.phases.get(order=2)
        second.start_date = D(2026, 3, 20)
        second.save()
        with pytest.raises(ValidationError, match="时间重叠"):
            services.campaign_set_status(campaign=campaign, status="active", actor=world.office_admin)
        transaction.set_rollback(True)


@time_machine.travel(datetime.datetime(2026, 4, 1, 2, 0, tzinfo=datetime.UTC))
def test_a_closed_campaign_takes_no_more_completions(world):
    campaign = make_plan(world.county_a, kinds=["township"])
    services.campaign_set_status(campaign=campaign, status="active", actor=world.office_admin)
    services.campaign_set_status(campaign=campaign, status="closed", actor=world.office_admin)
    row = MilestoneAssignment.objects.filter(milestone__campaign=campaign).first()
    with pytest.raises(ValidationError, match="活动已结束"):
        services.milestone_record_completion(assignment=row, completed_on=D(2026, 3, 20), actor=world.town_staff)


def test_a_template_fills_an_empty_campaign_once(world):
    template = Campaign.objects.get(template_key="zoujin-qunzhong-2008")
    campaign = build_campaign(
        world.town_a1, title="走进群众", start=D(2026, 10, 20), end=D(2026, 11, 10), status=Campaign.Status.DRAFT
    )
    services.campaign_apply_template(campaign=campaign, template=template, actor=world.office_admin)
    assert list(campaign.milestones.order_by("number").values_list("due_date", flat=True)) == [
        D(2026, 10, 30),
        D(2026, 11, 6),
        D(2026, 11, 10),
    ]
    with pytest.raises(ValidationError, match="不能再套用"):
        services.campaign_apply_template(campaign=campaign, template=template, actor=world.office_admin)
