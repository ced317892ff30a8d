"""Demo ledgers: visits with help given, demands in every state, topics raised at the demo forums.

Idempotent: every demo row carries a deterministic token (uuid5), and rows whose token exists
are skipped. Uses its own random generator so the shared one stays as later apps expect.
"""

import datetime
import random
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model

from core import dates
from org.models import Cadre, OrgUnit
from outreach.models import Household, Pairing

from . import demand_flow
from .models import DemandCategory, HelpGiven, LedgerBook, Visit
from .services import DemandDraft, demand_raise_from_forum

NS = uuid.UUID("5b0e3b1c-6d2a-4f4e-9a55-000000000005")
VISITS_PER_VILLAGE = 24

LEARNED = [
    "家中老人身体尚可，子女在外务工，每月寄回生活费。",
    "反映村内道路坑洼，雨天出行不便。",
    "种植大棚蔬菜三亩，今年收成较好，希望了解冷链销售渠道。",
    "户主因病致贫，医保报销后自付部分仍较重。",
    "孩子在县城上学，留守老人照看，学习情况一般。",
    "对村务公开表示满意，建议增加夜间路灯。",
    "与邻居因宅基地边界有纠纷，情绪较激动，已做疏导。",
    "下岗后打零工，希望参加技能培训。",
]
NEEDS = ["希望解决就业", "申请低保", "修缮危房", "子女助学", "医疗报销咨询", "", "", ""]
DEMANDS = [
    ("land", "承包地被占用补偿未到位"),
    ("demolition", "拆迁安置房交付延期"),
    ("employment", "希望安排公益性岗位"),
    ("social_security", "养老保险补缴咨询"),
    ("hardship", "申请临时救助"),
    ("women_children", "留守儿童课后无人照看"),
    ("work_safety", "村口废弃厂房存在安全隐患"),
    ("litigation", "工伤赔偿诉讼久拖未决"),
    ("other", "村内路灯损坏"),
]


def _key(kind: str, n) -> uuid.UUID:
    return uuid.uuid5(NS, f"{kind}-{n}")


def _ensure_pairings(*, campaign, villages, today):
    """Give the demo cadre and staff a few paired households (their entry page shows them first)."""
    for username, village in (("village_cadre", villages[0]), ("town_staff", villages[1])):
        cadre = Cadre.objects.filter(user__username=username).first()
        if cadre is None or Pairing.objects.filter(cadre=cadre).exists():
            continue
        for household in Household.objects.filter(village=village).order_by("number")[:4]:
            Pairing.objects.create(
                campaign=campaign, cadre=cadre, household=household, start_date=campaign.start_date, is_active=True
            )


def seed(*, context, stdout):
    rng = random.Random(5005)
    campaign = context["campaign"]
    villages = context["villages"]
    today = dates.today()
    User = get_user_model()
    admin = User.objects.get(username="admin")
    _ensure_pairings(campaign=campaign, villages=villages, today=today)

    cadres_by_unit = {}
    for cadre in Cadre.objects.select_related("org_unit"):
        cadres_by_unit.setdefault(cadre.org_unit.path, []).append(cadre)

    def cadres_for(village):
        found = []
        for path, cadres in cadres_by_unit.items():
            if village.path.startswith(path):
                found.extend(cadres)
        return found

    existing_keys = set(Visit.objects.filter(idempotency_key__isnull=False).values_list("idempotency_key", flat=True))
    households_by_village = {}
    for household in Household.objects.filter(village__in=villages).order_by("number"):
        households_by_village.setdefault(household.village_id, []).append(household)

    visits, helps = [], []
    for village in villages:
        pool = households_by_village.get(village.pk, [])
        visitors = cadres_for(village)
        if not pool or not visitors:
            continue
        for n in range(VISITS_PER_VILLAGE):
            key = _key(f"visit-{village.code}", n)
            household = rng.choice(pool)
            cadre = rng.choice(visitors)
            day = today - datetime.timedelta(days=rng.randint(0, 75))
            method = rng.choice(Visit.Method.values)
            book = rng.choices(LedgerBook.values, weights=(6, 3, 1, 2))[0]
            learned = rng.choice(LEARNED)
            needs = rng.choice(NEEDS)
            help_kind = rng.choice([None, None, *HelpGiven.Kind.values])
            amount = (
                Decimal(rng.choice([200, 500, 800, 1000, 2000]))
                if help_kind in ("hardship", "condolence", "education", "startup")
                else None
            )
            if key in existing_keys:
                continue
            visit = Visit(
                cadre=cadre,
                household=household,
                visited_on=day,
                method=method,
                ledger_book="bangfu" if help_kind else book,
                campaign=campaign,
                learned=learned,
                needs=needs,
                recorded_by=cadre.user,
                idempotency_key=key,
            )
            visits.append(visit)
            if help_kind:
                helps.append((visit, help_kind, amount))
    Visit.objects.bulk_create(visits, batch_size=500)
    HelpGiven.objects.bulk_create(
        [HelpGiven(visit=v, kind=k, amount=a, description="") for v, k, a in helps if v.pk is not None], batch_size=500
    )

    demands_made = _seed_demands(
        rng=rng, admin=admin, campaign=campaign, villages=villages, today=today, cadres_for=cadres_for
    )
    _seed_forum_demands(admin=admin, forums=context.get("forums", []))
    stdout.write(f"走访记录 {Visit.objects.count()} 条（本次新增 {len(visits)} 条），诉求新增 {demands_made} 件")


