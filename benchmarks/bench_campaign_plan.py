"""Time the campaign plan page and requirement evaluation at city scale (PostgreSQL).

Builds (once, idempotently) 10 extra counties × 15 townships under the demo city, ~2,000 cadres
with pairings, and a city plan (the 滨妇发 template: 4 steps) owed by every county and township (~670 owed rows)
with the seven 滨妇发 requirements. Then requests the plan page as the city office admin.

    DJANGO_SETTINGS_MODULE=config.settings.local \
    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i3 \
    .venv/bin/python benchmarks/bench_campaign_plan.py
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from campaigns import services  # noqa: E402
from campaigns.models import Campaign, MilestoneAssignment  # noqa: E402
from evaluations.scoring import evaluate_requirement  # noqa: E402
from org.models import Cadre, OrgUnit  # noqa: E402
from outreach.models import Household, Pairing  # noqa: E402

D = datetime.date


def build():
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(code="371600").exists():
        call_command("seed_demo", verbosity=0)
    city = OrgUnit.objects.get(code="371600")
    User = get_user_model()
    with transaction.atomic():
        for c in range(10):
            code = f"BENCH{c:02d}"
            county = OrgUnit.objects.filter(code=code).first() or OrgUnit.objects.add_child(
                city, create_kwargs={"code": code, "name": f"基准县{c}", "kind": "county"}
            )
            for t in range(15):
                t_code = f"{code}{t:02d}"
                if not OrgUnit.objects.filter(code=t_code).exists():
                    OrgUnit.objects.add_child(
                        county, create_kwargs={"code": t_code, "name": f"基准县{c}镇{t}", "kind": "township"}
                    )
        townships = list(OrgUnit.objects.filter(code__startswith="BENCH", kind="township"))
        if not Cadre.objects.filter(user__username__startswith="bench_").exists():
            users = User.objects.bulk_create([User(username=f"bench_{i}") for i in range(2000)])
            Cadre.objects.bulk_create(
                Cadre(user=u, name=f"干部{i}", org_unit=townships[i % len(townships)], rank="staff")
                for i, u in enumerate(users)
            )
        campaign = Campaign.objects.filter(title="基准：全市实施方案").first()
        if campaign is None:
            template = Campaign.objects.get(template_key="binzhou-fulian-2012")
            campaign = services.campaign_start_from_template(
                template=template, issuing_unit=city, start_date=D(2026, 4, 1), actor=None, title="基准：全市实施方案"
            )
            campaign.participating_kinds = ["county", "township"]
            campaign.save()
            services.campaign_sync_assignments(campaign=campaign)
            households = list(Household.objects.all()[:2000])
            Pairing.objects.bulk_create(
                Pairing(
                    campaign=campaign, cadre=cadre, household=households[i % len(households)], start_date=D(2026, 4, 2)
                )
                for i, cadre in enumerate(Cadre.objects.filter(user__username__startswith="bench_")[:1500])
            )
    return campaign


def timed(fn, runs=7):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main():
    campaign = build()
    rows = MilestoneAssignment.objects.filter(milestone__campaign=campaign).count()
    cadres = Cadre.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="city_office"))
    url = campaign.get_absolute_url()
    if client.get(url).status_code != 200:
        raise SystemExit("the plan page did not answer 200")
    # DEBUG keeps at most 9,000 queries in the log; building the data filled it.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    median, worst = timed(lambda: client.get(url))
    print(f"{connection.vendor}: {rows} owed rows, {cadres} cadres, {campaign.requirements.count()} requirements")
    print(f"plan page as city_office: median {median:.0f} ms, max {worst:.0f} ms, {len(ctx.captured_queries)} queries")
    city = campaign.issuing_unit
    for requirement in campaign.requirements.order_by("order"):
        requirement.campaign = campaign
        median, _ = timed(lambda r=requirement: evaluate_requirement(r, unit=city), runs=5)
        result = evaluate_requirement(requirement, unit=city)
        print(f"  {requirement.kind:<24} {median:6.0f} ms  {result.status:<15} {result.target}/{result.actual}")


if __name__ == "__main__":
    main()
