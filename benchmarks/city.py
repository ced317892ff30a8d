"""Every page a user opens daily, on the city-scale data set, as each role; then a load run.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/mq_bench_city
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py bench_data      # once, ~15 min
    .venv/bin/python benchmarks/city.py                  # pages, then the load run
    .venv/bin/python benchmarks/city.py --pages-only --only 'visit|plan' --runs 20
    .venv/bin/python benchmarks/city.py --load-only --users 8,32 --seconds 60

Pages: Django's test client, DEBUG off, full middleware and templates, one warm-up request and
``--runs`` timed ones per row (3 when the warm-up took over 3 s, 1 over 20 s); p50/p95 in ms, queries of the
last request, HTML size and ``<option>`` count. Beside each row the plain-SQL floor: the same
rows fetched by one hand-written statement (or the ORM's own statement run bare) in the same run,
so the ratio survives a noisy machine. Every statement is cut at ``--statement-timeout`` seconds.

Load: gunicorn with production settings (4 sync workers, port 8033) and locust (headless,
FastHttpUser, no think time) on the issue's mix: 25% visit-entry page, 40% household search,
15% demand list, 20% ledger page (四本账), as township data-entry users of 16 townships.
"""

import argparse
import contextlib
import csv
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # one line per force_login otherwise

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from core import dates  # noqa: E402
from core.navigation import home_url_name_for  # noqa: E402
from core.roles import DATA_ENTRY, GROUP_NAMES  # noqa: E402
from evaluations import benchdata  # noqa: E402
from ledgers.models import Visit  # noqa: E402
from org.models import Cadre, OrgUnit  # noqa: E402
from outreach.models import Household, HouseholdCategory  # noqa: E402

PORT = 8033
POST_MARK = "基准压测走访"  # visits the POST rows write; removed at the end of the run


@dataclass
class Page:
    group: str
    label: str
    user: str
    url: str
    floor: tuple[str, list] | None = None
    post: dict | None = None
    urls: list = field(default_factory=list)  # several inputs: the runs cycle through them


@dataclass
class Result:
    page: Page
    status: int | str
    times: list
    queries: int
    size: int
    options: int
    floor_ms: float | None

    @property
    def p50(self):
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self):
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------
# The world of the data set


