"""The engine with frozen time: sync, offsets, cancellation, escalation, exactly once, retries, digest."""

import datetime

import pytest
import time_machine
from django.core import mail

from campaigns.models import Campaign, Milestone, MilestoneAssignment
from core.roles import LEADER
from reminders import services
from reminders.channels import TransientChannelError
from reminders.models import ChannelPreference, Delivery, Reminder, ReminderRule
from reminders.registry import escalation_targets
from tests.factories import build_campaign, make_person

from .helpers import at, deliver_now

END = datetime.date(2026, 5, 31)


def inbox_titles(user):
    return list(
        Delivery.objects.filter(recipient=user, channel="inapp")
        .order_by("id")
        .values_list("reminder__title", flat=True)
    )


@pytest.mark.parametrize(
    ("offset", "day"),
    [(-7, "2026-05-24"), (-1, "2026-05-30"), (0, "2026-05-31")],
)
def test_each_offset_of_the_campaign_end_is_delivered_on_its_day_at_send_time(world, campaign, offset, day):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.campaign_end")
    reminder = Reminder.objects.get(recipient=world.county_leader, offset_days=offset)
    assert reminder.send_at == at(day, 8)
    # The evening before: nothing yet. At 08:00 that day: delivered.
    before = at(day, 7, 59)
    deliver_now(before)
    assert not Delivery.objects.filter(reminder=reminder).exists()
    deliver_now(at(day, 8, 0))
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert Delivery.objects.filter(reminder=reminder, channel="inapp", status="sent").count() == 1


