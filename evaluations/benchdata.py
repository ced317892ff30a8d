"""The city-scale data set the benchmarks run on (`manage.py bench_data`), written by COPY.

A 滨州-sized city beside the demo tree: province > city > counties > townships > villages
(about 4,300 units at scale 1), 20,000 cadres each with an account and a role, 1,000,000
households with members and categories, pairings by the plans' rules, 10,000,000 visits over a
year, 300,000 demands in every state with their history, 30,000 pledges with progress, forums,
reception days, liaison points, owed plan steps, reports and reminders. ``scale`` shrinks every
count (0.002 builds in seconds for a test).

Why here: it writes every app's tables, so it lives in the top layer. Why COPY: the ORM writes
about 5,000 rows a second, a city set would take hours. The rows still satisfy the models' rules:
CHECK constraints stay on while rows stream in; on the large tables the indexes, unique and
foreign-key constraints are dropped first and re-created afterwards in the same transaction,
which validates every row against them in one pass. Ids are assigned here (contiguous per village,
so a subtree is a range) and the identity sequences are advanced afterwards.

Idempotent by stage: each stage runs in one transaction and is skipped when its rows exist, so a
second run (or a run after an interrupted one) adds nothing twice. PostgreSQL only.
"""

from __future__ import annotations

import bisect
import datetime
import io
import itertools
import math
import random
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.demo import DEMO_PASSWORD, GIVEN, SURNAMES
from campaigns.models import Campaign, Milestone, MilestoneAssignment, Phase, Requirement
from campaigns.plan_templates import load_plan_templates
from core import dates
from core.roles import AUDITOR, CADRE, DATA_ENTRY, GROUP_NAMES, LEADER, OFFICE_ADMIN
from evaluations import services as evaluation_services
from evaluations.models import Report
from ledgers.demo import DEMANDS, LEARNED, NEEDS
from ledgers.models import Demand, DemandCategory, DemandEvent, HelpGiven, LedgerBook, Visit
from org.models import Cadre, OrgUnit
from outreach.models import Forum, Household, HouseholdCategory, HouseholdMember, LiaisonPoint, Pairing, ReceptionDay
from outreach.selectors import HARDSHIP_CATEGORY_CODES
from outreach.validators import id_number_check_digit
from pledges.models import Pledge, PledgeCategory, PledgeProgress
from reminders.services import reminders_sync_kind

ROOT_CODE = "BENCH37"
CITY_CODE = "BENCH3716"
DOCUMENT_NUMBER = "滨民情基准[2026]1号"
TEMPLATE_KEY = "binzhou-fulian-2012"

# Counts at scale 1 (the issue's city: ~4,000–5,000 units, 20,000 cadres, 1,000,000 households).
COUNTIES = 10
TOWNSHIPS_PER_COUNTY = 13
VILLAGES = 4160
CADRES = 20_000
HOUSEHOLDS = 1_000_000
VISITS = 10_000_000  # the issue measured 10,000,576: 20,000 cadres × ~500 visits a year
DEMANDS_COUNT = 300_000
PLEDGES = 30_000

# The accounts the benchmark signs in as (password: the demo password).
NAMED_USERS = (
    "bench_city_leader",
    "bench_city_office",
    "bench_county_leader",
    "bench_town_staff",
    "bench_village_cadre",
    "bench_auditor",
)
SUPERUSER = "bench_admin"

VILLAGE_SUFFIXES = ("家村", "庄", "集", "屯", "营村", "店村", "家洼", "官庄", "楼村", "寨", "社区", "新村")
COUNTY_NAMES = ("滨城区", "沾化区", "惠民县", "阳信县", "无棣县", "博兴县", "邹平市", "北海新区", "高新区", "经开区")
ROADS = ("黄河", "渤海", "长江", "新立", "中海", "东风", "胜利", "黄山", "鼓楼", "永莘")


class BenchDataError(Exception):
    """The data set cannot be built here (wrong database, or built before at another scale)."""


@dataclass
class Shape:
    """How many of each thing at a scale."""

    scale: float
    counties: int = 0
    townships_per_county: int = 0
    villages_per_township: int = 0
    households_per_village: int = 0
    cadres: int = 0
    visits: int = 0
    demands: int = 0
    pledges: int = 0

    def __post_init__(self):
        s = self.scale
        self.counties = max(2, round(COUNTIES * math.sqrt(s)))
        self.townships_per_county = max(2, round(TOWNSHIPS_PER_COUNTY * math.sqrt(s)))
        townships = self.counties * self.townships_per_county
        self.villages_per_township = max(2, math.ceil(VILLAGES * s / townships))
        villages = townships * self.villages_per_township
        self.households_per_village = max(5, math.ceil(HOUSEHOLDS * s / villages))
        self.cadres = max(40, round(CADRES * s))
        self.visits = max(500, round(VISITS * s))
        self.demands = max(60, round(DEMANDS_COUNT * s))
        self.pledges = max(30, round(PLEDGES * s))

    @property
    def villages(self) -> int:
        return self.counties * self.townships_per_county * self.villages_per_township


@dataclass
class Unit:
    pk: int
    path: str
    kind: str
    name: str
    # Index range [lo, hi) of the villages at and below this unit (tree order).
    vlo: int
    vhi: int
    parent: Unit | None = None
    cadres: list = field(default_factory=list)


@dataclass
class Person:
    pk: int
    user_id: int
    unit: Unit
    is_leader: bool
    is_senior: bool
    role: str


# ---------------------------------------------------------------------------------------------
# COPY helpers


def _text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable, *, preformatted=False, chunk=200_000) -> int:
    """Stream rows into ``table`` with COPY, ``chunk`` rows per statement. Returns the row count.

    ``preformatted`` rows are already tab-separated lines (the visit generator writes them so).
    """
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608  (our table and column names)
    count = 0
    buffer = io.StringIO()
    in_buffer = 0
    for row in rows:
        if preformatted:
            buffer.write(row)
        else:
            buffer.write("\t".join(_text(v) for v in row))
            buffer.write("\n")
        in_buffer += 1
        if in_buffer >= chunk:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            count += in_buffer
            buffer, in_buffer = io.StringIO(), 0
    if in_buffer:
        buffer.seek(0)
        cursor.copy_expert(sql, buffer)
        count += in_buffer
    return count


def next_id(cursor, table: str) -> int:
    """The first free id of ``table``; the table is locked against other writers until commit."""
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
    return cursor.fetchone()[0] + 1


