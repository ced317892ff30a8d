"""Sync of a city-wide deadline: one step owed by ~3,000 units, ~20,000 recipients, on PostgreSQL.

    DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i7 .venv/bin/python benchmarks/reminders_sync.py

Builds a throw-away tree (1 city, 10 counties, 100 townships, 2,900 villages; a leader in each
county and township, 7 cadres in each village and no village leader, so the step's reminders go
to every village cadre and escalate to the township leader), one milestone owed by all 3,000
units, then times ``reminders_sync_kind`` for ``campaigns.milestone_assignment`` twice (first
run creates the rows, second run finds nothing to change) and a moved deadline. Cleans up.
"""

import datetime
import os
import sys
import time
from pathlib import Path

from core import dates

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from campaigns.models import Campaign, Milestone, MilestoneAssignment  # noqa: E402
from org.models import Cadre, OrgUnit  # noqa: E402
from reminders import services  # noqa: E402
from reminders.models import Reminder  # noqa: E402

PREFIX = "bsync"
UNUSABLE = "!"  # noqa: S105  (Django's unusable-password marker: these users cannot log in)


def build_tree():
    """Bulk-create the tree with treebeard's path arithmetic (add_child one by one is slow)."""
    last_root = OrgUnit.objects.get_last_root_node()
    root_path = OrgUnit._get_path(None, 1, (OrgUnit._str2int(last_root.path) if last_root else 0) + 1)
    units = [OrgUnit(path=root_path, depth=1, numchild=10, code=f"{PREFIX}", name="基准市", kind="city")]
    counties, townships, villages = [], [], []
    for c in range(10):
        cp = OrgUnit._get_path(root_path, 2, c + 1)
        counties.append(OrgUnit(path=cp, depth=2, numchild=10, code=f"{PREFIX}{c}", name=f"县{c}", kind="county"))
        for t in range(10):
            tp = OrgUnit._get_path(cp, 3, t + 1)
            code = f"{PREFIX}{c}_{t}"
            townships.append(OrgUnit(path=tp, depth=3, numchild=29, code=code, name=f"镇{c}-{t}", kind="township"))
            for v in range(29):
                vp = OrgUnit._get_path(tp, 4, v + 1)
                villages.append(
                    OrgUnit(path=vp, depth=4, numchild=0, code=f"{code}_{v}", name=f"村{c}-{t}-{v}", kind="village")
                )
    OrgUnit.objects.bulk_create(units + counties + townships + villages, batch_size=2000)
    return OrgUnit.objects.filter(code__startswith=PREFIX)


def build_people(units):
    User = get_user_model()
    specs = []
    for unit in units:
        if unit.kind in ("county", "township"):
            specs.append((unit, True))
        elif unit.kind == "village":
            specs.extend((unit, False) for _ in range(7))
    User.objects.bulk_create(
        [User(username=f"{PREFIX}_{i}", password=UNUSABLE) for i in range(len(specs))], batch_size=5000
    )
    users = list(User.objects.filter(username__startswith=f"{PREFIX}_").order_by("id"))
    Cadre.objects.bulk_create(
        [
            Cadre(user=user, name=f"干部{i}", org_unit=unit, is_leader=leader)
            for i, (user, (unit, leader)) in enumerate(zip(users, specs, strict=True))
        ],
        batch_size=5000,
    )
    return len(specs)


def cleanup():
    User = get_user_model()
    Reminder.objects.filter(unit__code__startswith=PREFIX)._raw_delete(connection.alias)
    Campaign.objects.filter(title__startswith=PREFIX).delete()
    Cadre.objects.filter(org_unit__code__startswith=PREFIX)._raw_delete(connection.alias)
    User.objects.filter(username__startswith=f"{PREFIX}_")._raw_delete(connection.alias)
    OrgUnit.objects.filter(code__startswith=PREFIX)._raw_delete(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminder")


def main():
    if connection.vendor != "postgresql":
        sys.exit("run it on PostgreSQL (DATABASE_URL=postgres://...)")
    cleanup()
    t = time.perf_counter()
    units = list(build_tree())
    people = build_people(units)
    city = next(u for u in units if u.kind == "city")
    today = dates.today()
    campaign = Campaign.objects.create(
        title=f"{PREFIX}全市方案",
        issuing_unit=city,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
        status=Campaign.Status.ACTIVE,
    )
    milestone = Milestone.objects.create(
        campaign=campaign, number=1, name="召开动员会议", due_date=today + datetime.timedelta(days=10)
    )
    MilestoneAssignment.objects.bulk_create(
        [MilestoneAssignment(milestone=milestone, unit=u) for u in units], batch_size=5000
    )
    print(f"setup: {len(units)} units, {people} cadres, {len(units)} owed rows in {time.perf_counter() - t:.1f} s")
    try:
        key = "campaigns.milestone_assignment"
        for label in ("first sync (creates)", "second sync (no change)"):
            t = time.perf_counter()
            result = services.reminders_sync_kind(kind_key=key)
            print(f"{label}: {result} in {time.perf_counter() - t:.2f} s")
        recipients = Reminder.objects.filter(kind=key, unit__code__startswith=PREFIX).values("recipient").distinct()
        print(f"reminder rows: {Reminder.objects.filter(kind=key).count()}, recipients: {recipients.count()}")
        Milestone.objects.filter(pk=milestone.pk).update(due_date=today + datetime.timedelta(days=12))
        t = time.perf_counter()
        result = services.reminders_sync_kind(kind_key=key)
        print(f"moved deadline: {result} in {time.perf_counter() - t:.2f} s")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
