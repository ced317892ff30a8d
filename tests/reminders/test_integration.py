"""A real Redis and a real Celery worker process (not eager): delivered once, whatever happens.

Run with PostgreSQL and Redis, e.g.
DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i7 CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
  .venv/bin/python -m pytest tests/reminders/test_integration.py
The worker reads the test database, so the tests commit their data (transactional_db).
"""

import datetime
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from org.models import Cadre
from reminders import services
from reminders.models import ChannelPreference, Delivery, Reminder
from tests.celery_worker import WORKER_MARKS, start_worker, stop_worker, wait_for
from tests.factories import build_campaign

pytestmark = WORKER_MARKS


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """A real `celery -A config worker` (prefork, 2 processes) on Redis and the test database."""
    sms_log = tmp_path_factory.mktemp("sms") / "sms.log"
    proc = start_worker(
        sms_log.parent,
        env={
            "REMINDERS_SMS_BACKEND": "tests.reminders.sms_backends.FileSmsBackend",
            "REMINDERS_TEST_SMS_LOG": str(sms_log),
        },
    )
    proc.sms_log = sms_log
    yield proc
    stop_worker(proc)


_wait_for = wait_for


def _sms_lines(worker):
    return worker.sms_log.read_text().splitlines() if worker.sms_log.exists() else []


@pytest.fixture
def due(transactional_db, world, worker):
    """A campaign whose -1 day reminder to county_leader is due now; SMS on, no quiet hours."""
    worker.sms_log.unlink(missing_ok=True)
    Cadre.objects.filter(user=world.county_leader).update(phone="13900002222")
    ChannelPreference.objects.create(
        user=world.county_leader, sms=True, quiet_start=datetime.time(0, 0), quiet_end=datetime.time(0, 0)
    )
    campaign = build_campaign(
        world.county_a,
        title="集成测试方案",
        start=timezone.localdate() - datetime.timedelta(days=30),
        end=timezone.localdate() + datetime.timedelta(days=1),
    )
    services.reminders_sync_for(campaign)
    reminder = Reminder.objects.get(offset_days=-1)
    # The sync put it at 08:00 local today; the worker runs on the real clock, so make it due now.
    Reminder.objects.filter(pk=reminder.pk).update(send_at=timezone.now() - datetime.timedelta(minutes=1))
    return reminder


def _delivered(reminder):
    return lambda: Reminder.objects.get(pk=reminder.pk).status == Reminder.Status.SENT


def test_a_due_reminder_is_delivered_once_by_the_worker(due, worker):
    from reminders.tasks import dispatch_due

    dispatch_due.delay()
    _wait_for(_delivered(due), worker)
    time.sleep(1.5)
    assert Delivery.objects.filter(reminder=due, channel="inapp", status="sent").count() == 1
    assert Delivery.objects.get(reminder=due, channel="sms").status == Delivery.Status.SENT
    assert len(_sms_lines(worker)) == 1


def test_beat_fired_twice_still_delivers_once(due, worker):
    from reminders.tasks import dispatch_due

    for _ in range(3):  # two beats plus a dispatcher run by hand, concurrently on 2 worker processes
        dispatch_due.delay()
    services.reminders_dispatch_due()
    _wait_for(_delivered(due), worker)
    time.sleep(2)
    assert Delivery.objects.filter(reminder=due).count() == 2  # in-app + SMS
    assert len(_sms_lines(worker)) == 1


def test_a_worker_killed_between_send_and_mark_does_not_send_again(due, worker):
    crash = worker.sms_log.with_name(worker.sms_log.name + ".crash")
    crash.touch()
    services.reminders_dispatch_due()
    # The pool process dies after the SMS went out; acks_late + reject_on_worker_lost put the
    # message back on the queue and another process runs the batch again.
    _wait_for(_delivered(due), worker, timeout=60)
    time.sleep(2)
    assert not crash.exists(), "the backend did not crash: the test did not test anything"
    assert len(_sms_lines(worker)) == 1
    assert Delivery.objects.filter(reminder=due, channel="inapp").count() == 1
    sms = Delivery.objects.get(reminder=due, channel="sms")
    assert sms.status == Delivery.Status.SENDING  # claimed, never re-sent
    # Later, the sweep marks it "unknown" for the office; it is still never re-sent.
    services.reminders_recover_stale(now=timezone.now() + datetime.timedelta(hours=1))
    sms.refresh_from_db()
    assert sms.status == Delivery.Status.UNKNOWN
    assert "WorkerLostError" in worker.worker_log.read_text() or "exited" in worker.worker_log.read_text()


def test_a_save_succeeds_while_the_broker_is_down_and_is_delivered_when_it_returns(due, worker, client, monkeypatch):
    from config.celery import app

    # "Broker stopped": the app points at a closed port (Celery reads CELERY_BROKER_URL first).
    closed = "redis://127.0.0.1:1/7"
    good = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    app.conf.broker_url = closed
    try:
        with override_settings(CELERY_BROKER_URL=closed):
            # A save through a service: the reminder rows are written in the same transaction.
            with transaction.atomic():
                campaign = Campaign.objects.get(pk=due.object_id)
                campaign.end_date = campaign.end_date + datetime.timedelta(days=1)
                campaign.save()
                services.reminders_sync_for(campaign)
            assert client.get(reverse("healthz")).json()["broker"] == "degraded"
            reminder = Reminder.objects.get(offset_days=-1, status=Reminder.Status.PENDING)
            Reminder.objects.filter(pk=reminder.pk).update(send_at=timezone.now() - datetime.timedelta(minutes=1))
            down = services.reminders_dispatch_due()
            assert down.broker_error
            assert down.claimed == 0
            assert Reminder.objects.get(pk=reminder.pk).status == Reminder.Status.PENDING
    finally:
        monkeypatch.setenv("CELERY_BROKER_URL", good)
        app.conf.broker_url = good
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
    back = services.reminders_dispatch_due()
    assert back.claimed == 1
    _wait_for(_delivered(reminder), worker)
    time.sleep(1)
    assert Delivery.objects.filter(reminder=reminder).count() == 2
    assert len(_sms_lines(worker)) == 1
