"""Demo hierarchy, cadres and roles: 滨州市 > 2 counties > 3 townships each > 4 villages each."""

import datetime
import functools
import random
import zlib

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core import dates
from core.accounts import mark_demo_accounts
from core.roles import AUDITOR, CADRE, DATA_ENTRY, GROUP_NAMES, LEADER, OFFICE_ADMIN
from org.models import Cadre, OrgUnit

from .models import Campaign

DEMO_PASSWORD = "minqing2026"  # noqa: S105  (local demo only; printed and in the README)

TREE = {
    "code": "371600",
    "name": "滨州市",
    "kind": OrgUnit.Kind.CITY,
    "children": [
        {
            "code": "371602",
            "name": "滨城区",
            "kind": OrgUnit.Kind.COUNTY,
            "children": [
                ("371602001", "市中街道", ["黄河社区", "渤海社区", "新立河社区", "北城社区"]),
                ("371602002", "彭李街道", ["彭李村", "小营村", "王家村", "新民村"]),
                ("371602101", "杜店街道", ["杜店村", "东关村", "沙河村", "前进村"]),
            ],
        },
        {
            "code": "371621",
            "name": "惠民县",
            "kind": OrgUnit.Kind.COUNTY,
            "children": [
                ("371621001", "孙武街道", ["孙武村", "武定府社区", "城关村", "大商村"]),
                ("371621101", "何坊街道", ["何坊村", "刘集村", "朱家村", "河南张村"]),
                ("371621102", "石庙镇", ["石庙村", "李家村", "西王村", "郑家村"]),
            ],
        },
    ],
}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华海燕志强春梅文军玉珍凤英金凤淑"
    "珍德明子涵浩然欣怡"
)


@functools.cache
def _demo_password_hash():
    # One hash for every demo account: hashing is deliberately slow, 60 of them take 30 s.
    return make_password(DEMO_PASSWORD)


def chinese_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def _unit(parent, code, name, kind, order):
    existing = OrgUnit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    fields = {"code": code, "name": name, "kind": kind, "sort_order": order}
    if parent is None:
        return OrgUnit.objects.add_root(create_kwargs=fields)
    return OrgUnit.objects.add_child(parent, create_kwargs=fields)


def build_tree():
    city = _unit(None, TREE["code"], TREE["name"], TREE["kind"], 0)
    _unit(city, "371600900", "市妇联机关", OrgUnit.Kind.OFFICE, 90)
    counties, townships, villages = [], [], []
    for c_order, county_data in enumerate(TREE["children"]):
        county = _unit(city, county_data["code"], county_data["name"], county_data["kind"], c_order)
        counties.append(county)
        for t_order, (t_code, t_name, village_names) in enumerate(county_data["children"]):
            township = _unit(county, t_code, t_name, OrgUnit.Kind.TOWNSHIP, t_order)
            townships.append(township)
            for v_order, v_name in enumerate(village_names):
                villages.append(_unit(township, f"{t_code}{v_order + 1:03d}", v_name, OrgUnit.Kind.VILLAGE, v_order))
    return city, counties, townships, villages


