"""Each registered deadline kind, with frozen time: every offset, completion cancels, overdue escalates."""

import datetime

import pytest
import time_machine

from campaigns import services as campaign_services
from campaigns.models import Campaign, Milestone, MilestoneAssignment
from core.roles import LEADER
from evaluations.models import Report
from reminders import services
from reminders.models import Delivery, Reminder
from reminders.registry import all_kinds
from tests.factories import make_person

from .helpers import at, deliver_now

DUE = datetime.date(2026, 5, 15)


@pytest.fixture
def leaders(world):
    """A leader for village A1 and one for township A1 (the village leader's leader)."""
    return {
        "village": make_person("village_leader", world.village_a1, LEADER, is_leader=True),
        "town": make_person("town_leader", world.town_a1, LEADER, is_leader=True),
    }


@pytest.fixture
def assignment(world, running):
    milestone = Milestone.objects.create(
        campaign=running, number=4, name="建立办实事台帐", deliverable="办实事台帐", due_date=DUE
    )
    return MilestoneAssignment.objects.create(milestone=milestone, unit=world.village_a1)


@pytest.fixture
def report(world, running):
    return Report.objects.create(campaign=running, unit=world.village_a1, title="两个月工作汇报", due_date=DUE)


ITEMS = ["assignment", "report"]
KIND = {"assignment": "campaigns.milestone_assignment", "report": "evaluations.report"}


def test_the_built_in_kinds_are_registered():
    keys = {kind.key for kind in all_kinds()}
    assert {"campaigns.campaign_end", "campaigns.milestone_assignment", "evaluations.report"} <= keys


@pytest.mark.parametrize("item_name", ITEMS)
@pytest.mark.parametrize(
    ("offset", "day", "to"),
    [
        (-7, "2026-05-08", "village"),
        (-1, "2026-05-14", "village"),
        (0, "2026-05-15", "village"),
        (1, "2026-05-16", "town"),
    ],
)
def test_each_offset_reaches_its_recipient_on_its_day(request, leaders, item_name, offset, day, to):
    item = request.getfixturevalue(item_name)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key=KIND[item_name])
    reminder = Reminder.objects.get(subject_key=f"{KIND[item_name]}:{item.pk}", offset_days=offset)
    assert reminder.recipient == leaders[to]
    assert reminder.is_escalation == (offset > 0)
    deliver_now(at(day, 7, 59))
    assert not Delivery.objects.filter(reminder=reminder).exists()
    deliver_now(at(day, 8))
    assert Delivery.objects.filter(reminder=reminder, recipient=leaders[to], channel="inapp").count() == 1


def test_the_reminder_names_the_step_and_its_deliverable(leaders, assignment):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(assignment)
    reminder = Reminder.objects.get(offset_days=-7)
    assert "4. 建立办实事台帐" in reminder.title
    assert "办实事台帐" in reminder.title
    assert reminder.url == f"/campaigns/plans/{assignment.milestone.campaign_id}/"
    assert reminder.unit_id == assignment.unit_id


def test_recording_a_step_completion_cancels_its_reminders(world, leaders, assignment):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(assignment)
    with time_machine.travel(at("2026-05-10", 10), tick=False):
        campaign_services.milestone_record_completion(
            assignment=assignment, completed_on=datetime.date(2026, 5, 10), actor=world.office_admin
        )
        services.reminders_sync_for(assignment)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
    for day in ("2026-05-14", "2026-05-15", "2026-05-16"):
        deliver_now(at(day, 9))
    assert not Delivery.objects.exists()


def test_a_completion_recorded_without_a_sync_is_caught_at_send_time(world, leaders, assignment):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(assignment)
    MilestoneAssignment.objects.filter(pk=assignment.pk).update(completed_on=datetime.date(2026, 5, 12))
    deliver_now(at("2026-05-16", 9))
    assert Delivery.objects.filter(reminder__offset_days__gte=-1).count() == 0


def test_submitting_a_report_cancels_its_reminders(leaders, report):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(report)
        Report.objects.filter(pk=report.pk).update(submitted_on=datetime.date(2026, 5, 2))
        result = services.reminders_sync_for(report)
    assert result.cancelled == 4