def test_sync_creates_one_reminder_per_offset_for_the_responsible_leaders(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.campaign_end")
        services.reminders_sync_kind(kind_key="campaigns.campaign_end")
    rows = Reminder.objects.filter(subject_key=f"campaigns.campaign_end:{campaign.pk}")
    assert sorted(rows.values_list("offset_days", flat=True)) == [-7, -1, 0]
    assert set(rows.values_list("recipient", flat=True)) == {world.county_leader.pk}
    assert all(r.unit_id == world.county_a.pk for r in rows)


def test_stages_already_past_when_the_deadline_appears_are_not_sent_late(world, campaign):
    with time_machine.travel(at("2026-05-30", 12), tick=False):
        services.reminders_sync_for(campaign)
    offsets = set(Reminder.objects.filter(recipient=world.county_leader).values_list("offset_days", flat=True))
    assert offsets == {-1, 0}


def test_completing_the_item_cancels_its_pending_reminders(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
        campaign.status = Campaign.Status.CLOSED
        campaign.save()
        result = services.reminders_sync_for(campaign)
    assert result.cancelled == 3
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
    deliver_now(at("2026-06-01"))
    assert not Delivery.objects.exists()


def test_an_item_completed_after_the_last_sync_is_cancelled_at_send_time(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.campaign_end")
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)  # no sync called
    deliver_now(at("2026-05-24", 9))
    assert not Delivery.objects.exists()
    assert Reminder.objects.get(offset_days=-7).status == Reminder.Status.CANCELLED


def test_the_beat_sync_cancels_reminders_of_items_completed_elsewhere(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_kind(kind_key="campaigns.campaign_end")
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
        result = services.reminders_sync_kind(kind_key="campaigns.campaign_end")
    assert result.cancelled == 3


def test_a_moved_deadline_moves_the_pending_reminders(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
        first_ids = set(Reminder.objects.values_list("pk", flat=True))
        campaign.end_date = datetime.date(2026, 6, 30)
        campaign.save()
        services.reminders_sync_for(campaign)
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    assert set(pending.values_list("due_date", flat=True)) == {datetime.date(2026, 6, 30)}
    assert set(pending.values_list("pk", flat=True)) == first_ids  # updated in place, not duplicated
    assert pending.get(offset_days=-7).send_at == at("2026-06-23", 8)


def test_a_deadline_moved_without_a_sync_is_rescheduled_at_send_time(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(end_date=datetime.date(2026, 6, 30))
    deliver_now(at("2026-05-24", 9))
    assert not Delivery.objects.exists()
    assert Reminder.objects.get(status=Reminder.Status.PENDING, offset_days=-7).send_at == at("2026-06-23", 8)


def test_reopening_an_item_restores_its_cancelled_reminders(world, campaign):
    # A closed campaign can no longer be reopened (the database refuses it), so the item that
    # is done and then reopened here is a step owed by county A.
    milestone = Milestone.objects.create(campaign=campaign, number=1, name="召开动员会议", due_date=END)
    item = MilestoneAssignment.objects.create(milestone=milestone, unit=world.county_a)
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(item)
        before = set(pending.values_list("pk", flat=True))
        MilestoneAssignment.objects.filter(pk=item.pk).update(completed_on=datetime.date(2026, 5, 1))
        services.reminders_sync_for(item)
        assert not pending.exists()
        MilestoneAssignment.objects.filter(pk=item.pk).update(completed_on=None)
        services.reminders_sync_for(item)
    assert before
    assert set(pending.values_list("pk", flat=True)) == before


def test_overdue_escalates_to_the_leader_of_the_nearest_ancestor_unit(world, campaign):
    city_leader = make_person("city_leader", world.city, LEADER, is_leader=True)
    ReminderRule.objects.create(kind="campaigns.campaign_end", offset_days=1, escalate=True)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    escalation = Reminder.objects.get(offset_days=1)
    assert escalation.recipient == city_leader
    assert escalation.is_escalation
    assert "county_leader" in escalation.title  # names the responsible person
    deliver_now(at("2026-06-01", 8))
    assert inbox_titles(city_leader) == [escalation.title]


def test_escalation_goes_to_a_leader_of_the_same_unit_first(world):
    from org.models import Cadre

    town_leader = make_person("town_leader", world.town_a1, LEADER, is_leader=True)
    staff = Cadre.objects.get(user=world.town_staff)
    village = Cadre.objects.get(user=world.village_cadre)  # village A1 has no leader: township's
    leader = Cadre.objects.get(user=town_leader)
    targets = escalation_targets([staff, village, leader])
    assert targets[staff.pk] == [leader]
    assert targets[village.pk] == [leader]
    assert [c.user for c in targets[leader.pk]] == [world.county_leader]  # a leader's leader is above


def test_dispatching_twice_and_sending_a_batch_twice_delivers_once(world, campaign):
    world.county_leader.email = "leader@example.org"
    world.county_leader.save()
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    sent_batches = []
    services.reminders_dispatch_due(now=at("2026-05-24", 9), publish=sent_batches.extend)
    second = services.reminders_dispatch_due(now=at("2026-05-24", 9), publish=sent_batches.extend)
    assert second.claimed == 0
    assert len(sent_batches) == 1
    for _ in range(2):  # the broker redelivers the same message, or a task retries
        services.reminders_send_batch(reminder_ids=sent_batches[0], now=at("2026-05-24", 9))
    assert Delivery.objects.filter(channel="inapp").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leader@example.org"]


def test_a_requeued_reminder_after_a_dead_worker_is_not_sent_twice(world, campaign):
    world.county_leader.email = "leader@example.org"
    world.county_leader.save()
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    batches = []
    services.reminders_dispatch_due(now=at("2026-05-24", 9), publish=batches.extend)
    services.reminders_send_batch(reminder_ids=batches[0], now=at("2026-05-24", 9))
    # The worker died before marking the reminder sent: it is still "queued" ...
    Reminder.objects.filter(pk__in=batches[0]).update(status=Reminder.Status.QUEUED, queued_at=at("2026-05-24", 9))
    # ... so a later dispatcher hands it out again; its deliveries are already there.
    deliver_now(at("2026-05-24", 10))
    assert Delivery.objects.count() == 2  # one in-app, one e-mail
    assert len(mail.outbox) == 1


def test_a_delivery_left_sending_by_a_dead_worker_is_never_resent_and_shows_as_unknown(world, campaign):
    ChannelPreference.objects.create(user=world.county_leader, sms=True)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    reminder = Reminder.objects.get(offset_days=-7)
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.QUEUED, queued_at=at("2026-05-24", 8))
    # Claimed, maybe sent, then the process died: no "sent" mark.
    Delivery.objects.create(
        reminder=reminder,
        recipient=world.county_leader,
        channel="sms",
        status="sending",
        started_at=at("2026-05-24", 8),
    )
    sms = []
    with _sms_backend(lambda **kw: sms.append(kw)):
        deliver_now(at("2026-05-24", 9))
    assert sms == []
    assert Delivery.objects.get(channel="sms").status == Delivery.Status.UNKNOWN


class _sms_backend:  # noqa: N801  (a context manager used like a function)
    def __init__(self, send):
        self.send = send

    def __enter__(self):
        from django.test import override_settings

        _FakeSms.send_fn = staticmethod(self.send)
        self.override = override_settings(REMINDERS_SMS_BACKEND="tests.reminders.test_engine._FakeSms")
        self.override.enable()

    def __exit__(self, *exc):
        self.override.disable()


class _FakeSms:
    send_fn = None

    def send(self, *, phone, text, idempotency_key):
        return type(self).send_fn(phone=phone, text=text, idempotency_key=idempotency_key)


def _flaky(times):
    calls = []

    def send(**kw):
        calls.append(kw)
        if len(calls) <= times:
            raise TransientChannelError("provider timeout")

    return send, calls


def _sms_setup(world, campaign):
    from org.models import Cadre

    Cadre.objects.filter(user=world.county_leader).update(phone="13900001111")
    ChannelPreference.objects.create(user=world.county_leader, sms=True, quiet_start="22:00", quiet_end="07:00")
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)


def test_a_transient_sms_error_is_retried_with_backoff_then_delivered_once(world, campaign, settings):
    settings.REMINDERS_RETRY_BACKOFF = 60
    _sms_setup(world, campaign)
    send, calls = _flaky(2)
    with _sms_backend(send):
        deliver_now(at("2026-05-24", 8))  # attempt 1 fails
        reminder = Reminder.objects.get(offset_days=-7)
        assert reminder.status == Reminder.Status.PENDING
        assert reminder.send_at == at("2026-05-24", 8, 1)
        deliver_now(at("2026-05-24", 8, 1))  # attempt 2 fails, next in 2 minutes
        deliver_now(at("2026-05-24", 8, 2))  # too early: nothing
        assert len(calls) == 2
        deliver_now(at("2026-05-24", 8, 3))  # attempt 3 succeeds
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts, len(calls)) == (Delivery.Status.SENT, 3, 3)
    assert Delivery.objects.filter(channel="inapp").count() == 1  # the inbox copy was not repeated
    assert calls[0]["idempotency_key"] == f"minqing-delivery-{delivery.pk}"


def test_after_the_last_retry_the_delivery_is_marked_failed(world, campaign, settings):
    settings.REMINDERS_MAX_ATTEMPTS = 3
    _sms_setup(world, campaign)
    send, calls = _flaky(99)
    with _sms_backend(send):
        for minute in range(0, 60):
            deliver_now(at("2026-05-24", 8, minute))
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts, len(calls)) == (Delivery.Status.FAILED, 3, 3)
    assert "provider timeout" in delivery.last_error
    assert Reminder.objects.get(offset_days=-7).status == Reminder.Status.SENT


def test_sms_in_quiet_hours_is_deferred_not_dropped(world, campaign, settings):
    settings.REMINDERS_SEND_TIME = "06:00"
    _sms_setup(world, campaign)
    sent = []
    with _sms_backend(lambda **kw: sent.append(kw)):
        deliver_now(at("2026-05-24", 6))
        assert sent == []
        assert Delivery.objects.filter(channel="inapp").count() == 1  # the inbox is not held back
        assert Reminder.objects.get(offset_days=-7).send_at == at("2026-05-24", 7)
        deliver_now(at("2026-05-24", 7))
    assert len(sent) == 1
    assert sent[0]["phone"] == "13900001111"


def test_channels_follow_the_users_preferences(world, campaign):
    world.county_leader.email = "leader@example.org"
    world.county_leader.save()
    ChannelPreference.objects.create(user=world.county_leader, inapp=False, email=False, sms=False)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    deliver_now(at("2026-05-24", 9))
    assert not Delivery.objects.exists()
    assert mail.outbox == []
    assert Reminder.objects.get(offset_days=-7).status == Reminder.Status.SENT


def test_dispatch_publishes_bounded_batches_of_ids(world, campaign, settings):
    settings.REMINDERS_BATCH_SIZE = 2
    from tests.factories import make_person as person

    for i in range(4):
        person(f"extra_leader{i}", world.county_a, LEADER, is_leader=True)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    batches = []
    result = services.reminders_dispatch_due(now=at("2026-05-24", 9), publish=batches.extend)
    assert result.claimed == 5
    assert [len(b) for b in batches] == [2, 2, 1]


def test_a_broker_failure_releases_the_claims_for_the_next_run(world, campaign):
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)

    def down(batches):
        raise ConnectionRefusedError("broker down")

    result = services.reminders_dispatch_due(now=at("2026-05-24", 9), publish=down)
    assert "broker down" in result.broker_error
    assert Reminder.objects.get(offset_days=-7).status == Reminder.Status.PENDING
    deliver_now(at("2026-05-24", 9, 1))
    assert Delivery.objects.count() == 1


