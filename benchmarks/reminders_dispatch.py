"""Dispatch of 100,000 due reminders with a real Celery worker and Redis, on PostgreSQL.

    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i7 CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
      .venv/bin/python benchmarks/reminders_dispatch.py --recipients 20000 --stages 5

A city-wide deadline: one campaign end date owed to 20,000 recipients, 5 stages each, all due
now. Measures (1) the dispatcher alone: claim every row (SKIP LOCKED) and publish the ids in
batches of REMINDERS_BATCH_SIZE; (2) end to end: until the worker (2 prefork processes) has
written every in-app delivery and marked every reminder sent. Cleans up after itself.
"""

import argparse
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core import dates

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from org.models import OrgUnit  # noqa: E402
from reminders import services  # noqa: E402
from reminders.models import Delivery, Reminder  # noqa: E402

PREFIX = "bench_rem_"
UNUSABLE = "!"  # noqa: S105  (Django's unusable-password marker: these users cannot log in)


def start_worker(concurrency):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    log = open("/tmp/reminders_bench_worker.log", "w")  # noqa: SIM115, S108
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", f"--concurrency={concurrency}",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    time.sleep(6)  # the worker logs nothing at WARNING when ready; give it time to boot
    if proc.poll() is not None:
        sys.exit(Path("/tmp/reminders_bench_worker.log").read_text())  # noqa: S108
    return proc


def cleanup():
    User = get_user_model()
    users = User.objects.filter(username__startswith=PREFIX)
    Delivery.objects.filter(recipient__in=users)._raw_delete(connection.alias)
    Reminder.objects.filter(recipient__in=users)._raw_delete(connection.alias)
    users._raw_delete(connection.alias)
    Campaign.objects.filter(title__startswith=PREFIX).delete()
    with connection.cursor() as cursor:  # repeated runs start from the same clean tables
        cursor.execute("VACUUM ANALYZE reminders_reminder, reminders_delivery")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=20000)
    parser.add_argument("--stages", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--worker-after", action="store_true", help="start the worker after the dispatch (time the dispatcher alone)"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis://"):
        sys.exit("run it on PostgreSQL and Redis (DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://...)")
    from config.celery import app

    app.control.purge()
    cleanup()
    unit = OrgUnit.objects.order_by("path").first() or OrgUnit.objects.add_root(
        create_kwargs={"code": PREFIX, "name": "基准测试市", "kind": "city"}
    )
    today = dates.today()
    campaign = Campaign.objects.create(
        title=f"{PREFIX}全市方案",
        issuing_unit=unit,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
        status=Campaign.Status.ACTIVE,
    )
    User = get_user_model()
    t = time.perf_counter()
    User.objects.bulk_create(
        [User(username=f"{PREFIX}{i}", password=UNUSABLE) for i in range(args.recipients)], batch_size=5000
    )
    user_ids = list(User.objects.filter(username__startswith=PREFIX).values_list("pk", flat=True))
    now = timezone.now()
    rows = [
        Reminder(
            kind="campaigns.campaign_end",
            object_id=campaign.pk,
            subject_key=f"campaigns.campaign_end:{campaign.pk}",
            recipient_id=uid,
            unit=unit,
            due_date=campaign.end_date,
            offset_days=-stage,
            title=f"基准提醒 {stage}",
            send_at=now - datetime.timedelta(minutes=1),
        )
        for uid in user_ids
        for stage in range(args.stages)
    ]
    Reminder.objects.bulk_create(rows, batch_size=5000)
    total = len(rows)
    print(f"setup: {args.recipients} recipients, {total} due reminders in {time.perf_counter() - t:.1f} s")

    worker = None if args.worker_after else start_worker(args.concurrency)
    try:
        t0 = time.perf_counter()
        result = services.reminders_dispatch_due()
        t_dispatch = time.perf_counter() - t0
        print(
            f"dispatch: claimed {result.claimed} in {result.batches} messages "
            f"(batch {settings.REMINDERS_BATCH_SIZE}) in {t_dispatch:.2f} s"
            + (" (no worker running)" if worker is None else " (worker consuming meanwhile)")
        )
        if worker is None:
            worker = start_worker(args.concurrency)
            t0 = time.perf_counter()
        while True:
            sent = Reminder.objects.filter(subject_key=campaign_key(campaign), status=Reminder.Status.SENT).count()
            if sent >= total or time.perf_counter() - t0 > 600:
                break
            time.sleep(0.5)
        t_end = time.perf_counter() - t0
        deliveries = Delivery.objects.filter(reminder__subject_key=campaign_key(campaign)).count()
        what = "worker drained the queue" if args.worker_after else "end to end"
        print(f"{what}: {sent} reminders sent, {deliveries} in-app deliveries in {t_end:.2f} s")
        print(f"throughput: {sent / t_end:.0f} reminders/s")
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        cleanup()


def campaign_key(campaign):
    return f"campaigns.campaign_end:{campaign.pk}"


if __name__ == "__main__":
    main()