def advance_sequence(cursor, table: str) -> None:
    """Move the table's id sequence past the ids written by COPY, so the ORM's next insert works."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608
        [table],
    )


@contextmanager
def bulk_load(cursor, table: str):
    """Drop the table's secondary indexes, unique and foreign-key constraints, then re-create them.

    Building an index once over the loaded rows is several times faster than maintaining it row by
    row, and re-adding a constraint checks every row (a violation aborts the stage's transaction).
    The primary key and CHECK constraints stay in place throughout.
    """
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND i.schemaname = 'public' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)",
        [table, table],
    )
    indexes = cursor.fetchall()
    # Foreign-key checks queued by earlier writes of this transaction run now: PostgreSQL refuses
    # to alter a table (the referenced one included) while it has pending trigger events.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        cursor.execute(definition)
    # Unique constraints first ('u' sorts after 'f', hence DESC above), then foreign keys.
    for name, definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# ---------------------------------------------------------------------------------------------
# The builder


class Builder:
    def __init__(self, *, scale: float, seed: int = 20261207, stdout=None):
        self.shape = Shape(scale)
        self.rng = random.Random(seed)  # noqa: S311  (made-up data, reproducible)
        self.stdout = stdout
        self.today = dates.today()
        self.start = self.today - datetime.timedelta(days=364)
        self.timings: dict[str, float] = {}
        self.units: list[Unit] = []
        self.villages: list[Unit] = []
        self.townships: list[Unit] = []
        self.counties: list[Unit] = []
        self.city: Unit | None = None
        self.people: list[Person] = []

    # -- output ---------------------------------------------------------------------------
    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    @contextmanager
    def stage(self, name: str):
        started = time.monotonic()
        yield
        self.timings[name] = time.monotonic() - started
        self.say(f"  {name}: {self.timings[name]:.1f} s")

    # -- entry ----------------------------------------------------------------------------
    def build(self) -> dict[str, float]:
        if connection.vendor != "postgresql":
            raise BenchDataError(
                "bench_data writes with PostgreSQL's COPY and needs a PostgreSQL database "
                f"(DATABASE_URL=postgres://…); this one is {connection.vendor}."
            )
        shape = self.shape
        self.say(
            f"bench_data scale {shape.scale}: {shape.counties} counties × {shape.townships_per_county} townships × "
            f"{shape.villages_per_township} villages, {shape.households_per_village} households a village, "
            f"{shape.cadres} cadres, {shape.visits} visits, {shape.demands} demands, {shape.pledges} pledges"
        )
        with self.stage("units"):
            self.build_units()
        with self.stage("cadres and accounts"):
            self.build_cadres()
        with self.stage("campaign and plan"):
            self.build_campaign()
        with self.stage("households, members, categories"):
            self.build_households()
        with self.stage("pairings"):
            self.build_pairings()
        with self.stage("visits and help given"):
            self.build_visits()
        with self.stage("forums, reception days, liaison points"):
            self.build_meetings()
        with self.stage("demands and their history"):
            self.build_demands()
        with self.stage("pledges and progress"):
            self.build_pledges()
        with self.stage("reports and reminders"):
            self.build_reports_and_reminders()
        with self.stage("analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.timings

    # -- units ----------------------------------------------------------------------------
    def build_units(self) -> None:
        shape = self.shape
        existing = OrgUnit.objects.filter(code=ROOT_CODE).first()
        if existing is None:
            with transaction.atomic():
                self._write_units()
        root = OrgUnit.objects.get(code=ROOT_CODE)
        rows = list(
            OrgUnit.objects.filter(root.subtree_q())
            .order_by("path")
            .values_list("pk", "path", "kind", "name", "depth", "code")
        )
        village_count = sum(1 for row in rows if row[2] == OrgUnit.Kind.VILLAGE)
        if village_count != shape.villages:
            raise BenchDataError(
                f"this database holds a bench data set with {village_count} villages; scale {shape.scale} "
                f"asks for {shape.villages}. Build each scale in its own database."
            )
        by_path: dict[str, Unit] = {}
        for pk, path, kind, name, depth, _code in rows:
            parent = by_path.get(path[: -OrgUnit.steplen]) if depth > 1 else None
            unit = Unit(pk=pk, path=path, kind=kind, name=name, vlo=0, vhi=0, parent=parent)
            by_path[path] = unit
            self.units.append(unit)
            if kind == OrgUnit.Kind.VILLAGE:
                self.villages.append(unit)
            elif kind == OrgUnit.Kind.TOWNSHIP:
                self.townships.append(unit)
            elif kind == OrgUnit.Kind.COUNTY:
                self.counties.append(unit)
            elif kind == OrgUnit.Kind.CITY:
                self.city = unit
        # Each unit's villages are a contiguous run of the villages in tree order.
        paths = [v.path for v in self.villages]
        for unit in self.units:
            unit.vlo = bisect.bisect_left(paths, unit.path)
            unit.vhi = bisect.bisect_left(paths, unit.path + "~")
        self.say(f"    {len(self.units)} units, {len(self.villages)} villages")

    def _write_units(self) -> None:
        shape, rng = self.shape, self.rng
        root = OrgUnit.objects.add_root(
            create_kwargs={
                "code": ROOT_CODE,
                "name": "山东省（基准）",
                "kind": OrgUnit.Kind.PROVINCE,
                "sort_order": 900,
            }
        )
        step = OrgUnit.steplen
        rows = []

        def child_path(parent_path: str, n: int) -> str:
            return parent_path + OrgUnit._int2str(n).rjust(step, "0")

        city_path = child_path(root.path, 1)
        # (path, depth, numchild, kind, code, name, sort_order)
        city_children = shape.counties + 1
        rows.append((city_path, 2, city_children, "city", CITY_CODE, "滨州市（基准）", 0))
        for c in range(shape.counties):
            county_path = child_path(city_path, c + 1)
            county_code = f"{CITY_CODE}{c + 1:02d}"
            county_name = COUNTY_NAMES[c % len(COUNTY_NAMES)] + (f"{c // len(COUNTY_NAMES) + 1}" if c >= 10 else "")
            rows.append((county_path, 3, shape.townships_per_county, "county", county_code, county_name, c))
            for t in range(shape.townships_per_county):
                town_path = child_path(county_path, t + 1)
                town_code = f"{county_code}{t + 1:03d}"
                town_name = rng.choice(ROADS) + ("街道" if t < 3 else "镇") + (f"{t + 1}" if t >= 10 else "")
                rows.append((town_path, 4, shape.villages_per_township, "township", town_code, town_name, t))
                for v in range(shape.villages_per_township):
                    village_name = rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIXES)
                    rows.append(
                        (child_path(town_path, v + 1), 5, 0, "village", f"{town_code}{v + 1:03d}", village_name, v)
                    )
        # The city's own office (机关) sorts after its counties.
        rows.append((child_path(city_path, shape.counties + 1), 3, 0, "office", f"{CITY_CODE}90", "市活动办公室", 90))
        with connection.cursor() as cursor:
            first = next_id(cursor, "campaigns_orgunit")
            copy_rows(
                cursor,
                "campaigns_orgunit",
                ["id", "path", "depth", "numchild", "kind", "code", "name", "sort_order"],
                ((first + i, *row) for i, row in enumerate(rows)),
            )
            advance_sequence(cursor, "campaigns_orgunit")
            cursor.execute("UPDATE campaigns_orgunit SET numchild = 1 WHERE id = %s", [root.pk])

    # -- cadres ---------------------------------------------------------------------------
    def _quota(self) -> dict[int, int]:
        """Cadres per unit: fixed shares per level, the rest spread over the villages."""
        shape = self.shape
        office = next(u for u in self.units if u.kind == OrgUnit.Kind.OFFICE)
        quota = {self.city.pk: max(4, round(150 * shape.scale)), office.pk: max(2, round(50 * shape.scale))}
        for county in self.counties:
            quota[county.pk] = max(3, round(2500 * shape.scale / len(self.counties)))
        for town in self.townships:
            quota[town.pk] = max(3, round(7800 * shape.scale / len(self.townships)))
        rest = max(len(self.villages), shape.cadres - sum(quota.values()))
        for i, village in enumerate(self.villages):
            quota[village.pk] = rest // len(self.villages) + (1 if i < rest % len(self.villages) else 0)
        return quota

    def build_cadres(self) -> None:
        city_path = self.city.path
        if not Cadre.objects.filter(org_unit__path__startswith=city_path).exists():
            with transaction.atomic():
                self._write_cadres()
        by_pk = {u.pk: u for u in self.units}
        senior = set(Cadre.SENIOR_RANKS)
        role_of = {}
        names = {name: role for role, name in GROUP_NAMES.items()}
        for user_id, group_name in (
            get_user_model()
            .groups.through.objects.filter(user__cadre__org_unit__path__startswith=city_path)
            .values_list("user_id", "group__name")
        ):
            role_of[user_id] = names.get(group_name, CADRE)
        for pk, user_id, unit_id, is_leader, rank in (
            Cadre.objects.filter(org_unit__path__startswith=city_path)
            .order_by("pk")
            .values_list("pk", "user_id", "org_unit_id", "is_leader", "rank")
        ):
            unit = by_pk[unit_id]
            person = Person(pk, user_id, unit, is_leader, rank in senior, role_of.get(user_id, CADRE))
            unit.cadres.append(person)
            self.people.append(person)
        self.say(f"    {len(self.people)} cadres")

    def _write_cadres(self) -> None:
        rng = self.rng
        quota = self._quota()
        groups = {role: Group.objects.get(name=name).pk for role, name in GROUP_NAMES.items()}
        password = make_password(DEMO_PASSWORD)
        joined = timezone.now()
        top_rank = {"city": "bureau", "office": "section", "county": "division", "township": "section"}
        deputy_rank = {"city": "deputy_division", "county": "deputy_division", "township": "deputy_section"}
        named = {
            (self.city.pk, 0): "bench_city_leader",
            (self.city.pk, 2): "bench_auditor",
            # The campaign office admin works at the city, as in the demo: the whole city is theirs.
            (self.city.pk, 3): "bench_city_office",
            (self.counties[0].pk, 0): "bench_county_leader",
            (self.townships[0].pk, 2): "bench_town_staff",
            (self.villages[0].pk, 0): "bench_village_cadre",
        }
        users, cadres, links = [], [], []
        with connection.cursor() as cursor:
            first_user = next_id(cursor, "auth_user")
            first_cadre = next_id(cursor, "campaigns_cadre")
            first_link = next_id(cursor, "auth_user_groups")
            n = 0
            for unit in self.units:
                for i in range(quota.get(unit.pk, 0)):
                    user_id, cadre_id = first_user + n, first_cadre + n
                    username = named.get((unit.pk, i), f"bz{n + 1:05d}")
                    kind = unit.kind
                    leader = kind in ("city", "county", "township") and i < 2
                    if username == "bench_city_office":
                        role = OFFICE_ADMIN
                    elif username == "bench_auditor":
                        role = AUDITOR
                    elif leader:
                        role = LEADER
                    elif i == 2 or (kind == "village" and i == 1):
                        role = DATA_ENTRY
                    else:
                        role = CADRE
                    if kind == "village":
                        rank = "none"
                    elif i == 0:
                        rank = top_rank[kind]
                    elif i == 1 and kind in deputy_rank:
                        rank = deputy_rank[kind]
                    else:
                        roll = rng.random()
                        if kind == "city":
                            rank = (
                                "deputy_division" if roll < 0.2 else rng.choice(["section", "deputy_section", "staff"])
                            )
                        elif kind == "county":
                            rank = (
                                "deputy_division" if roll < 0.06 else rng.choice(["section", "deputy_section", "staff"])
                            )
                        else:
                            rank = rng.choice(["deputy_section", "staff", "staff", "clerk"])
                    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                    staff = role == OFFICE_ADMIN
                    users.append((user_id, password, False, username, "", "", "", staff, True, joined))
                    cadres.append(
                        (
                            cadre_id,
                            joined,
                            joined,
                            user_id,
                            name,
                            unit.pk,
                            f"{unit.name}{'领导' if leader else '干部'}",
                            rank,
                            leader,
                            rng.random() < 0.8,
                            f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
                        )
                    )
                    links.append((first_link + n, user_id, groups[role]))
                    n += 1
            copy_rows(
                cursor,
                "auth_user",
                [
                    "id",
                    "password",
                    "is_superuser",
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "is_staff",
                    "is_active",
                    "date_joined",
                ],
                users,
            )
            copy_rows(
                cursor,
                "campaigns_cadre",
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "user_id",
                    "name",
                    "org_unit_id",
                    "title",
                    "rank",
                    "is_leader",
                    "is_party_member",
                    "phone",
                ],
                cadres,
            )
            copy_rows(cursor, "auth_user_groups", ["id", "user_id", "group_id"], links)
            for table in ("auth_user", "campaigns_cadre", "auth_user_groups"):
                advance_sequence(cursor, table)
        User = get_user_model()
        admin, _ = User.objects.get_or_create(username=SUPERUSER)
        admin.is_staff = admin.is_superuser = True
        admin.password = password
        admin.save()

    # -- campaign -------------------------------------------------------------------------
    def build_campaign(self) -> None:
        city = OrgUnit.objects.get(pk=self.city.pk)
        campaign = Campaign.objects.filter(document_number=DOCUMENT_NUMBER).first()
        if campaign is None:
            with transaction.atomic():
                campaign = self._write_campaign(city)
        self.campaign = campaign
        self.family = [campaign.pk, *campaign.children.values_list("pk", flat=True)]
        owed = MilestoneAssignment.objects.filter(milestone__campaign_id__in=self.family).count()
        self.say(f"    campaign {campaign.pk}: {owed} owed steps")

    def _write_campaign(self, city: OrgUnit) -> Campaign:
        load_plan_templates(Campaign, Phase, Milestone, Requirement)
        template = Campaign.objects.get(template_key=TEMPLATE_KEY)
        campaign = Campaign.objects.create(
            title="关于在全市开展“下基层、访民情、办实事”活动的实施方案（城市规模基准）",
            theme="下基层、访民情、办实事",
            document_number=DOCUMENT_NUMBER,
            issuing_unit=city,
            issue_date=self.start - datetime.timedelta(days=10),
            start_date=self.start,
            end_date=self.start + datetime.timedelta(days=390),
            status=Campaign.Status.ACTIVE,
            participation=Campaign.Participation.SUBTREE,
            participating_kinds=[OrgUnit.Kind.COUNTY],
        )
        campaign_services.campaign_apply_template(campaign=campaign, template=template, actor=None)
        counties = list(OrgUnit.objects.filter(pk__in=[c.pk for c in self.counties]).order_by("path"))
        campaign_services.campaign_cascade(campaign=campaign, units=counties, actor=None)
        for child in campaign.children.all():
            # Each county's plan binds the county office and its townships, as the demo's do.
            child.participating_kinds = [OrgUnit.Kind.COUNTY, OrgUnit.Kind.TOWNSHIP]
            child.status = Campaign.Status.ACTIVE
            child.save()
            campaign_services.campaign_sync_assignments(campaign=child)
        rng = self.rng
        updates = []
        for assignment in MilestoneAssignment.objects.filter(
            milestone__campaign__in=[campaign, *campaign.children.all()], completed_on__isnull=True
        ).select_related("milestone"):
            due = assignment.milestone.due_date
            if due >= self.today:
                continue
            roll = rng.random()
            if roll < 0.55:
                assignment.completed_on = max(due - datetime.timedelta(days=rng.randint(0, 10)), self.start)
            elif roll < 0.8:
                assignment.completed_on = min(due + datetime.timedelta(days=rng.randint(1, 20)), self.today)
            else:
                continue
            assignment.note = "已按方案完成，材料已归档。"
            updates.append(assignment)
        MilestoneAssignment.objects.bulk_update(updates, ["completed_on", "note"], batch_size=1000)
        return campaign

    # -- households -----------------------------------------------------------------------
    def _household_range(self, unit: Unit) -> tuple[int, int]:
        """[lo, hi) of household ids at and below ``unit``."""
        per = self.shape.households_per_village
        return self.first_household + unit.vlo * per, self.first_household + unit.vhi * per

    def build_households(self) -> None:
        first_village = self.villages[0]
        first = (
            Household.objects.filter(village_id=first_village.pk).order_by("pk").values_list("pk", flat=True).first()
        )
        if first is None:
            with transaction.atomic():
                self._write_households()
            first = (
                Household.objects.filter(village_id=first_village.pk)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        self.first_household = first
        hardship_ids = set(
            HouseholdCategory.objects.filter(code__in=HARDSHIP_CATEGORY_CODES).values_list("pk", flat=True)
        )
        lo, hi = self._household_range(self.city)
        # Per village: hardship households, poor women and poor children (the pairing pools).
        per = self.shape.households_per_village
        self.hardship = [[] for _ in self.villages]
        for household_id, _category in Household.categories.through.objects.filter(
            household_id__gte=lo, household_id__lt=hi, householdcategory_id__in=hardship_ids
        ).values_list("household_id", "householdcategory_id"):
            self.hardship[(household_id - first) // per].append(household_id)
        self.women = [[] for _ in self.villages]
        self.children = [[] for _ in self.villages]
        for member_id, household_id, woman, child in (
            HouseholdMember.objects.filter(household_id__gte=lo, household_id__lt=hi)
            .filter(Q(is_poor_woman=True) | Q(is_poor_child=True))
            .values_list("pk", "household_id", "is_poor_woman", "is_poor_child")
        ):
            v = (household_id - first) // per
            if woman:
                self.women[v].append((member_id, household_id))
            if child:
                self.children[v].append((member_id, household_id))
        self.say(f"    households {lo}–{hi - 1}")

    def _write_households(self) -> None:
        rng, per = self.rng, self.shape.households_per_village
        categories = list(HouseholdCategory.objects.order_by("pk").values_list("pk", "group"))
        must = [pk for pk, group in categories if group != HouseholdCategory.Group.OTHER] or [
            pk for pk, _ in categories
        ]
        others = [pk for pk, _ in categories]
        now = timezone.now()
        relations = ("配偶", "女儿", "儿子", "孙女", "孙子", "母亲")
        with connection.cursor() as cursor:
            first = next_id(cursor, "outreach_household")
            first_link = next_id(cursor, "outreach_household_categories")
            first_member = next_id(cursor, "outreach_householdmember")
            links, members = [], []

            def households():
                n = 0
                link_id, member_id = first_link, first_member
                for v, village in enumerate(self.villages):
                    region = f"3716{v % 100:02d}"
                    for k in range(1, per + 1):
                        pk = first + n
                        head = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                        year = rng.randint(1940, 1995)
                        first17 = (
                            f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
                        )
                        members_count = rng.randint(1, 6)
                        roll = rng.random()
                        if roll < 0.16:
                            picked = {rng.choice(must)}
                        elif roll < 0.22:
                            picked = {rng.choice(must), rng.choice(others)}
                        else:
                            picked = ()
                        for category in picked:
                            links.append((link_id, pk, category))
                            link_id += 1
                        if n % 3 == 0:
                            for m in range(min(members_count, 3)):
                                relation = relations[(n + m) % len(relations)]
                                child = relation in ("女儿", "儿子", "孙女", "孙子")
                                woman = relation in ("配偶", "女儿", "孙女", "母亲")
                                members.append(
                                    (
                                        member_id,
                                        pk,
                                        rng.choice(SURNAMES) + rng.choice(GIVEN),
                                        relation,
                                        rng.randint(2008, 2020) if child else rng.randint(1950, 1990),
                                        woman and not child and n % 9 != 6,
                                        child and n % 2 == 0,
                                        child and n % 4 == 0,
                                        0,
                                    )
                                )
                                member_id += 1
                        yield (
                            f"{pk}\t{now}\t{now}\t{village.pk}\t{k:04d}\t{head}\t{members_count}\t"
                            f"{village.name}{(k - 1) // 20 + 1}组{k}号\t"
                            f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}\t"
                            f"{first17}{id_number_check_digit(first17)}\t\t0\n"
                        )
                        n += 1

            with bulk_load(cursor, "outreach_household"):
                copy_rows(
                    cursor,
                    "outreach_household",
                    [
                        "id",
                        "created_at",
                        "updated_at",
                        "village_id",
                        "number",
                        "head_name",
                        "members_count",
                        "address",
                        "phone",
                        "id_number",
                        "notes",
                        "version",
                    ],
                    households(),
                    preformatted=True,
                )
            with bulk_load(cursor, "outreach_household_categories"):
                copy_rows(
                    cursor, "outreach_household_categories", ["id", "household_id", "householdcategory_id"], links
                )
            with bulk_load(cursor, "outreach_householdmember"):
                copy_rows(
                    cursor,
                    "outreach_householdmember",
                    [
                        "id",
                        "household_id",
                        "name",
                        "relation",
                        "birth_year",
                        "is_poor_woman",
                        "is_poor_child",
                        "is_left_behind_child",
                        "version",
                    ],
                    members,
                )
            for table in ("outreach_household", "outreach_household_categories", "outreach_householdmember"):
                advance_sequence(cursor, table)

    # -- pairings -------------------------------------------------------------------------
    def build_pairings(self) -> None:
        campaign = self.campaign
        if not Pairing.objects.filter(campaign=campaign).exists():
            with transaction.atomic():
                self._write_pairings()
        self.paired: dict[int, list[int]] = {}
        for cadre_id, household_id in Pairing.objects.filter(campaign=campaign, is_active=True).values_list(
            "cadre_id", "household_id"
        ):
            self.paired.setdefault(cadre_id, []).append(household_id)
        self.say(f"    {sum(len(v) for v in self.paired.values())} active pairings")

    def _write_pairings(self) -> None:
        """The seed's rules (outreach.demo): 副处级以上 pair with a hardship household (结穷亲), cadres
        with a poor woman and a poor child, village and township cadres support three households;
        every seventh cadre is left short of one duty so the status page has work to show."""
        rng, campaign = self.rng, self.campaign
        start = campaign.start_date
        now = timezone.now()
        taken_hardship, taken_women, taken_children = set(), set(), set()
        rows = []

        def pick(pool, unit, taken):
            span = unit.vhi - unit.vlo
            offset = rng.randrange(span)
            for step in range(min(span, 40)):
                for item in pool[unit.vlo + (offset + step) % span]:
                    key = item if isinstance(item, int) else item[0]
                    if key not in taken:
                        taken.add(key)
                        return item
            return None

        ordered = sorted(self.people, key=lambda p: (-len(p.unit.path), p.unit.path, p.pk))
        for index, person in enumerate(ordered):
            unit = person.unit
            if unit.vhi <= unit.vlo:
                unit = self.city
            if person.is_senior and index % 7 != 3:
                household = pick(self.hardship, unit, taken_hardship)
                if household:
                    rows.append((person.pk, household, None, "poor_kin", start))
            if index % 7 != 1:
                member = pick(self.women, unit, taken_women)
                if member:
                    rows.append((person.pk, member[1], member[0], "poor_woman", start))
            if index % 7 != 5:
                member = pick(self.children, unit, taken_children)
                if member:
                    rows.append(
                        (person.pk, member[1], member[0], "poor_child", start + datetime.timedelta(days=index % 20))
                    )
            if person.unit.kind in ("village", "township"):
                lo, hi = self._household_range(unit)
                for household in {rng.randrange(lo, hi) for _ in range(3)}:
                    rows.append((person.pk, household, None, "support", start))
        with connection.cursor() as cursor:
            first = next_id(cursor, "outreach_pairing")
            copy_rows(
                cursor,
                "outreach_pairing",
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "campaign_id",
                    "cadre_id",
                    "household_id",
                    "member_id",
                    "kind",
                    "start_date",
                    "is_active",
                ],
                ((first + i, now, now, campaign.pk, *row, True) for i, row in enumerate(rows)),
            )
            advance_sequence(cursor, "outreach_pairing")

    # -- visits ---------------------------------------------------------------------------
    def build_visits(self) -> None:
        exists = Visit.objects.filter(campaign_id=self.campaign.pk).exists()
        if not exists:
            with transaction.atomic():
                self._write_visits()
        self.say(f"    {Visit.objects.filter(campaign_id=self.campaign.pk).count()} visits")

    def _write_visits(self) -> None:
        rng, shape = self.rng, self.shape
        weight_of = {"village": 3.0, "township": 2.5, "county": 1.0, "city": 0.5, "office": 0.3}
        weights = []
        for person in self.people:
            weights.append(0.0 if rng.random() < 0.05 else weight_of[person.unit.kind] * rng.lognormvariate(0, 0.5))
        total = sum(weights) or 1.0
        counts = [int(w / total * shape.visits) for w in weights]
        # Hand the rounding remainder to the busiest, so the total is exact.
        short = shape.visits - sum(counts)
        busiest = sorted(range(len(counts)), key=lambda i: -weights[i])
        for i in range(short):
            counts[busiest[i % len(busiest)]] += 1
        days = [self.start + datetime.timedelta(days=d) for d in range(365)]
        day_weights = [0.35 if day.weekday() >= 5 else 1.0 for day in days]
        cum_days = list(itertools.accumulate(day_weights))
        day_text = [day.isoformat() for day in days]
        methods = ["home", "posted", "appointment", "night", "phone", "forum"]
        cum_methods = list(itertools.accumulate([55, 8, 10, 7, 15, 5]))
        books = [c.value for c in LedgerBook]
        cum_books = list(itertools.accumulate([6, 3, 1, 2]))
        learned, needs = LEARNED, NEEDS
        help_kinds = [k for k in HelpGiven.Kind.values]
        campaign_id = self.campaign.pk
        helps = []

        with connection.cursor() as cursor:
            first = next_id(cursor, "ledgers_visit")
            first_help = next_id(cursor, "ledgers_helpgiven")

            def lines():
                pk = first
                help_id = first_help
                for person, count in zip(self.people, counts, strict=True):
                    if not count:
                        continue
                    unit = person.unit if person.unit.vhi > person.unit.vlo else self.city
                    lo, hi = self._household_range(unit)
                    span = hi - lo
                    paired = self.paired.get(person.pk, ())
                    chosen_days = rng.choices(day_text, cum_weights=cum_days, k=count)
                    chosen_methods = rng.choices(methods, cum_weights=cum_methods, k=count)
                    chosen_books = rng.choices(books, cum_weights=cum_books, k=count)
                    prefix = f"\t{person.pk}\t"
                    suffix = f"\t{campaign_id}\t{person.user_id}\t0\n"
                    for day, method, book in zip(chosen_days, chosen_methods, chosen_books, strict=True):
                        roll = rng.random()
                        if paired and roll < 0.2:
                            household = paired[int(roll * 5 * len(paired))]
                        else:
                            household = lo + int(rng.random() * span)
                        if roll > 0.97:
                            book = "bangfu"
                            kind = help_kinds[int((roll - 0.97) * 100 * len(help_kinds) / 3) % len(help_kinds)]
                            amount = 500 if kind in ("hardship", "condolence", "education", "startup") else None
                            helps.append((help_id, f"{day} 18:00+08", f"{day} 18:00+08", pk, kind, amount, ""))
                            help_id += 1
                        yield (
                            f"{pk}\t{day} 18:00+08\t{day} 18:00+08{prefix}{household}\t{day}\t{method}\t{book}\t"
                            f"{learned[pk % len(learned)]}\t{needs[pk % len(needs)]}{suffix}"
                        )
                        pk += 1

            with bulk_load(cursor, "ledgers_visit"):
                copy_rows(
                    cursor,
                    "ledgers_visit",
                    [
                        "id",
                        "created_at",
                        "updated_at",
                        "cadre_id",
                        "household_id",
                        "visited_on",
                        "method",
                        "ledger_book",
                        "learned",
                        "needs",
                        "campaign_id",
                        "recorded_by_id",
                        "version",
                    ],
                    lines(),
                    preformatted=True,
                )
            advance_sequence(cursor, "ledgers_visit")
            with bulk_load(cursor, "ledgers_helpgiven"):
                copy_rows(
                    cursor,
                    "ledgers_helpgiven",
                    ["id", "created_at", "updated_at", "visit_id", "kind", "amount", "description"],
                    helps,
                )
            advance_sequence(cursor, "ledgers_helpgiven")

    # -- forums, reception days, liaison points -------------------------------------------
    def build_meetings(self) -> None:
        if Forum.objects.filter(campaign=self.campaign).exists():
            self._load_meetings()
            return
        with transaction.atomic():
            self._write_meetings()
        self._load_meetings()

    def _load_meetings(self) -> None:
        self.forums = list(
            Forum.objects.filter(campaign=self.campaign).values_list("pk", "village_id", "held_at").order_by("pk")
        )
        self.reception_days = list(
            ReceptionDay.objects.filter(campaign=self.campaign).values_list("pk", "leader_id", "held_on").order_by("pk")
        )
        self.say(f"    {len(self.forums)} forums, {len(self.reception_days)} reception days")

    def _write_meetings(self) -> None:
        rng, campaign = self.rng, self.campaign
        now = timezone.now()
        forums, leads = [], []
        with connection.cursor() as cursor:
            first = next_id(cursor, "outreach_forum")
            first_lead = next_id(cursor, "outreach_forum_leading_cadres")
            for village in self.villages:
                town = village.parent
                leaders = [p for p in (*town.cadres, *town.parent.cadres) if p.is_leader]
                for _ in range(1 + (rng.random() < 0.5)):
                    day = self.start + datetime.timedelta(days=rng.randrange(364))
                    held = f"{day.isoformat()} 15:00+08"
                    notice = day - datetime.timedelta(days=rng.choice((1, 2, 3, 5, 7, 8)))
                    pk = first + len(forums)
                    forums.append(
                        (
                            pk,
                            now,
                            now,
                            village.pk,
                            campaign.pk,
                            "群众访谈日",
                            held,
                            f"{village.name}党群服务中心",
                            notice,
                            rng.randint(12, 80),
                            "",
                            "围绕道路硬化、养老服务、就业培训等群众关心的问题开展访谈。",
                            0,
                        )
                    )
                    for leader in rng.sample(leaders, k=min(2, len(leaders))):
                        leads.append((first_lead + len(leads), pk, leader.pk))
            copy_rows(
                cursor,
                "outreach_forum",
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "village_id",
                    "campaign_id",
                    "title",
                    "held_at",
                    "place",
                    "notice_posted_on",
                    "attendance",
                    "attendee_list",
                    "summary",
                    "version",
                ],
                forums,
            )
            copy_rows(cursor, "outreach_forum_leading_cadres", ["id", "forum_id", "cadre_id"], leads)
            channels = ("in_person", "hotline", "online")
            places = {"in_person": "信访接待室", "hotline": "12338", "online": "网上信访平台"}
            days = []
            first_day = next_id(cursor, "outreach_receptionday")
            for person in self.people:
                if not person.is_leader:
                    continue
                # About every three weeks over the year.
                offset = rng.randrange(21)
                while offset < 364:
                    channel = channels[(offset // 21 + person.pk) % 3]
                    days.append(
                        (
                            first_day + len(days),
                            now,
                            now,
                            person.pk,
                            campaign.pk,
                            self.start + datetime.timedelta(days=offset),
                            channel,
                            places[channel],
                            rng.randint(2, 12),
                            "接待来访群众，现场解答政策咨询。",
                            0,
                        )
                    )
                    offset += rng.randint(14, 28)
            copy_rows(
                cursor,
                "outreach_receptionday",
                [
                    "id",
                    "created_at",
                    "updated_at",
                    "leader_id",
                    "campaign_id",
                    "held_on",
                    "channel",
                    "place",
                    "visitors_count",
                    "notes",
                    "version",
                ],
                days,
            )
            for table in ("outreach_forum", "outreach_forum_leading_cadres", "outreach_receptionday"):
                advance_sequence(cursor, table)
        points = []
        for unit in [self.city, *self.counties, *self.townships]:
            leader = next((p for p in unit.cadres if p.is_leader), None)
            for v in (unit.vhi - 1, unit.vhi - 2):
                points.append(
                    LiaisonPoint(
                        campaign=campaign,
                        village_id=self.villages[v].pk,
                        leader_id=leader.pk if leader else None,
                        unit_id=unit.pk,
                    )
                )
        LiaisonPoint.objects.bulk_create(points, batch_size=1000)

    # -- demands --------------------------------------------------------------------------
    def build_demands(self) -> None:
        if Demand.objects.filter(campaign=self.campaign).exists():
            return
        with transaction.atomic():
            self._write_demands()

    def _write_demands(self) -> None:
        rng, shape, today = self.rng, self.shape, self.today
        per = shape.households_per_village
        categories = dict(DemandCategory.objects.values_list("code", "pk"))
        fallback = next(iter(categories.values()))
        village_of_household = lambda household: self.villages[(household - self.first_household) // per]  # noqa: E731
        reception_leader = {p.pk: p for p in self.people}
        statuses = ["received", "on_ledger", "in_progress", "resolved", "replied", "closed"]
        cum_status = list(itertools.accumulate([15, 12, 15, 13, 15, 30]))
        sources = ["visit", "forum", "reception", "hotline", "mailbox", "walk_in"]
        cum_sources = list(itertools.accumulate([55, 8, 7, 12, 8, 10]))
        channels = ["letter", "in_person", "phone", "message"]
        now = timezone.now()
        demand_rows, event_rows = [], []
        # The visits demands come from: every k-th visit of the campaign, in id order.
        every = max(1, shape.visits // shape.demands)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, household_id, visited_on, cadre_id FROM ledgers_visit "
                "WHERE campaign_id = %s AND id %% %s = 0 LIMIT %s",
                [self.campaign.pk, every, shape.demands],
            )
            sample = cursor.fetchall()

        def leader_user(unit):
            while unit is not None:
                for person in unit.cadres:
                    if person.is_leader:
                        return person.user_id
                unit = unit.parent
            return None

        with connection.cursor() as cursor:
            first = next_id(cursor, "ledgers_demand")
            first_event = next_id(cursor, "ledgers_demandevent")
            for n in range(shape.demands):
                pk = first + n
                source = rng.choices(sources, cum_weights=cum_sources)[0]
                visit_id = forum_id = reception_id = household = None
                person_name = ""
                if source == "visit" and sample:
                    visit_id, household, received, _cadre = sample[n % len(sample)]
                    village = village_of_household(household)
                elif source == "forum" and self.forums:
                    forum_id, village_pk, held = self.forums[rng.randrange(len(self.forums))]
                    village = self._village_by_pk(village_pk)
                    received = timezone.localtime(held).date()
                    person_name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                elif source == "reception" and self.reception_days:
                    reception_id, leader_id, received = self.reception_days[rng.randrange(len(self.reception_days))]
                    unit = reception_leader[leader_id].unit
                    if unit.vhi <= unit.vlo:
                        unit = self.city
                    village = self.villages[rng.randrange(unit.vlo, unit.vhi)]
                    person_name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                else:
                    source = source if source not in ("visit", "forum", "reception") else "hotline"
                    village = self.villages[rng.randrange(len(self.villages))]
                    received = self.start + datetime.timedelta(days=rng.randrange(364))
                    if rng.random() < 0.5:
                        lo, _hi = self._household_range(village)
                        household = lo + rng.randrange(per)
                    else:
                        person_name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                code, title = DEMANDS[n % len(DEMANDS)]
                category = categories.get(code, fallback)
                status = rng.choices(statuses, cum_weights=cum_status)[0]
                township = village.parent
                town_people = township.cadres or township.parent.cadres
                village_people = village.cadres or town_people
                received_by = rng.choice(village_people).pk if village_people else None
                actor = leader_user(village)
                on_spot = status in ("resolved", "replied", "closed") and rng.random() < 0.3
                tier = deadline = responsible_unit = responsible_person = coordinator = None
                resolved_on = replied_on = closed_on = closed_by = escalated_at = escalated_to = None
                resolution = reply_text = reply_channel = ""
                events = [("raise", "", "received", received, title)]
                if status != "received" and not on_spot:
                    tier = rng.choice(["village", "township", "township", "county"])
                    deadline = received + datetime.timedelta(days=rng.choice([7, 15, 30, 45]))
                    responsible_unit = township.pk
                    responsible_person = rng.choice(town_people).pk if town_people and rng.random() < 0.85 else None
                    coordinator = rng.choice(village_people).pk if village_people else None
                    events.append(("place_on_ledger", "received", "on_ledger", received, "列入整改台账"))
                    if status != "on_ledger":
                        day = min(today, received + datetime.timedelta(days=rng.randint(1, 10)))
                        events.append(("progress", "on_ledger", "in_progress", day, "已与相关部门对接，正在办理。"))
                if status in ("resolved", "replied", "closed"):
                    if on_spot:
                        resolved_on = received
                        events.append(("resolve_on_spot", "received", "resolved", received, "当场答复并协调解决。"))
                    else:
                        resolved_on = min(today, received + datetime.timedelta(days=rng.randint(2, 40)))
                        events.append(
                            ("resolve", "in_progress", "resolved", resolved_on, "问题已解决，当事人表示满意。")
                        )
                    resolution = "问题已解决，当事人表示满意。"
                if status in ("replied", "closed"):
                    replied_on = min(today, resolved_on + datetime.timedelta(days=rng.randint(0, 5)))
                    reply_channel = rng.choice(channels)
                    reply_text = "您反映的问题已办结，特此书面答复。"
                    events.append(("reply", "resolved", "replied", replied_on, reply_text))
                if status == "closed":
                    closed_on = min(today, replied_on + datetime.timedelta(days=rng.randint(0, 10)))
                    closed_by = actor
                    events.append(("close", "replied", "closed", closed_on, "经核实，同意销号。"))
                if status in ("on_ledger", "in_progress") and deadline < today and rng.random() < 0.5:
                    escalated_at = f"{deadline + datetime.timedelta(days=1)} 08:00+08"
                    escalated_to = township.parent.pk
                    events.append(("escalate", status, status, deadline + datetime.timedelta(days=1), "逾期督办"))
                for action, from_status, to_status, day, note in events:
                    event_rows.append(
                        (
                            first_event + len(event_rows),
                            pk,
                            f"{day} 10:00+08",
                            actor,
                            action,
                            from_status,
                            to_status,
                            note,
                        )
                    )
                demand_rows.append(
                    (
                        pk,
                        now,
                        now,
                        self.campaign.pk,
                        village.pk,
                        source,
                        visit_id,
                        forum_id,
                        reception_id,
                        household,
                        person_name,
                        "",
                        category,
                        title,
                        "",
                        received,
                        received_by,
                        coordinator,
                        responsible_unit,
                        responsible_person,
                        status,
                        tier or "",
                        deadline,
                        resolved_on,
                        on_spot,
                        resolution,
                        replied_on,
                        reply_channel,
                        reply_text,
                        bool(replied_on),
                        bool(replied_on),
                        bool(replied_on),
                        closed_on,
                        closed_by,
                        0,
                        escalated_at,
                        escalated_to,
                        0,
                    )
                )
            with bulk_load(cursor, "ledgers_demand"):
                copy_rows(
                    cursor,
                    "ledgers_demand",
                    [
                        "id",
                        "created_at",
                        "updated_at",
                        "campaign_id",
                        "unit_id",
                        "source",
                        "visit_id",
                        "forum_id",
                        "reception_day_id",
                        "household_id",
                        "person_name",
                        "person_phone",
                        "category_id",
                        "title",
                        "description",
                        "received_on",
                        "received_by_id",
                        "coordinator_id",
                        "responsible_unit_id",
                        "responsible_person_id",
                        "status",
                        "tier",
                        "deadline",
                        "resolved_on",
                        "resolved_on_spot",
                        "resolution",
                        "replied_on",
                        "reply_channel",
                        "reply_text",
                        "reply_copy_office",
                        "reply_copy_liaison",
                        "reply_copy_village",
                        "closed_on",
                        "closed_by_id",
                        "reopened_count",
                        "escalated_at",
                        "escalated_to_id",
                        "version",
                    ],
                    demand_rows,
                )
            advance_sequence(cursor, "ledgers_demand")
            with bulk_load(cursor, "ledgers_demandevent"):
                copy_rows(
                    cursor,
                    "ledgers_demandevent",
                    ["id", "demand_id", "at", "actor_id", "action", "from_status", "to_status", "note"],
                    event_rows,
                )
            advance_sequence(cursor, "ledgers_demandevent")

    def _village_by_pk(self, pk: int) -> Unit:
        if not hasattr(self, "_villages_by_pk"):
            self._villages_by_pk = {v.pk: v for v in self.villages}
        return self._villages_by_pk[pk]

    # -- pledges --------------------------------------------------------------------------
    def build_pledges(self) -> None:
        if Pledge.objects.filter(campaign=self.campaign).exists():
            return
        with transaction.atomic():
            self._write_pledges()

    def _write_pledges(self) -> None:
        rng, today = self.rng, self.today
        categories = list(PledgeCategory.objects.values_list("pk", flat=True))
        states = ["draft", "submitted", "returned", "approved", "published", "withdrawn"]
        cum_states = list(itertools.accumulate([8, 8, 4, 15, 60, 5]))
        titles = [
            "村内道路硬化",
            "建设留守儿童之家",
            "开展技能培训",
            "修缮村级文化广场",
            "安装太阳能路灯",
            "走访慰问困难群众",
        ]
        owners = self.counties + self.townships + self.villages
        cum_owner = list(
            itertools.accumulate([2.0] * len(self.counties) + [4.0] * len(self.townships) + [0.5] * len(self.villages))
        )
        now = timezone.now()
        pledges, progress = [], []
        with connection.cursor() as cursor:
            first = next_id(cursor, "ledgers_pledge")
            first_progress = next_id(cursor, "ledgers_pledgeprogress")
            for n in range(self.shape.pledges):
                pk = first + n
                unit = owners[bisect.bisect_left(cum_owner, rng.random() * cum_owner[-1])]
                people = unit.cadres or unit.parent.cadres
                person = rng.choice(people) if people else None
                approver = next((p for p in (*unit.cadres, *unit.parent.cadres) if p.is_leader), person)
                state = rng.choices(states, cum_weights=cum_states)[0]
                deadline = self.start + datetime.timedelta(days=rng.randint(30, 390))
                created = self.start + datetime.timedelta(days=rng.randint(0, 60))
                visibility = "public" if state == "published" or rng.random() < 0.85 else "internal"
                committed = state in ("approved", "published", "withdrawn")
                status, percent, last_progress, completed_on, note = "not_started", 0, None, None, ""
                if committed:
                    roll = rng.random()
                    if roll < 0.15:
                        pass
                    elif roll < 0.45 or (roll < 0.55 and deadline >= today):
                        status, percent = "in_progress", rng.randint(10, 90)
                    elif roll < 0.55:
                        status, percent = "overdue", rng.randint(20, 80)
                    else:
                        status, percent = "completed", 100
                if status != "not_started":
                    steps = sorted(rng.sample(range(5, 100, 5), k=min(3, percent // 5 or 1)))
                    steps = [p for p in steps if p < percent][:3] + [percent]
                    day = created + datetime.timedelta(days=7)
                    for step_percent in steps:
                        day = min(today, day + datetime.timedelta(days=rng.randint(7, 40)))
                        progress.append(
                            (
                                first_progress + len(progress),
                                pk,
                                day,
                                step_percent,
                                "按计划推进，已完成阶段性任务。",
                                "",
                                (person or approver).user_id,
                                f"{day} 17:00+08",
                            )
                        )
                    last_progress = day
                    if status == "completed":
                        completed_on, note = day, "项目已完成，群众满意。"
                approved_at = f"{created + datetime.timedelta(days=5)} 09:00+08" if committed else None
                withdrawn = state == "withdrawn"
                pledges.append(
                    (
                        pk,
                        now,
                        now,
                        self.campaign.pk,
                        unit.pk,
                        rng.choice(categories),
                        f"{unit.name}{titles[n % len(titles)]}",
                        "为群众办实事，解决急难愁盼问题。",
                        "按期完成，群众满意度达到90%以上。",
                        deadline,
                        unit.pk,
                        person.pk if person and rng.random() < 0.9 else None,
                        "明确责任人，倒排工期，定期调度。",
                        rng.choice(["recipients", "local_public", "both"]),
                        "",
                        visibility,
                        "none",
                        None,
                        "",
                        state,
                        f"{created + datetime.timedelta(days=2)} 09:00+08" if state != "draft" else None,
                        approved_at,
                        approver.user_id if committed and approver else None,
                        f"{created + datetime.timedelta(days=6)} 09:00+08" if state == "published" else None,
                        "请补充具体措施。" if state == "returned" else "",
                        f"{created + datetime.timedelta(days=30)} 09:00+08" if withdrawn else None,
                        approver.user_id if withdrawn and approver else None,
                        "项目调整，另行安排。" if withdrawn else "",
                        status,
                        percent,
                        last_progress,
                        completed_on,
                        note,
                        person.user_id if person else None,
                        0,
                    )
                )
            with bulk_load(cursor, "ledgers_pledge"):
                copy_rows(
                    cursor,
                    "ledgers_pledge",
                    [
                        "id",
                        "created_at",
                        "updated_at",
                        "campaign_id",
                        "org_unit_id",
                        "category_id",
                        "title",
                        "content",
                        "target",
                        "deadline",
                        "responsible_unit_id",
                        "responsible_person_id",
                        "measures",
                        "audience",
                        "recipients",
                        "visibility",
                        "origin_kind",
                        "origin_object_id",
                        "origin_note",
                        "approval_state",
                        "submitted_at",
                        "approved_at",
                        "approved_by_id",
                        "published_at",
                        "return_comment",
                        "withdrawn_at",
                        "withdrawn_by_id",
                        "withdrawal_reason",
                        "status",
                        "percent",
                        "last_progress_on",
                        "completed_on",
                        "completion_note",
                        "created_by_id",
                        "version",
                    ],
                    pledges,
                )
            advance_sequence(cursor, "ledgers_pledge")
            with bulk_load(cursor, "ledgers_pledgeprogress"):
                copy_rows(
                    cursor,
                    "ledgers_pledgeprogress",
                    ["id", "pledge_id", "reported_on", "percent", "note", "photo", "reported_by_id", "created_at"],
                    progress,
                )
            advance_sequence(cursor, "ledgers_pledgeprogress")

    # -- reports and reminders ------------------------------------------------------------
    def build_reports_and_reminders(self) -> None:
        with transaction.atomic():
            for requirement in Requirement.objects.filter(
                campaign_id__in=self.family, kind=Requirement.Kind.REPORTS_EVERY
            ):
                evaluation_services.report_schedule_create(requirement=requirement)
            rng = random.Random(20260531)  # noqa: S311  (made-up data, reproducible)
            submitted = []
            for report in Report.objects.filter(
                campaign_id__in=self.family, submitted_on__isnull=True, due_date__lt=self.today
            ).order_by("due_date", "unit__path"):
                if rng.random() < 0.7:
                    report.submitted_on = report.due_date - datetime.timedelta(days=rng.randint(0, 5))
                    report.content = "本期活动开展情况汇总。"
                    submitted.append(report)
            Report.objects.bulk_update(submitted, ["submitted_on", "content"], batch_size=1000)
        # The deadline engine's own sync (idempotent: a second run creates nothing).
        for kind in (
            "campaigns.milestone_assignment",
            "campaigns.campaign_end",
            "evaluations.report",
            "ledgers.demand",
            "ledgers.pledge",
        ):
            result = reminders_sync_kind(kind_key=kind)
            self.say(f"    reminders {kind}: {result.created} created")


def build(*, scale: float, stdout=None) -> dict[str, float]:
    """Build (or complete) the bench data set at ``scale``; returns seconds per stage.

    Raises BenchDataError on a database that is not PostgreSQL or that holds another scale.
    """
    return Builder(scale=scale, stdout=stdout).build()


def counts() -> dict[str, int]:
    """Rows of the bench data set per table (for the command's summary and the test)."""
    root = OrgUnit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {}
    campaign = Campaign.objects.filter(document_number=DOCUMENT_NUMBER).first()
    q = root.subtree_q
    return {
        "units": OrgUnit.objects.filter(q()).count(),
        "cadres": Cadre.objects.filter(q("org_unit__")).count(),
        "households": Household.objects.filter(q("village__")).count(),
        "members": HouseholdMember.objects.filter(q("household__village__")).count(),
        "pairings": Pairing.objects.filter(campaign=campaign).count(),
        "visits": Visit.objects.filter(campaign=campaign).count(),
        "help_given": HelpGiven.objects.filter(visit__campaign=campaign).count(),
        "demands": Demand.objects.filter(campaign=campaign).count(),
        "demand_events": DemandEvent.objects.filter(demand__campaign=campaign).count(),
        "pledges": Pledge.objects.filter(campaign=campaign).count(),
        "pledge_progress": PledgeProgress.objects.filter(pledge__campaign=campaign).count(),
        "forums": Forum.objects.filter(campaign=campaign).count(),
        "reception_days": ReceptionDay.objects.filter(campaign=campaign).count(),
        "owed_steps": MilestoneAssignment.objects.filter(q("unit__")).count(),
        "reports": Report.objects.filter(q("unit__")).count(),
    }