def test_a_closed_campaign_stops_the_reminders_of_its_steps(leaders, assignment, running):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.milestone_assignment")
        Campaign.objects.filter(pk=running.pk).update(status=Campaign.Status.CLOSED)
        result = services.reminders_sync_kind(kind_key="campaigns.milestone_assignment")
    assert result.cancelled == 4


def test_a_unit_without_a_leader_is_reminded_through_its_cadres_and_escalates_upward(world, assignment):
    town_leader = make_person("town_leader", world.town_a1, LEADER, is_leader=True)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(assignment)
    assert set(Reminder.objects.filter(offset_days=-7).values_list("recipient", flat=True)) == {world.village_cadre.pk}
    assert Reminder.objects.get(offset_days=1).recipient == town_leader


def test_the_digest_counts_overdue_steps_in_the_leaders_subtree(world, leaders, assignment, report):
    now = at("2026-05-20", 7, 30)
    services.reminders_create_digests(now=now)
    digest = Reminder.objects.get(kind=Reminder.DIGEST_KIND, recipient=world.county_leader)
    assert "逾期 2 项" in digest.title
    assert "建立办实事台帐" in digest.body
    assert "两个月工作汇报" in digest.body
    assert not Reminder.objects.filter(kind=Reminder.DIGEST_KIND, recipient=world.sibling_town_staff).exists()


@pytest.fixture
def short_quota(world, running):
    from campaigns.models import Requirement

    Campaign.objects.filter(pk=running.pk).update(end_date=datetime.date(2026, 5, 31))
    return Requirement.objects.create(
        campaign=running, title="每两个月上报一次", kind="reports_every", params={"interval_months": 2}, period="month",
        scope="unit",
    )  # fmt: skip


