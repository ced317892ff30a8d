"""Time the household and pairing admin changelists (and the staff register) at a million rows.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i4
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/admin_million.py            # builds the rows once, then times
    .venv/bin/python benchmarks/admin_million.py --cleanup  # removes them

Rows are generated in SQL (generate_series) under a benchmark township of 100 villages:
1,000,000 households (a fifth with a category) and 1,000,000 pairings for 200 cadres. Each page
is requested 5 times through Django's test client (full middleware, templates); the median and
the number of queries are printed.
"""

import argparse
import os
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from core.roles import DATA_ENTRY, GROUP_NAMES  # noqa: E402
from org.models import Cadre, OrgUnit  # noqa: E402
from outreach.models import Household, HouseholdCategory, Pairing  # noqa: E402

PREFIX = "MILL"
VILLAGES = 100
HOUSEHOLDS = 1_000_000
CADRES = 200


def build():
    import datetime

    from django.contrib.auth.models import Group

    root = OrgUnit.objects.get_first_root_node()
    township = OrgUnit.objects.filter(code=f"{PREFIX}T").first()
    if township is None:
        township = OrgUnit.objects.add_child(
            root, create_kwargs={"code": f"{PREFIX}T", "name": "百万户测试镇", "kind": "township"}
        )
        for i in range(VILLAGES):
            OrgUnit.objects.add_child(
                township, create_kwargs={"code": f"{PREFIX}V{i:03d}", "name": f"百万户村{i}", "kind": "village"}
            )
    User = get_user_model()
    staff, _ = User.objects.get_or_create(username="mill_staff", defaults={"is_staff": True})
    staff.groups.set([Group.objects.get(name=GROUP_NAMES[DATA_ENTRY])])
    Cadre.objects.get_or_create(user=staff, defaults={"name": "百万户录入员", "org_unit": township})
    for i in range(CADRES - Cadre.objects.filter(township.subtree_q("org_unit__")).count()):
        user, _ = User.objects.get_or_create(username=f"mill_cadre_{i}")
        Cadre.objects.get_or_create(user=user, defaults={"name": f"测试干部{i}", "org_unit": township})
    campaign, _ = Campaign.objects.get_or_create(
        title="百万户测试活动",
        defaults={
            "issuing_unit": township,
            "start_date": datetime.date(2026, 4, 1),
            "end_date": datetime.date(2026, 12, 31),
            "status": "active",
        },
    )
    village_ids = list(
        OrgUnit.objects.filter(code__startswith=f"{PREFIX}V").order_by("code").values_list("pk", flat=True)
    )
    have = Household.objects.filter(village_id__in=village_ids).count()
    with connection.cursor() as cursor:
        if have < HOUSEHOLDS:
            print("inserting households …")
            cursor.execute(
                "INSERT INTO outreach_household (created_at, updated_at, village_id, number, head_name,"
                " members_count, address, phone, id_number, notes)"
                " SELECT now(), now(), (%s::bigint[])[1 + g %% %s], lpad((g / %s)::text, 6, '0'),"
                " '户主' || g, 1 + g %% 6, '', '138' || lpad((g %% 100000000)::text, 8, '0'), '', ''"
                " FROM generate_series(0, %s - 1) g ON CONFLICT DO NOTHING",
                [village_ids, VILLAGES, VILLAGES, HOUSEHOLDS],
            )
            category_id = HouseholdCategory.objects.get(code="tekun").pk
            cursor.execute(
                "INSERT INTO outreach_household_categories (household_id, householdcategory_id)"
                " SELECT id, %s FROM outreach_household WHERE village_id = ANY(%s) AND id %% 5 = 0"
                " ON CONFLICT DO NOTHING",
                [category_id, village_ids],
            )
        cadre_ids = list(
            Cadre.objects.filter(township.subtree_q("org_unit__")).order_by("pk").values_list("pk", flat=True)
        )
        if not Pairing.objects.filter(campaign=campaign).exists():
            print("inserting pairings …")
            cursor.execute(
                "INSERT INTO outreach_pairing (created_at, updated_at, campaign_id, cadre_id, household_id, kind,"
                " start_date, is_active)"
                " SELECT now(), now(), %s, (%s::bigint[])[1 + (h.id %% %s)], h.id, 'support', '2026-04-01', true"
                " FROM outreach_household h WHERE h.village_id = ANY(%s)",
                [campaign.pk, cadre_ids, len(cadre_ids), village_ids],
            )
        cursor.execute(
            "ANALYZE campaigns_orgunit; ANALYZE campaigns_cadre; ANALYZE outreach_household;"
            " ANALYZE outreach_pairing; ANALYZE outreach_household_categories"
        )
    return township, village_ids