class World:
    def __init__(self):
        User = get_user_model()
        self.users = {name: User.objects.get(username=name) for name in (*benchdata.NAMED_USERS, benchdata.SUPERUSER)}
        self.campaign = Campaign.objects.get(document_number=benchdata.DOCUMENT_NUMBER)
        self.city = OrgUnit.objects.get(code=benchdata.CITY_CODE)
        self.county = Cadre.objects.get(user=self.users["bench_county_leader"]).org_unit
        self.township = Cadre.objects.get(user=self.users["bench_town_staff"]).org_unit
        self.village = Cadre.objects.get(user=self.users["bench_village_cadre"]).org_unit
        # The county's own data-entry user (the county leader has no visit entry, hence no search).
        self.users["county_staff"] = (
            User.objects.filter(cadre__org_unit=self.county, groups__name=GROUP_NAMES[DATA_ENTRY])
            .order_by("pk")
            .first()
        )
        self.county_campaign = self.campaign.children.filter(issuing_unit=self.county).first() or self.campaign
        self.town_cadre = Cadre.objects.get(user=self.users["bench_town_staff"])
        self.today = dates.today()
        self.month = self.today.strftime("%Y-%m")
        sample = list(
            Household.objects.filter(self.township.subtree_q("village__"))
            .order_by("pk")
            .values("pk", "head_name", "address", "number", "phone")[:8000]
        )
        sample = sample[:: max(1, len(sample) // 40)][:40]
        self.households = sample
        self.must_visit = list(
            HouseholdCategory.objects.exclude(group=HouseholdCategory.Group.OTHER).values_list("pk", flat=True)
        )


def path_like(unit) -> str:
    return unit.path + "%"


# ---------------------------------------------------------------------------------------------
# Floors: the same data by plain SQL


def visit_list_floor(unit, extra="", params=()):
    return (
        "SELECT v.id, v.visited_on, v.method, v.ledger_book, h.head_name, c.name, u.name FROM ledgers_visit v"  # noqa: S608  (our own fragments; values are parameters)
        " JOIN outreach_household h ON h.id = v.household_id JOIN campaigns_orgunit u ON u.id = h.village_id"
        " JOIN campaigns_cadre c ON c.id = v.cadre_id WHERE u.path LIKE %s" + extra + " ORDER BY v.visited_on DESC,"
        " v.id DESC LIMIT 25",
        [path_like(unit), *params],
    )


def demand_list_floor(unit, extra="", params=()):
    return (
        "SELECT d.id, d.title, d.status, d.received_on, u.name FROM ledgers_demand d"  # noqa: S608  (our own fragments; values are parameters)
        " JOIN campaigns_orgunit u ON u.id = d.unit_id WHERE u.path LIKE %s" + extra + " ORDER BY d.received_on DESC,"
        " d.id DESC LIMIT 25",
        [path_like(unit), *params],
    )


def pledge_list_floor(unit, extra="", params=()):
    return (
        "SELECT p.id, p.title, p.status, p.deadline, u.name FROM ledgers_pledge p"  # noqa: S608  (our own fragments; values are parameters)
        " JOIN campaigns_orgunit u ON u.id = p.org_unit_id WHERE u.path LIKE %s" + extra + " ORDER BY p.deadline, p.id"
        " LIMIT 25",
        [path_like(unit), *params],
    )


def search_floor(unit, q):
    q = q.strip()
    if len(q) < 3:
        where, params = "(h.head_name LIKE %s OR h.number LIKE %s)", [q + "%", q + "%"]
    else:
        where = "(h.head_name LIKE %s OR h.address LIKE %s OR h.phone LIKE %s OR h.number LIKE %s)"
        params = [f"%{q}%", f"%{q}%", f"%{q}", q + "%"]
    return (
        "SELECT h.id, h.head_name, h.address, u.name FROM outreach_household h JOIN campaigns_orgunit u"  # noqa: S608  (our own fragments; values are parameters)
        f" ON u.id = h.village_id WHERE u.path LIKE %s AND {where} ORDER BY h.head_name, h.id LIMIT 15",
        [path_like(unit), *params],
    )


def plan_floor(world, unit):
    """Visits per cadre and covered must-visit households of the unit's subtree: the plan's two big counts."""
    start = world.campaign.start_date
    return (
        "SELECT (SELECT count(*) FROM (SELECT v.cadre_id, count(*) FROM ledgers_visit v JOIN campaigns_cadre c"
        " ON c.id = v.cadre_id JOIN campaigns_orgunit cu ON cu.id = c.org_unit_id WHERE cu.path LIKE %s"
        " AND v.visited_on >= %s GROUP BY v.cadre_id) per_cadre),"
        " (SELECT count(*) FROM outreach_household h JOIN campaigns_orgunit u ON u.id = h.village_id"
        " WHERE u.path LIKE %s AND EXISTS (SELECT 1 FROM outreach_household_categories hc"
        " WHERE hc.household_id = h.id AND hc.householdcategory_id = ANY(%s))"
        " AND EXISTS (SELECT 1 FROM ledgers_visit v WHERE v.household_id = h.id AND v.visited_on >= %s))",
        [path_like(unit), start, path_like(unit), world.must_visit, start],
    )


def orm_floor(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def session_floor(user):
    """What every signed-in request reads: its session row, the user, the user's groups."""
    return (
        "SELECT (SELECT count(*) FROM django_session WHERE expire_date > now() AND session_key = 'x'),"
        " (SELECT username FROM auth_user WHERE id = %s),"
        " (SELECT count(*) FROM auth_user_groups WHERE user_id = %s)",
        [user.pk, user.pk],
    )


# ---------------------------------------------------------------------------------------------
# The pages


def pages(world) -> list[Page]:
    w = world
    CL, CO, KL, TS, VC, AU, SU = (
        "bench_city_leader",
        "bench_city_office",
        "bench_county_leader",
        "bench_town_staff",
        "bench_village_cadre",
        "bench_auditor",
        benchdata.SUPERUSER,
    )
    unit_of = {CL: w.city, CO: w.city, KL: w.county, TS: w.township, VC: w.village, AU: w.city, SU: w.city}
    rows = []

    # Landing pages: where "/" sends each role.
    for user in (CL, CO, KL, TS, VC, AU, SU):
        name = home_url_name_for(w.users[user])
        url = reverse(name) if name else "/?stay=1"
        rows.append(Page("landing", f"landing page ({name or 'dashboard'})", user, url, session_floor(w.users[user])))

    # The plan page.
    for user, campaign, unit in ((CL, w.campaign, w.city), (CO, w.campaign, w.city), (KL, w.county_campaign, w.county)):
        rows.append(
            Page(
                "plan",
                f"plan page ({unit.kind})",
                user,
                reverse("campaigns:campaign_plan", args=[campaign.pk]),
                plan_floor(w, unit),
            )
        )

    # Visit entry: the page, then the POST (one new visit per run, no campaign so the set stays exact).
    for user in (TS, VC):
        rows.append(
            Page("entry", "visit entry page", user, reverse("ledgers:visit_entry"), session_floor(w.users[user]))
        )
    household = w.households[0]["pk"]
    post = {
        "household": household,
        "cadre": w.town_cadre.pk,
        "visited_on": w.today.isoformat(),
        "method": "home",
        "ledger_book": "minqing",
        "campaign": "",
        "learned": POST_MARK,
        "needs": "",
        "help-TOTAL_FORMS": "0",
        "help-INITIAL_FORMS": "0",
        "help-MIN_NUM_FORMS": "0",
        "help-MAX_NUM_FORMS": "8",
        "save_and_add": "1",
    }
    insert_floor = (
        "SELECT h.id, c.id FROM outreach_household h, campaigns_cadre c WHERE h.id = %s AND c.id = %s",
        [household, w.town_cadre.pk],
    )
    rows.append(Page("entry", "visit POST (save and add)", TS, reverse("ledgers:visit_entry"), insert_floor, post=post))
    help_post = {
        **post,
        "help-TOTAL_FORMS": "1",
        "help-0-kind": "hardship",
        "help-0-amount": "500",
        "help-0-description": "特困救助金",
    }
    rows.append(
        Page("entry", "visit POST with one help item", TS, reverse("ledgers:visit_entry"), insert_floor, post=help_post)
    )

    # Household search by input kind and scope (htmx partial; the runs cycle through 5 inputs).
    hs = w.households
    kinds = {
        "surname, 1 char (prefix)": [h["head_name"][0] for h in hs[:5]],
        "name, 2 chars (prefix)": [h["head_name"][:2] for h in hs[5:10]],
        "full name, 3 chars (contains)": [h["head_name"] for h in hs if len(h["head_name"]) == 3][:5],
        "address fragment (contains)": [h["address"][-5:] for h in hs[10:15]],
        "household number (prefix)": [h["number"] for h in hs[15:20]],
        "phone tail, 4 digits": [h["phone"][-4:] for h in hs[20:25]],
    }
    search = reverse("ledgers:household_search")
    # Who types into the search: the township's data-entry user, the county's, and the city office.
    for searcher, scope, unit in (
        (TS, "township", w.township),
        ("county_staff", "county", w.county),
        (CO, "city", w.city),
    ):
        for kind, inputs in kinds.items():
            urls = [f"{search}?q={q}" for q in inputs]
            rows.append(
                Page(
                    "search",
                    f"search {scope}: {kind}",
                    searcher,
                    urls[0],
                    search_floor(unit, inputs[0]),
                    urls=urls,
                )
            )

    # Staff lists and their filters, as the city leader, the county leader and the township.
    town = w.township.code
    month_first = w.today.replace(day=1)
    for user in (CL, KL, TS):
        unit = unit_of[user]
        vl, dl, pl = reverse("ledgers:visit_list"), reverse("ledgers:demand_list"), reverse("pledges:pledge_list")
        rows += [
            Page("lists", "visit list", user, vl, visit_list_floor(unit)),
            Page("lists", "visit list, page 40", user, vl + "?page=40", visit_list_floor(unit)),
            Page(
                "lists",
                "visit list, book=bangfu",
                user,
                vl + "?book=bangfu",
                visit_list_floor(unit, " AND v.ledger_book = %s", ["bangfu"]),
            ),
            Page(
                "lists",
                "visit list, method=night + this month",
                user,
                f"{vl}?method=night&date_from={month_first}&date_to={w.today}",
                visit_list_floor(unit, " AND v.method = %s AND v.visited_on >= %s", ["night", month_first]),
            ),
            Page(
                "lists",
                "visit list, q=name",
                user,
                f"{vl}?q={hs[0]['head_name']}",
                visit_list_floor(unit, " AND h.head_name LIKE %s", [hs[0]["head_name"] + "%"]),
            ),
            Page("lists", "visit list, unit=township", user, f"{vl}?unit={town}", visit_list_floor(w.township)),
            Page("lists", "demand list", user, dl, demand_list_floor(unit)),
            Page(
                "lists",
                "demand list, status=in_progress",
                user,
                dl + "?status=in_progress",
                demand_list_floor(unit, " AND d.status = %s", ["in_progress"]),
            ),
            Page(
                "lists",
                "demand list, overdue",
                user,
                dl + "?overdue=1",
                demand_list_floor(unit, " AND d.status IN ('on_ledger','in_progress') AND d.deadline < %s", [w.today]),
            ),
            Page("lists", "demand list, unit=township", user, f"{dl}?unit={town}", demand_list_floor(w.township)),
            Page("lists", "pledge list (办实事台帐)", user, pl, pledge_list_floor(unit)),
            Page(
                "lists",
                "pledge list, status=overdue",
                user,
                pl + "?status=overdue",
                pledge_list_floor(unit, " AND p.status = %s", ["overdue"]),
            ),
            Page(
                "lists", "pledge list, unit=township", user, f"{pl}?unit={w.township.pk}", pledge_list_floor(w.township)
            ),
        ]

    # The four books, 三查三看, pairing status.
    books = reverse("ledgers:ledger_books")
    for user in (CL, TS):
        unit = unit_of[user]
        for book in ("minqing", "bangfu", "zuzhi", "wending"):
            rows.append(
                Page(
                    "books",
                    f"four books: {book}, this month",
                    user,
                    f"{books}?book={book}&month={w.month}",
                    visit_list_floor(unit, " AND v.ledger_book = %s AND v.visited_on >= %s", [book, month_first]),
                )
            )
    three = reverse("evaluations:three_checks")
    three_floor = lambda unit: (  # noqa: E731
        "SELECT p.status, count(*) FROM ledgers_pledge p JOIN campaigns_orgunit u ON u.id = p.org_unit_id"
        " WHERE u.path LIKE %s GROUP BY p.status",
        [path_like(unit)],
    )
    rows += [
        Page("checks", "三查三看 (city)", CL, three, three_floor(w.city)),
        Page(
            "checks",
            "三查三看 (township)",
            TS,
            f"{three}?unit={town}&campaign={w.campaign.pk}",
            three_floor(w.township),
        ),
    ]
    status_floor = lambda unit: (  # noqa: E731
        "SELECT p.cadre_id, count(*) FROM outreach_pairing p JOIN campaigns_cadre c ON c.id = p.cadre_id"
        " JOIN campaigns_orgunit u ON u.id = c.org_unit_id WHERE u.path LIKE %s AND p.is_active AND p.campaign_id = %s"
        " GROUP BY p.cadre_id",
        [path_like(unit), w.campaign.pk],
    )
    for user in (CL, KL, TS):
        unit = unit_of[user]
        rows.append(
            Page(
                "pairing",
                f"pairing status ({unit.kind})",
                user,
                f"{reverse('outreach:pairing_status', args=[unit.code])}?campaign={w.campaign.pk}",
                status_floor(unit),
            )
        )

    # Every admin changelist, add form and change form.
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        listing = model._default_manager.all()
        ordering = model_admin.get_ordering(None) if hasattr(model_admin, "get_ordering") else None
        try:
            floor = orm_floor(listing.order_by(*(ordering or opts.ordering or ["-pk"]))[:100])
        except Exception:  # noqa: BLE001  (an admin ordering by something the bare queryset lacks)
            floor = orm_floor(listing.order_by("-pk")[:100])
        try:
            rows.append(Page("admin", f"admin {opts.label} changelist", SU, reverse(f"{base}_changelist"), floor))
        except NoReverseMatch:
            continue
        if opts.label in ("ledgers.Visit", "outreach.Household", "ledgers.Demand", "outreach.Pairing", "org.Cadre"):
            rows.append(
                Page("admin", f"admin {opts.label} changelist (city office)", CO, reverse(f"{base}_changelist"), floor)
            )
        if opts.label == "ledgers.Visit":
            rows.append(
                Page(
                    "admin",
                    "admin ledgers.Visit search 王秀英",
                    SU,
                    reverse(f"{base}_changelist") + "?q=王秀英",
                    orm_floor(
                        Visit.objects.filter(household__head_name__startswith="王秀英").order_by("-visited_on", "-id")[
                            :100
                        ]
                    ),
                )
            )
        if opts.label == "outreach.Household":
            rows.append(
                Page(
                    "admin",
                    "admin outreach.Household search 王秀",
                    SU,
                    reverse(f"{base}_changelist") + "?q=王秀",
                    orm_floor(
                        Household.objects.filter(head_name__startswith="王秀").order_by("village", "number")[:100]
                    ),
                )
            )
        with contextlib.suppress(NoReverseMatch):
            rows.append(
                Page("admin", f"admin {opts.label} add form", SU, reverse(f"{base}_add"), session_floor(w.users[SU]))
            )
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            # The object of the bench set where there is one (the last id), else the first.
            last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
            with contextlib.suppress(NoReverseMatch):
                rows.append(
                    Page(
                        "admin",
                        f"admin {opts.label} change form",
                        SU,
                        reverse(f"{base}_change", args=[last]),
                        orm_floor(model._default_manager.filter(pk=last)),
                    )
                )

    # Exports of a township.
    export_visits = (
        "SELECT v.id, v.visited_on, h.head_name, h.address, c.name, v.learned FROM ledgers_visit v"
        " JOIN outreach_household h ON h.id = v.household_id JOIN campaigns_orgunit u ON u.id = h.village_id"
        " JOIN campaigns_cadre c ON c.id = v.cadre_id WHERE u.path LIKE %s AND v.ledger_book = 'minqing'"
        " AND v.visited_on >= %s ORDER BY v.visited_on, v.id",
        [path_like(w.township), month_first],
    )
    rows += [
        Page(
            "export",
            "export: township book (民情账, this month)",
            TS,
            f"{reverse('ledgers:ledger_book_export')}?book=minqing&month={w.month}&unit={town}",
            export_visits,
        ),
        Page(
            "export",
            "export: township demand ledger",
            TS,
            f"{reverse('ledgers:demand_export')}?unit={town}",
            (
                "SELECT d.* FROM ledgers_demand d JOIN campaigns_orgunit u ON u.id = d.unit_id WHERE u.path LIKE %s"
                " ORDER BY d.received_on DESC, d.id DESC LIMIT 5000",
                [path_like(w.township)],
            ),
        ),
        Page(
            "export",
            "export: township pledge ledger",
            TS,
            f"{reverse('pledges:pledge_export')}?unit={w.township.pk}",
            (
                "SELECT p.* FROM ledgers_pledge p JOIN campaigns_orgunit u ON u.id = p.org_unit_id WHERE u.path LIKE %s"
                " ORDER BY p.deadline, p.id",
                [path_like(w.township)],
            ),
        ),
        Page(
            "export",
            "export: township 三查三看",
            TS,
            f"{reverse('evaluations:three_checks_export')}?unit={town}&campaign={w.campaign.pk}",
            three_floor(w.township),
        ),
        Page(
            "export",
            "export: township cadre roster",
            TS,
            reverse("outreach:cadre_export"),
            (
                "SELECT c.*, u.username FROM campaigns_cadre c JOIN auth_user u ON u.id = c.user_id"
                " JOIN campaigns_orgunit o ON o.id = c.org_unit_id WHERE o.path LIKE %s",
                [path_like(w.township)],
            ),
        ),
    ]
    return rows


# ---------------------------------------------------------------------------------------------
# Measuring


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def time_floor(floor, runs=5):
    if floor is None:
        return None
    sql, params = floor
    best = None
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            best = elapsed if best is None else min(best, elapsed)
    return best


def request(client, page, url):
    if page.post is not None:
        return client.post(url, {**page.post, "token": str(uuid.uuid4())})
    return client.get(url)


def measure(clients, page, runs) -> Result:
    client = clients[page.user]
    urls = page.urls or [page.url]
    times, queries, size, options, status = [], 0, 0, 0, None
    try:
        started = time.perf_counter()
        response = request(client, page, urls[0])
        warm = time.perf_counter() - started
        body = body_of(response)
        status, size, options = response.status_code, len(body), body.count(b"<option")
        # Slow pages get fewer runs: a page at the statement timeout is timed once more, not ten times.
        n = runs if warm < 3 else (3 if warm < 20 else 1)
        for i in range(n):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = request(client, page, urls[i % len(urls)])
                body_of(response)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
            status = response.status_code
    except Exception as exc:  # noqa: BLE001  (a page that fails or times out is a result, not the end of the run)
        status = "timeout" if "statement timeout" in str(exc) else f"error: {type(exc).__name__}: {str(exc)[:80]}"
        connection.close()
    try:
        floor_ms = time_floor(page.floor)
    except Exception:  # noqa: BLE001
        floor_ms = None
        connection.close()
    return Result(page, status, times, queries, size, options, floor_ms)


def fmt(value, unit=""):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    return f"{value:.1f}{unit}"


def print_result(r: Result, out):
    if r.page.label.endswith("add form") and r.status == 403:
        print(f"(no add form: {r.page.label})", file=sys.stderr)
        return
    ratio = f"{r.p50 / r.floor_ms:,.0f}×" if r.p50 and r.floor_ms else "—"
    line = (
        f"| {r.page.group} | {r.page.label} | {r.page.user.removeprefix('bench_')} | {fmt(r.p50)} | {fmt(r.p95)} | "
        f"{r.queries} | {r.size / 1024:,.0f} KB | {r.options} | {fmt(r.floor_ms)} | {ratio} | {r.status} |"
    )
    print(line, file=out, flush=True)


def run_pages(args):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.DEBUG = False
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(args.statement_timeout * 1000)}")
    world = World()
    clients = {}
    for name, user in world.users.items():
        client = Client()
        client.force_login(user)
        clients[name] = client
    selected = [p for p in pages(world) if not args.only or re.search(args.only, f"{p.group} {p.label}")]
    print(describe(world), flush=True)
    print("| group | page | as | p50 ms | p95 ms | queries | HTML | <option>s | SQL floor ms | p50/floor | status |")
    print("|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    results = []
    for page in selected:
        result = measure(clients, page, args.runs)
        results.append(result)
        print_result(result, sys.stdout)
        # A timed-out statement closes the connection: the next page starts with the same limit.
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(args.statement_timeout * 1000)}")
    Visit.objects.filter(learned=POST_MARK).delete()
    over = [r for r in results if r.options > 200]
    print(f"\npages rendering more than 200 <option>s: {len(over)}")
    for r in over:
        print(f"  {r.page.label} as {r.page.user}: {r.options}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {
                        "group": r.page.group,
                        "page": r.page.label,
                        "user": r.page.user,
                        "p50": r.p50,
                        "p95": r.p95,
                        "queries": r.queries,
                        "bytes": r.size,
                        "options": r.options,
                        "floor": r.floor_ms,
                        "status": r.status,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=1,
            )
        )


def describe(world) -> str:
    counts = benchdata.counts()
    load = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    return (
        f"\n{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · {version} · load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores\n"
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        + "\n"
    )


# ---------------------------------------------------------------------------------------------
# Load run: gunicorn (production settings) + locust


def load_plan(world, users=16) -> dict:
    """Sessions of township data-entry users, and the URLs each one requests."""
    staff = (
        Cadre.objects.filter(world.city.subtree_q("org_unit__"), org_unit__kind=OrgUnit.Kind.TOWNSHIP)
        .filter(user__groups__name=GROUP_NAMES[DATA_ENTRY])
        .select_related("user", "org_unit")
        .order_by("org_unit__path")[:users]
    )
    # The first backend that can load a user (axes' own cannot), as Client.force_login picks it.
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    plan = []
    for cadre in staff:
        session = SessionStore()
        session[SESSION_KEY] = str(cadre.user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = cadre.user.get_session_auth_hash()
        session.create()
        names = list(
            Household.objects.filter(cadre.org_unit.subtree_q("village__"))
            .order_by("pk")
            .values_list("head_name", flat=True)[:8000]
        )
        names = names[:: max(1, len(names) // 30)][:30]
        searches = [n[: 1 + (i % 3)] for i, n in enumerate(names)]
        plan.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "entry": reverse("ledgers:visit_entry"),
                "search": [f"{reverse('ledgers:household_search')}?q={q}" for q in searches],
                "demands": reverse("ledgers:demand_list"),
                "ledger": f"{reverse('ledgers:ledger_books')}?book=minqing&month={world.month}",
            }
        )
    return {"users": plan}


def run_load(args):
    world = World()
    plan_file = Path(tempfile.mkstemp(prefix="bench-load-", suffix=".json")[1])
    plan_file.write_text(json.dumps(load_plan(world)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # The sessions were signed here: the server must share this process's key to read them.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/13"),
        "SENDFILE_BACKEND": "django_sendfile.backends.simple",
        "BENCH_LOAD_PLAN": str(plan_file),
    }
    venv = Path(sys.executable).parent
    subprocess.run(  # noqa: S603
        [str(venv / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(venv / "gunicorn"),
            "config.wsgi",
            "--workers",
            "4",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        time.sleep(4)
        print(f"\nload run: gunicorn (production settings, 4 sync workers) on :{PORT}; locust, no think time")
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        print("| connections | req/s | p50 ms | p95 ms | failures | p95 ms: visit entry | search | demands | ledger |")
        print("|---|---|---|---|---|---|---|---|---|", flush=True)
        for users in args.users:
            prefix = Path(tempfile.mkdtemp(prefix="bench-locust-")) / "run"
            subprocess.run(  # noqa: S603
                [
                    str(venv / "locust"),
                    "-f",
                    str(ROOT / "benchmarks" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    f"http://127.0.0.1:{PORT}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            stats = {}
            with open(f"{prefix}_stats.csv", newline="") as handle:
                for row in csv.DictReader(handle):
                    stats[row["Name"]] = row
            total = stats["Aggregated"]
            cell = lambda name, stats=stats: stats.get(name, {}).get("95%", "—")  # noqa: E731
            print(
                f"| {users} | {float(total['Requests/s']):.0f} | {total['50%']} | {total['95%']} | "
                f"{total['Failure Count']} | {cell('visit entry')} | {cell('search')} | {cell('demands')} | "
                f"{cell('ledger')} |",
                flush=True,
            )
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        plan_file.unlink(missing_ok=True)


def compare(before_file, after_file):
    """One table with the before and after runs side by side (rows matched by page and user)."""
    before = {(r["page"], r["user"]): r for r in json.loads(Path(before_file).read_text())}
    after = json.loads(Path(after_file).read_text())

    def ms(r, key):
        return fmt(r.get(key)) if r else "—"

    print("| page | as | p50 ms before → after | p95 ms before → after | queries | HTML KB | <option>s | floor ms |")
    print("|---|---|---|---|---|---|---|---|")
    seen = set()
    for a in after:
        key = (a["page"], a["user"])
        seen.add(key)
        b = before.get(key, {})
        status = "" if a["status"] in (200, 302) else f" ({a['status']})"
        bstatus = "" if not b or b["status"] in (200, 302) else f" ({b['status']})"
        print(
            f"| {a['page']} | {a['user'].removeprefix('bench_')} | {ms(b, 'p50')}{bstatus} → {ms(a, 'p50')}{status} | "
            f"{ms(b, 'p95')} → {ms(a, 'p95')} | {b.get('queries', '—')} → {a['queries']} | "
            f"{(b.get('bytes') or 0) / 1024:,.0f} → {a['bytes'] / 1024:,.0f} | "
            f"{b.get('options', '—')} → {a['options']} | "
            f"{ms(a, 'floor')} |"
        )
    for key, b in before.items():
        if key not in seen:
            print(f"| {b['page']} | {b['user'].removeprefix('bench_')} | {ms(b, 'p50')} → (gone) | | | | | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--only", help="regular expression on 'group label' of the pages to time")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--statement-timeout", type=float, default=60.0, help="seconds")
    parser.add_argument("--users", default="8,32", help="locust users (connections), comma-separated runs")
    parser.add_argument("--seconds", type=int, default=60, help="length of each load run")
    parser.add_argument("--json", help="also write the page results here")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="print two --json runs side by side")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    args.users = [int(u) for u in args.users.split(",")]
    if connection.vendor != "postgresql":
        sys.exit("run this on the PostgreSQL database that `manage.py bench_data` built (DATABASE_URL=postgres://…)")
    if not OrgUnit.objects.filter(code=benchdata.CITY_CODE).exists():
        sys.exit("no bench data here: run `manage.py bench_data` first")
    if not args.load_only:
        run_pages(args)
    if not args.pages_only:
        run_load(args)


if __name__ == "__main__":
    main()