def _seed_demands(*, rng, admin, campaign, villages, today, cadres_for):
    categories = {c.code: c for c in DemandCategory.objects.all()}
    made = 0
    visits = list(
        Visit.objects.filter(campaign=campaign).select_related("household", "household__village").order_by("id")
    )
    # Every 16th visit raised a demand: about 36, spread over every township.
    for n, visit in enumerate(visits[::16]):
        key = _key("demand", n)
        code, title = DEMANDS[n % len(DEMANDS)]
        plan = n % 7  # spread the demo demands over every state of the lifecycle
        if demand_flow.Demand.objects.filter(idempotency_key=key).exists():
            continue
        received = max(visit.visited_on, today - datetime.timedelta(days=60))
        demand = demand_flow.demand_raise(
            actor=admin,
            unit=visit.household.village,
            category=categories[code],
            title=title,
            description=visit.learned,
            household=visit.household,
            visit=visit,
            campaign=campaign,
            received_on=received,
            idempotency_key=key,
        )
        made += 1
        owners = cadres_for(visit.household.village)
        if plan == 0:
            continue  # received, nobody owns it yet: shows on the chase page
        if plan == 1:
            demand = demand_flow.demand_resolve_on_spot(
                demand=demand, actor=admin, resolution="当场答复并协调解决。", resolved_on=received
            )
            continue  # resolved, not yet replied
        township = OrgUnit.objects.get_parent(visit.household.village)
        # Who must finish it works in the township or one of its villages, not above it.
        finishers = [c for c in owners if c.org_unit.path.startswith(township.path)]
        deadline = received + datetime.timedelta(days=rng.choice([7, 15, 30, 45]))
        demand = demand_flow.demand_place_on_ledger(
            demand=demand,
            actor=admin,
            tier=rng.choice(["village", "township"]),
            deadline=deadline,
            responsible_unit=township,
            responsible_person=rng.choice(finishers) if finishers and plan != 2 else None,
            coordinator=rng.choice(owners) if owners else None,
        )
        if plan == 2:
            continue
        demand = demand_flow.demand_report_progress(demand=demand, actor=admin, note="已与相关部门对接，正在办理。")
        if plan == 3:
            continue
        resolved_on = min(today, received + datetime.timedelta(days=5))
        demand = demand_flow.demand_resolve(
            demand=demand, actor=admin, resolution="问题已解决，当事人表示满意。", resolved_on=resolved_on
        )
        if plan == 4:
            continue
        demand = demand_flow.demand_reply(
            demand=demand,
            actor=admin,
            replied_on=resolved_on,
            channel="letter",
            reply_text="您反映的问题已办结，特此书面答复。",
            copy_office=True,
            copy_liaison=True,
            copy_village=True,
        )
        if plan == 5:
            continue
        demand_flow.demand_close(demand=demand, actor=admin, note="经核实，同意销号。")
    demand_flow.demand_escalate_overdue(as_of=today)
    return made


def _seed_forum_demands(*, admin, forums):
    """A topic raised at every other demo forum (outreach's demo held them) becomes a demand."""
    category = DemandCategory.objects.get(code="other")
    for n, forum in enumerate(forums):
        key = _key("forum-demand", n)
        if n % 2 or forum is None or demand_flow.Demand.objects.filter(idempotency_key=key).exists():
            continue
        demand_raise_from_forum(
            actor=admin,
            forum=forum,
            draft=DemandDraft(category=category, title="村内主干道需要硬化", person_name="村民代表"),
            idempotency_key=key,
        )