def cleanup():
    village_ids = list(OrgUnit.objects.filter(code__startswith=f"{PREFIX}V").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM outreach_pairing WHERE household_id IN"
            " (SELECT id FROM outreach_household WHERE village_id = ANY(%s))",
            [village_ids],
        )
        cursor.execute(
            "DELETE FROM outreach_household_categories WHERE household_id IN"
            " (SELECT id FROM outreach_household WHERE village_id = ANY(%s))",
            [village_ids],
        )
        cursor.execute("DELETE FROM outreach_household WHERE village_id = ANY(%s)", [village_ids])
    print("removed the benchmark households and pairings (units, cadres and users stay)")


def measure(client, label, url, runs=5):
    times, queries, status = [], 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        queries, status = len(ctx.captured_queries), response.status_code
    print(f"  {label:<62} {statistics.median(times):7.0f} ms  max {max(times):6.0f}  {queries:3d} queries  [{status}]")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cleanup", action="store_true")
    args = parser.parse_args()
    if args.cleanup:
        cleanup()
        return
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    township, village_ids = build()
    total = Household.objects.filter(village_id__in=village_ids).count()
    print(
        f"database: {connection.vendor}; benchmark households: {total}; pairings: "
        f"{Pairing.objects.filter(household__village_id__in=village_ids).count()}"
    )
    superuser = get_user_model().objects.filter(is_superuser=True).first()
    staff = get_user_model().objects.get(username="mill_staff")
    category = HouseholdCategory.objects.get(code="tekun").pk
    village = village_ids[7]
    for who, user in (("superuser (whole city)", superuser), ("township data-entry staff", staff)):
        client = Client()
        client.force_login(user)
        print(f"{who}:")
        if user.is_superuser:
            measure(client, "admin households changelist", "/admin/outreach/household/")
            measure(client, "admin households, page 150", "/admin/outreach/household/?p=150")
            measure(client, "admin households, village filter", f"/admin/outreach/household/?village={village}")
            measure(
                client, "admin households, category filter (EXISTS)", f"/admin/outreach/household/?category={category}"
            )
            measure(client, "admin households, search head's name prefix", "/admin/outreach/household/?q=户主12345")
            measure(client, "admin pairings changelist", "/admin/outreach/pairing/")
            measure(client, "admin pairing add form (autocomplete widgets)", "/admin/outreach/pairing/add/")
        measure(client, "staff register list", "/outreach/households/")
        measure(
            client, "staff register, village + category", f"/outreach/households/?village={village}&category={category}"
        )
        measure(client, "staff pairings list", "/outreach/pairings/")
        if not user.is_superuser:
            campaign = Campaign.objects.get(title="百万户测试活动").pk
            measure(
                client,
                "pairing status page (200 cadres, 1M pairings)",
                f"/outreach/pairings/status/{PREFIX}T/?campaign={campaign}",
            )
            measure(
                client,
                "bulk assignment, village + category, unpaired only",
                f"/outreach/pairings/bulk/?campaign={campaign}&village={village}&category={category}&unpaired=on",
            )
            measure(
                client,
                "auto-suggest for the township",
                f"/outreach/pairings/suggest/?campaign={campaign}&township={township.pk}&kind=support&start_date=2026-05-01",
            )


if __name__ == "__main__":
    main()