def test_a_quota_short_near_the_campaign_end_reminds_then_escalates(world, short_quota):
    city_leader = make_person("city_leader", world.city, LEADER, is_leader=True)
    with time_machine.travel(at("2026-05-01"), tick=False):  # more than 14 days ahead: not evaluated yet
        services.reminders_sync_kind(kind_key="campaigns.requirement_shortfall")
    assert not Reminder.objects.exists()
    with time_machine.travel(at("2026-05-20"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.requirement_shortfall")
    # -14 (05-17) had passed. The issuer's leader hears of the quota as a whole, and every short
    # participating unit (no report filed) through its own people; -3 escalates to their leaders.
    first = set(Reminder.objects.filter(offset_days=-7).values_list("recipient", flat=True))
    assert first == {world.county_leader.pk, world.town_staff.pk, world.sibling_town_staff.pk, world.village_cadre.pk}
    escalated = {r.recipient_id: r for r in Reminder.objects.filter(offset_days=-3)}
    assert set(escalated) == {city_leader.pk, world.county_leader.pk}
    assert "county_leader" in escalated[city_leader.pk].title
    assert "town_staff" in escalated[world.county_leader.pk].title
    assert "village_cadre" in escalated[world.county_leader.pk].title
    assert Reminder.objects.filter(offset_days=-3).values("subject_key").distinct().count() == 1
    assert "尚未达标" in Reminder.objects.get(offset_days=-7, recipient=world.county_leader).title
    village_reminder = Reminder.objects.get(offset_days=-7, recipient=world.village_cadre)
    assert "甲一村" in village_reminder.title
    assert village_reminder.unit_id == world.village_a1.pk
    with time_machine.travel(at("2026-05-24", 9), tick=False):
        deliver_now(at("2026-05-24", 9))
    assert Delivery.objects.filter(recipient=world.county_leader).count() == 1
    assert Delivery.objects.filter(recipient=world.village_cadre).count() == 1


def test_a_unit_that_files_its_reports_is_no_longer_reminded(world, short_quota, running):
    with time_machine.travel(at("2026-05-20"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.requirement_shortfall")
        Report.objects.create(
            campaign=running, unit=world.village_a1, title="汇报", due_date=datetime.date(2026, 4, 30),
            submitted_on=datetime.date(2026, 4, 29),
        )  # fmt: skip
    with time_machine.travel(at("2026-05-24", 9), tick=False):
        deliver_now(at("2026-05-24", 9))
    assert Reminder.objects.get(recipient=world.village_cadre).status == Reminder.Status.CANCELLED
    assert Delivery.objects.filter(recipient=world.town_staff).count() == 1  # still short
    assert not Delivery.objects.filter(recipient=world.village_cadre).exists()


def test_a_quota_met_before_the_reminder_goes_out_cancels_it(world, short_quota, running):
    from campaigns.selectors import campaign_participants

    with time_machine.travel(at("2026-05-20"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.requirement_shortfall")
        for unit in campaign_participants(running):
            Report.objects.create(
                campaign=running, unit=unit, title="汇报", due_date=datetime.date(2026, 4, 30),
                submitted_on=datetime.date(2026, 4, 29),
            )  # fmt: skip
    with time_machine.travel(at("2026-05-24", 9), tick=False):
        deliver_now(at("2026-05-24", 9))
    assert not Delivery.objects.exists()
    assert set(Reminder.objects.filter(offset_days=-7).values_list("status", flat=True)) == {Reminder.Status.CANCELLED}


@pytest.fixture
def demand(world):
    from ledgers.models import Demand, DemandCategory
    from org.models import Cadre

    category, _ = DemandCategory.objects.get_or_create(code="land", defaults={"name": "土地征用"})
    return Demand.objects.create(
        unit=world.village_a1,
        category=category,
        title="村口道路积水",
        received_on=datetime.date(2026, 4, 20),
        status=Demand.Status.ON_LEDGER,
        tier=Demand.Tier.VILLAGE,
        deadline=DUE,
        responsible_unit=world.village_a1,
        responsible_person=Cadre.objects.get(user=world.village_cadre),
    )


@pytest.mark.parametrize(
    ("offset", "day", "to"),
    [(-3, "2026-05-12", "cadre"), (-1, "2026-05-14", "cadre"), (0, "2026-05-15", "cadre"), (1, "2026-05-16", "town")],
)
def test_each_offset_of_a_demand_on_the_ledger_reaches_its_owner(world, leaders, demand, offset, day, to):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="ledgers.demand")
    reminder = Reminder.objects.get(subject_key=f"ledgers.demand:{demand.pk}", offset_days=offset)
    # The named responsible person, not the village's leader; overdue goes to *their* leader.
    expected = world.village_cadre if to == "cadre" else leaders["village"]
    assert reminder.recipient == expected
    assert "村口道路积水" in reminder.title
    assert reminder.url == demand.get_absolute_url()
    deliver_now(at(day, 8))
    assert Delivery.objects.filter(reminder=reminder, recipient=expected).count() == 1


def test_resolving_a_demand_cancels_its_reminders(world, leaders, demand):
    from ledgers.demand_flow import demand_resolve

    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(demand)
    with time_machine.travel(at("2026-05-10", 10), tick=False):
        demand_resolve(demand=demand, actor=world.superuser, resolution="已疏通排水沟")
    # The resolving service cancels the pending reminders itself, in its own transaction.
    assert set(Reminder.objects.filter(subject_key=f"ledgers.demand:{demand.pk}").values_list("status", flat=True)) == {
        Reminder.Status.CANCELLED
    }
    deliver_now(at("2026-05-16", 9))
    assert not Delivery.objects.exists()


@pytest.fixture
def forum(world):
    from outreach.models import Forum

    return Forum.objects.create(village=world.village_a1, held_at=at("2026-05-20", 15), place="村委会")


@pytest.mark.parametrize(
    ("offset", "day", "to"), [(-2, "2026-05-13", "village"), (0, "2026-05-15", "village"), (1, "2026-05-16", "town")]
)
def test_each_offset_of_a_forum_notice_five_days_ahead(leaders, forum, offset, day, to):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="outreach.forum_notice")
    reminder = Reminder.objects.get(subject_key=f"outreach.forum_notice:{forum.pk}", offset_days=offset)
    assert reminder.due_date == DUE  # held 05-20, notice due 05-15
    assert reminder.recipient == leaders[to]
    deliver_now(at(day, 8))
    assert Delivery.objects.filter(reminder=reminder).count() == 1


def test_posting_the_forum_notice_cancels_its_reminders(leaders, forum):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(forum)
        forum.notice_posted_on = datetime.date(2026, 5, 2)
        forum.save()
        assert services.reminders_sync_for(forum).cancelled == 3
