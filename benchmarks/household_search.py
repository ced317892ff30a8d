"""Household search-as-you-type at city scale (1,000,000 households) on PostgreSQL.

Reproduce (a throwaway database; loading takes a few minutes on a small machine):

    createdb -h 127.0.0.1 -U root minqing_bench
    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_bench .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_bench .venv/bin/python benchmarks/household_search.py

It builds a tree of its own (1 city > 10 counties > 10 townships > 20 villages = 2,000 villages),
bulk-loads the households with COPY (search indexes dropped during the load and rebuilt after,
as an import would), runs ANALYZE, then times ``ledgers.selectors.household_search_for_user`` —
the query behind the fast entry page — for users scoped to a township, a county and the city,
for each kind of input (name prefix, name/address fragment, household number, phone tail).
Run it again to re-time without reloading. Prints a Markdown table for docs/benchmarks.md.
"""

import argparse
import importlib
import io
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from ledgers.selectors import household_search_for_user  # noqa: E402
from org.models import Cadre, OrgUnit  # noqa: E402
from outreach.models import Household  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国海燕志春梅文珍凤金淑德子涵浩然欣怡"
COUNTIES, TOWNSHIPS, VILLAGES = 10, 10, 20


def build_tree():
    root = OrgUnit.objects.filter(code="BENCH").first()
    if root is None:
        root = OrgUnit.objects.add_root(create_kwargs={"code": "BENCH", "name": "基准市", "kind": "city"})
    villages = list(OrgUnit.objects.filter(root.subtree_q(), kind="village").order_by("path"))
    if len(villages) == COUNTIES * TOWNSHIPS * VILLAGES:
        return root, villages
    for c in range(COUNTIES):
        county = OrgUnit.objects.filter(code=f"BENCH{c:02d}").first() or OrgUnit.objects.add_child(
            root, create_kwargs={"code": f"BENCH{c:02d}", "name": f"基准{c}县", "kind": "county", "sort_order": c}
        )
        for t in range(TOWNSHIPS):
            code = f"BENCH{c:02d}{t:02d}"
            town = OrgUnit.objects.filter(code=code).first() or OrgUnit.objects.add_child(
                county, create_kwargs={"code": code, "name": f"基准{c}县{t}镇", "kind": "township", "sort_order": t}
            )
            for v in range(VILLAGES):
                vcode = f"{code}{v:03d}"
                if not OrgUnit.objects.filter(code=vcode).exists():
                    OrgUnit.objects.add_child(
                        town,
                        create_kwargs={"code": vcode, "name": f"{c}县{t}镇{v}村", "kind": "village", "sort_order": v},
                    )
    villages = list(OrgUnit.objects.filter(root.subtree_q(), kind="village").order_by("path"))
    return root, villages


def search_index_sql():
    migration = importlib.import_module("ledgers.migrations.0003_add_household_search_index")
    return migration.FORWARD, migration.BACKWARD


def load_households(villages, total, rng):
    per_village = total // len(villages)
    existing = Household.objects.filter(village__in=villages).count()
    if existing >= per_village * len(villages):
        print(f"households already loaded: {existing:,}")
        return existing
    Household.objects.filter(village__in=villages).delete()
    forward, backward = search_index_sql()
    started = time.perf_counter()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S+08")
    with connection.cursor() as cursor:
        for statement in backward:
            cursor.execute(statement)
        raw = cursor.connection.cursor()
        buffer = io.StringIO()
        rows = 0
        for village in villages:
            for n in range(1, per_village + 1):
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
                address = f"{village.name}{(n - 1) // 25 + 1}组{n}号"
                members = rng.randint(1, 6)
                buffer.write(f"{village.pk}\t{n:04d}\t{name}\t{members}\t{address}\t{phone}\t\t\t{stamp}\t{stamp}\n")
                rows += 1
            if rows % 100_000 < per_village:
                buffer.seek(0)
                raw.copy_expert(
                    "COPY outreach_household (village_id, number, head_name, members_count, address, phone, "
                    "id_number, notes, created_at, updated_at) FROM STDIN",
                    buffer,
                )
                buffer = io.StringIO()
        buffer.seek(0)
        raw.copy_expert(
            "COPY outreach_household (village_id, number, head_name, members_count, address, phone, "
            "id_number, notes, created_at, updated_at) FROM STDIN",
            buffer,
        )
        loaded = time.perf_counter()
        for statement in forward:
            cursor.execute(statement)
        cursor.execute("ANALYZE outreach_household")
        cursor.execute("ANALYZE campaigns_orgunit")
    indexed = time.perf_counter()
    print(f"loaded {rows:,} households in {loaded - started:.0f} s; indexes built in {indexed - loaded:.0f} s")
    return rows


def bench_user(username, unit):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    Cadre.objects.update_or_create(user=user, defaults={"name": username, "org_unit": unit})
    return User.objects.get(pk=user.pk)


def queries_for(rng, sample):
    return {
        "姓（1字前缀）": [rng.choice(SURNAMES) for _ in range(20)],
        "姓名（2字前缀）": [h.head_name[:2] for h in sample[:20]],
        "姓名（3字，含）": [h.head_name for h in sample if len(h.head_name) == 3][:20],
        "住址片段（含）": [h.address[-6:] for h in sample[20:40]],
        "户号（前缀）": [h.number for h in sample[40:60]],
        "手机尾号（4位）": [h.phone[-4:] for h in sample[60:80]],
    }


def timed(user, q, repeat):
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        household_search_for_user(user=user, q=q)
        durations.append((time.perf_counter() - started) * 1000)
    return min(durations)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this on PostgreSQL (DATABASE_URL=postgres://...)")
    rng = random.Random(12338)
    root, villages = build_tree()
    total = load_households(villages, args.households, rng)
    county = OrgUnit.objects.get_children(root).first()
    township = OrgUnit.objects.get_children(county).first()
    users = {
        "乡镇（1万户）": bench_user("bench_town", township),
        "县（10万户）": bench_user("bench_county", county),
        "市（100万户）": bench_user("bench_city", root),
    }
    sample = list(Household.objects.filter(township.subtree_q("village__")).order_by("?")[:100])
    print(f"\nhouseholds: {total:,}; PostgreSQL {connection.pg_version}; best of {args.repeat}, 20 inputs per cell\n")
    print("| 输入 | " + " | ".join(f"{scope} 中位/最慢 ms" for scope in users) + " |")
    print("|---|" + "---|" * len(users))
    for label, inputs in queries_for(rng, sample).items():
        cells = []
        for user in users.values():
            times = [timed(user, q, args.repeat) for q in inputs]
            cells.append(f"{statistics.median(times):.1f} / {max(times):.1f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    with connection.cursor() as cursor:
        qs = Household.objects.filter(head_name__contains=sample[0].head_name).select_related("village")
        sql, params = qs.order_by("head_name", "id")[:15].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        print("\nplan (name contains, city scope):")
        for (line,) in cursor.fetchall()[:8]:
            print("   ", line)


if __name__ == "__main__":
    main()
