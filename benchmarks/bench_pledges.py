"""Timings of the pledge pages on a large data set. See docs/benchmarks.md.

    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i6 DJANGO_SETTINGS_MODULE=config.settings.local \
        .venv/bin/python manage.py migrate && ... seed_demo && .venv/bin/python benchmarks/bench_pledges.py

Adds (once) 50,000 pledges over the demo units with progress and amendments written in bulk
(benchmark data, not a workflow), then times each page with Django's test client.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from org.models import OrgUnit  # noqa: E402
from pledges.models import Pledge, PledgeAmendment, PledgeCategory, PledgeProgress  # noqa: E402

TOTAL = 50_000
BOARD_PLEDGES = 200
MARK = "基准"


def build():
    if Pledge.objects.filter(title__startswith=MARK).exists():
        return
    rng = random.Random(6)
    campaign = Campaign.objects.get(document_number="滨妇发[2026]15号")
    board_unit = OrgUnit.objects.get(code="371602001001")
    units = list(OrgUnit.objects.filter(kind__in=["township", "village"]).exclude(pk=board_unit.pk))
    categories = list(PledgeCategory.objects.all())
    admin = get_user_model().objects.get(username="admin")
    today = datetime.date(2026, 11, 24)
    now = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    rows = []
    for i in range(TOTAL):
        unit = board_unit if i < BOARD_PLEDGES else rng.choice(units)
        state = "published" if i < BOARD_PLEDGES else rng.choice(["draft", "submitted", "approved", "published"])
        deadline = today + datetime.timedelta(days=rng.randint(-120, 200))
        committed = state in ("approved", "published")
        percent = rng.choice([0, 0, 20, 50, 80, 100]) if committed else 0
        completed = deadline - datetime.timedelta(days=5) if percent == 100 else None
        status = "not_started"
        if committed:
            status = (
                "completed"
                if completed
                else ("overdue" if deadline < today else ("in_progress" if percent else "not_started"))
            )
        rows.append(
            Pledge(
                campaign=campaign,
                org_unit=unit,
                category=rng.choice(categories),
                title=f"{MARK}承诺事项{i}",
                content="为群众办实事的具体内容，" * 4,
                target="完成目标描述",
                deadline=deadline,
                responsible_unit=unit,
                measures="措施一；措施二；措施三。",
                approval_state=state,
                approved_at=now if committed else None,
                published_at=now if state == "published" else None,
                status=status,
                percent=percent,
                last_progress_on=today - datetime.timedelta(days=rng.randint(1, 90)) if percent else None,
                completed_on=completed,
                completion_note="已完成" if completed else "",
                created_by=admin,
            )
        )
    with transaction.atomic():
        Pledge.objects.bulk_create(rows, batch_size=2000)
        board = list(Pledge.objects.filter(org_unit=board_unit, title__startswith=MARK))
        PledgeAmendment.objects.bulk_create(
            [
                PledgeAmendment(
                    pledge=p,
                    field="deadline",
                    old_value="2026-10-01",
                    new_value="2026-12-01",
                    reason="延期",
                    amended_by=admin,
                )
                for p in board
                for _ in range(2)
            ]
        )
        committed = Pledge.objects.filter(title__startswith=MARK, percent__gt=0).values_list(
            "pk", "last_progress_on", "percent"
        )
        PledgeProgress.objects.bulk_create(
            [
                PledgeProgress(pledge_id=pk, reported_on=on, percent=pct, note="进展", reported_by=admin)
                for pk, on, pct in committed
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledgers_pledge; ANALYZE ledgers_pledgeprogress; ANALYZE ledgers_pledgeamendment")


def timed(client, url, runs=7, **headers):
    times, queries, status = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, **headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
    return statistics.median(times), max(times), queries, status, response


def main():
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    build()
    print(
        f"pledges: {Pledge.objects.count()}, progress: {PledgeProgress.objects.count()}, "
        f"amendments: {PledgeAmendment.objects.count()}, vendor: {connection.vendor}"
    )
    anon = Client()
    leader = Client()
    leader.force_login(get_user_model().objects.get(username="city_leader"))
    campaign = Campaign.objects.get(document_number="滨妇发[2026]15号")
    board = "/ledgers/board/371602001001/"
    cases = [
        ("public board, 200 pledges, 400 amendments (anonymous)", anon, board, {}),
        ("A4 notice with QR, 200 pledges", anon, board + "notice/", {}),
        ("办实事台帐 page 1 (city leader, all 50k visible)", leader, "/ledgers/pledges/", {}),
        (
            "办实事台帐 filtered: county, overdue",
            leader,
            f"/ledgers/pledges/?unit={OrgUnit.objects.get(code='371602').pk}&status=overdue",
            {},
        ),
        (
            "三查三看 city subtree, 50k pledges",
            leader,
            f"/evaluations/three-checks/?campaign={campaign.pk}&unit=371600&days=30",
            {},
        ),
        (
            "三查三看 one township",
            leader,
            f"/evaluations/three-checks/?campaign={campaign.pk}&unit=371602001&days=30",
            {},
        ),
    ]
    for label, client, url, headers in cases:
        median, worst, queries, status, _ = timed(client, url, **headers)
        print(f"| {label} | {median:.0f} ms | {worst:.0f} ms | {queries} | {status} |")
    _, _, _, _, response = timed(anon, board, runs=1)
    median, worst, queries, status, _ = timed(anon, board, HTTP_IF_NONE_MATCH=response["ETag"])
    print(
        f"| public board revalidation (If-None-Match → 304) | {median:.0f} ms | {worst:.0f} ms | {queries} | {status} |"
    )
    t = f"/ledgers/pledges/export.xlsx?unit={OrgUnit.objects.get(code='371602001').pk}"
    median, worst, queries, status, _ = timed(leader, t, runs=3)
    n = Pledge.objects.filter(org_unit__path__startswith=OrgUnit.objects.get(code="371602001").path).count()
    label = f".xlsx export of one township's ledger ({n} rows)"
    print(f"| {label} | {median:.0f} ms | {worst:.0f} ms | {queries} | {status} |")


if __name__ == "__main__":
    main()