def test_the_dispatch_task_publishes_to_the_broker_without_failing(world, campaign):
    from reminders.tasks import dispatch_due

    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    with time_machine.travel(at("2026-05-24", 9), tick=False):
        outcome = dispatch_due.apply().get()
    assert outcome == {"claimed": 1, "batches": 1, "broker_error": ""}
    assert Reminder.objects.get(offset_days=-7).status == Reminder.Status.QUEUED


def test_the_daily_digest_sums_up_due_and_overdue_items_of_the_subtree_once(world, campaign):
    city_leader = make_person("city_leader", world.city, LEADER, is_leader=True)
    town_leader = make_person("town_leader", world.town_a1, LEADER, is_leader=True)
    build_campaign(world.town_a1, title="过期方案", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 20))
    build_campaign(world.county_b, title="乙县方案", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 26))
    now = at("2026-05-25", 7, 30)
    assert services.reminders_create_digests(now=now) == 3
    assert services.reminders_create_digests(now=now) == 0  # beat fired twice: no new rows
    digests = {r.recipient: r for r in Reminder.objects.filter(kind=Reminder.DIGEST_KIND)}
    assert set(digests) == {city_leader, town_leader, world.county_leader}
    assert "逾期 1 项" in digests[city_leader].title
    assert "到期 2 项" in digests[city_leader].title
    assert "逾期 1 项" in digests[town_leader].title
    assert "到期 0 项" in digests[town_leader].title
    assert "过期方案" in digests[town_leader].body
    assert "乙县方案" not in digests[town_leader].body
    deliver_now(now)
    assert Delivery.objects.filter(recipient=city_leader, channel="inapp").count() == 1


def test_a_leader_can_opt_out_of_the_digest(world, campaign):
    ChannelPreference.objects.create(user=world.county_leader, digest=False)
    assert services.reminders_create_digests(now=at("2026-05-25", 7, 30)) == 0


def test_a_named_responsible_person_is_reminded_instead_of_the_units_leaders(world):
    import types

    from org.models import Cadre
    from reminders.registry import person_or_unit_leaders

    town_leader = Cadre.objects.get(user=make_person("town_leader", world.town_a1, LEADER, is_leader=True))
    staff = Cadre.objects.get(user=world.town_staff)
    named = types.SimpleNamespace(pk=1, person=staff, unit=world.town_a1)
    unnamed = types.SimpleNamespace(pk=2, person=None, unit=world.town_a1)
    responsible = person_or_unit_leaders("person", "unit")([named, unnamed])
    assert responsible == {1: [staff], 2: [town_leader]}
    assert escalation_targets([staff])[staff.pk] == [town_leader]