def _person(username, name, unit, role, *, title="", rank=Cadre.Rank.STAFF, leader=False, staff=False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    user.password = _demo_password_hash()
    user.is_staff = staff
    user.save()
    user.groups.set([Group.objects.get(name=GROUP_NAMES[role])])
    cadre, _ = Cadre.objects.update_or_create(
        user=user,
        defaults={
            "name": name,
            "org_unit": unit,
            "title": title,
            "rank": rank,
            "is_leader": leader,
            "phone": f"139{zlib.crc32(username.encode()) % 10**8:08d}",
        },
    )
    return cadre


def seed(*, context, stdout):
    rng = random.Random(20260301)
    city, counties, townships, villages = build_tree()
    User = get_user_model()
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.is_staff = admin.is_superuser = True
    admin.password = _demo_password_hash()
    admin.save()

    logins = [("admin", DEMO_PASSWORD, "超级管理员 / superuser")]
    named = [
        ("city_office", "孙丽华", city, OFFICE_ADMIN, "市活动办公室主任", Cadre.Rank.SECTION, False, True),
        ("city_leader", "王建国", city, LEADER, "市妇联主席", Cadre.Rank.BUREAU, True, False),
        ("county_leader", "刘志强", counties[0], LEADER, "滨城区妇联主席", Cadre.Rank.DIVISION, True, False),
        ("town_staff", "陈静", townships[0], DATA_ENTRY, "市中街道妇联干事", Cadre.Rank.STAFF, False, False),
        ("town2_staff", "赵敏", townships[1], DATA_ENTRY, "彭李街道妇联干事", Cadre.Rank.STAFF, False, False),
        ("village_cadre", "李秀英", villages[0], CADRE, "黄河社区妇联主席", Cadre.Rank.NONE, False, False),
        ("auditor", "周文军", city, AUDITOR, "市纪检监察审计员", Cadre.Rank.SECTION, False, False),
    ]
    descriptions = {
        OFFICE_ADMIN: "活动办公室管理员",
        LEADER: "领导",
        DATA_ENTRY: "数据录入员",
        CADRE: "干部",
        AUDITOR: "审计员",
    }
    for username, name, unit, role, title, rank, leader, staff in named:
        _person(username, name, unit, role, title=title, rank=rank, leader=leader, staff=staff)
        logins.append((username, DEMO_PASSWORD, f"{descriptions[role]} · {unit.name}"))

    # The rest of the roster: leaders and cadres across every level (~60 people in all).
    roster = [(city, 6), *[(c, 5) for c in counties], *[(t, 3) for t in townships]]
    for unit, count in roster:
        for i in range(count):
            # Leaders' rank follows the level: 副处级 at the city, 正科级 in a county, 副科级 in a township.
            top = {"city": Cadre.Rank.DEPUTY_DIVISION, "county": Cadre.Rank.SECTION}.get(
                unit.kind, Cadre.Rank.DEPUTY_SECTION
            )
            rank = [top, Cadre.Rank.STAFF, Cadre.Rank.STAFF][min(i, 2)]
            role = LEADER if i == 0 else (DATA_ENTRY if i == 1 else CADRE)
            _person(
                f"u{unit.code}_{i + 1}",
                chinese_name(rng),
                unit,
                role,
                title=f"{unit.name}{'副主席' if i == 0 else '干部'}",
                rank=rank,
                leader=i == 0,
            )
    for village in villages[1:]:
        _person(
            f"u{village.code}_1",
            chinese_name(rng),
            village,
            CADRE,
            title=f"{village.name}妇联主席",
            rank=Cadre.Rank.NONE,
        )

    # Demo logins keep their printed password: it neither expires nor must be changed (the login
    # page says so). Real accounts follow the policy (core.accounts).
    mark_demo_accounts(User.objects.filter(password=_demo_password_hash()))

    campaign, _ = Campaign.objects.get_or_create(
        document_number="滨妇发[2026]15号",
        defaults={
            "title": "关于在全市妇联系统开展“下基层、访妇情、办实事”活动的实施方案",
            "theme": "下基层、访妇情、办实事",
            "issuing_unit": city,
            "issue_date": datetime.date(2026, 3, 20),
            "start_date": datetime.date(2026, 4, 1),
            "end_date": datetime.date(2026, 12, 31),
            "status": Campaign.Status.ACTIVE,
        },
    )
    context.update(
        city=city, counties=counties, townships=townships, villages=villages, campaign=campaign, rng=rng, logins=logins
    )
    stdout.write(f"单位 {OrgUnit.objects.count()} 个，干部 {Cadre.objects.count()} 名")
    _seed_plan(campaign=campaign, counties=counties, stdout=stdout)


def _seed_plan(*, campaign, counties, stdout):
    """The demo campaign as a real plan: the 滨州市妇联 2012 template moved to 2026, cascaded to both
    counties, with some steps done on time, some late and some overdue, and reports owed."""
    from . import services
    from .models import Milestone, MilestoneAssignment, Phase, Requirement
    from .plan_templates import load_plan_templates

    load_plan_templates(Campaign, Phase, Milestone, Requirement)
    template = Campaign.objects.get(template_key="binzhou-fulian-2012")
    if not campaign.phases.exists():
        campaign.participation = Campaign.Participation.SUBTREE
        campaign.participating_kinds = [OrgUnit.Kind.COUNTY]
        campaign.save()
        services.campaign_apply_template(campaign=campaign, template=template, actor=None)
    if not campaign.children.exists():
        services.campaign_cascade(campaign=campaign, units=counties, actor=None)
        for child in campaign.children.all():
            # Each county's plan binds the county office and its townships.
            child.participating_kinds = [OrgUnit.Kind.COUNTY, OrgUnit.Kind.TOWNSHIP]
            child.status = Campaign.Status.ACTIVE
            child.save()
            services.campaign_sync_assignments(campaign=child)
        # 惠民县 adapts its copy: everything a week later. The city's dates do not move.
        huimin = campaign.children.get(issuing_unit=counties[1])
        services.campaign_shift_dates(campaign=huimin, start_date=huimin.start_date.replace(day=8), actor=None)

    # Completions: deterministic per row, so reruns give the same picture.
    today = dates.today()
    rng = random.Random(20260415)
    updates = []
    owed = (
        MilestoneAssignment.objects.filter(milestone__campaign__in=[campaign, *campaign.children.all()])
        .select_related("milestone__campaign")
        .order_by("milestone__campaign_id", "milestone__number", "unit__path")
    )
    for assignment in owed:
        due = assignment.milestone.due_date
        roll = rng.random()
        if assignment.completed_on is not None or due >= today:
            continue
        if roll < 0.5:
            done = max(due - datetime.timedelta(days=rng.randint(0, 10)), assignment.milestone.campaign.start_date)
        elif roll < 0.72:
            done = min(due + datetime.timedelta(days=rng.randint(1, 20)), today)
        else:
            continue  # left open: shows as overdue
        assignment.completed_on = done
        assignment.note = "已按方案完成，材料已归档。"
        updates.append(assignment)
    MilestoneAssignment.objects.bulk_update(updates, ["completed_on", "note"])

    stdout.write(
        f"实施方案：{campaign.phases.count()} 个阶段，{campaign.milestones.count()} 个环节，"
        f"下级方案 {campaign.children.count()} 个，模板 {Campaign.objects.templates().count()} 个"
    )
