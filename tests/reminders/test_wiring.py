"""The owning services write reminder rows in their own transaction: no wait for beat, no broker."""

import datetime

import pytest
import time_machine

from campaigns import services as campaign_services
from campaigns.models import Milestone, MilestoneAssignment
from core.roles import LEADER
from org.models import Cadre
from pledges.services import pledge_amend, pledge_report_progress
from reminders.models import Delivery, Reminder
from tests.factories import build_campaign, make_person
from tests.pledges.helpers import make_pledge

from .helpers import at, deliver_now


@pytest.fixture
def town_leader(world):
    return make_person("town_leader", world.town_a1, LEADER, is_leader=True)


def _pending(key):
    return Reminder.objects.filter(subject_key=key, status=Reminder.Status.PENDING)


def test_an_approved_pledge_has_reminders_for_its_responsible_person_at_once(world, town_leader):
    person = Cadre.objects.get(user=world.town_staff)
    with time_machine.travel(at("2026-06-01"), tick=False):
        pledge = make_pledge(world, world.town_a1, responsible_person=person, deadline=datetime.date(2026, 6, 30))
    pending = _pending(f"ledgers.pledge:{pledge.pk}")
    assert pending.exists()
    assert set(pending.filter(offset_days__lte=0).values_list("recipient", flat=True)) == {world.town_staff.pk}
    assert "妇女之家修缮" in pending.first().title


def test_a_draft_pledge_reminds_nobody(world, town_leader):
    with time_machine.travel(at("2026-06-01"), tick=False):
        pledge = make_pledge(world, world.town_a1, state="draft")
    assert not Reminder.objects.filter(subject_key=f"ledgers.pledge:{pledge.pk}").exists()


def test_amending_a_pledge_deadline_moves_its_pending_reminders(world, town_leader):
    with time_machine.travel(at("2026-06-01"), tick=False):
        pledge = make_pledge(world, world.town_a1, deadline=datetime.date(2026, 6, 30))
        pledge_amend(pledge=pledge, user=world.superuser, field="deadline", new_value=datetime.date(2026, 7, 31),
                     reason="资金下达推迟")  # fmt: skip
    due_dates = set(_pending(f"ledgers.pledge:{pledge.pk}").values_list("due_date", flat=True))
    assert due_dates == {datetime.date(2026, 7, 31)}


def test_completing_a_pledge_cancels_its_reminders_before_they_go_out(world, town_leader):
    with time_machine.travel(at("2026-06-01"), tick=False):
        pledge = make_pledge(world, world.town_a1, deadline=datetime.date(2026, 6, 30))
        pledge_report_progress(pledge=pledge, user=world.superuser, reported_on=datetime.date(2026, 6, 1),
                               percent=100, note="活动室已开放")  # fmt: skip
    assert not _pending(f"ledgers.pledge:{pledge.pk}").exists()
    deliver_now(at("2026-06-30", 9))
    assert not Delivery.objects.exists()


def test_recording_a_step_completion_cancels_its_reminders_in_the_same_transaction(world, town_leader):
    campaign = build_campaign(
        world.county_a, title="县级方案", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 11, 30)
    )
    milestone = Milestone.objects.create(
        campaign=campaign, number=1, name="召开动员会议", due_date=datetime.date(2026, 5, 15)
    )
    assignment = MilestoneAssignment.objects.create(milestone=milestone, unit=world.town_a1)
    with time_machine.travel(at("2026-05-01"), tick=False):
        campaign_services.milestone_reopen(assignment=assignment, actor=world.superuser)
        assert _pending(f"campaigns.milestone_assignment:{assignment.pk}").exists()
        campaign_services.milestone_record_completion(
            assignment=assignment, completed_on=datetime.date(2026, 5, 1), actor=world.superuser
        )
    assert not _pending(f"campaigns.milestone_assignment:{assignment.pk}").exists()
