"""Demo pledges (办实事项目) for the demo campaign, written through the pledge services.

Run by seed_demo after the demos of the apps below (units, people, demands), so the board, the
办实事台帐 and the 三查三看 review show something with ``make run``. Idempotent: the demo
campaign's pledges are created once.
"""

import datetime

from django.contrib.auth import get_user_model

from core import dates
from ledgers.models import Demand
from org.models import Cadre, OrgUnit

from .models import Pledge, PledgeCategory
from .services import pledge_amend, pledge_create, pledge_report_progress, pledge_transition

# (title, category code, content, target, measures, recipients (internal), days from today to the
# deadline, progress steps [(days ago, percent, note)], final approval state, visibility)
PLEDGES = [
    (
        "留守儿童“爱心妈妈”结对帮扶",
        "pairing_support",
        "组织机关女干部与辖区留守儿童结成“爱心妈妈”对子，每月至少走访一次。",
        "辖区全部留守儿童均有结对“爱心妈妈”，每季度开展一次集体活动。",
        "摸清留守儿童底数；召开结对仪式；建立走访记录；季度集中活动。",
        "王秀兰家、李小明家等 12 户留守儿童家庭",
        40,
        [(120, 20, "完成摸底，共 12 名留守儿童。"), (60, 60, "已举行结对仪式，12 对全部结成。")],
        "published",
        "public",
    ),
    (
        "妇女儿童之家活动室修缮",
        "coordination",
        "协调街道和社区，修缮社区妇女儿童之家活动室，添置图书和桌椅。",
        "活动室完成修缮并对外开放，每周开放不少于 3 天。",
        "争取街道经费；联系施工队；社区组织验收。",
        "",
        -20,
        [(150, 30, "经费已落实。"), (90, 100, "活动室修缮完成并开放，每周二、四、六开放。")],
        "published",
        "public",
    ),
    (
        "代办困难妇女“两癌”救助申请",
        "proxy_service",
        "为符合条件的困难妇女代办“两癌”救助申请，做到应助尽助。",
        "符合条件的申请全部在 30 个工作日内报送。",
        "入户宣传政策；收集材料；集中代办报送；跟踪反馈结果。",
        "张桂英（身份证 371602196805120023）等 4 人",
        -10,
        [(100, 40, "已收集 4 人材料。")],
        "published",
        "public",
    ),
    (
        "空巢老人民生档案建档",
        "archive_building",
        "为辖区空巢老人建立一户一档的民生档案，记录健康、帮扶和联系人信息。",
        "辖区空巢老人建档率达到 100%。",
        "制定建档表格；村居妇联主席入户采集；月底集中审核归档。",
        "",
        60,
        [(20, 10, "已印发建档表格，开始入户。")],
        "published",
        "public",
    ),
    (
        "婚姻档案查询“绿色通道”",
        "archive_use",
        "在档案查阅窗口为群众开通婚姻档案查询“绿色通道”，当场办结。",
        "婚姻档案查询当场出具证明，群众满意率 95% 以上。",
        "设立党员示范窗口；公开服务承诺；每月统计办结情况。",
        "",
        30,
        [],
        "published",
        "public",
    ),
    (
        "妇女手工编织技能培训",
        "coordination",
        "联系县职业学校，为有就业意愿的妇女开办手工编织培训班。",
        "举办培训班 2 期，培训妇女不少于 60 人次。",
        "联系培训机构；发动报名；开班；跟踪就业。",
        "",
        -30,
        [(80, 0, "培训场地尚未落实，待街道协调后启动。")],
        "published",
        "public",
    ),
    (
        "家庭矛盾纠纷调解室建设",
        "other",
        "在街道设立婚姻家庭纠纷调解室，配备兼职调解员。",
        "调解室挂牌运行，受理的纠纷调解率 100%。",
        "选定场地；聘请调解员；建立受理登记制度。",
        "",
        90,
        [],
        "approved",
        "internal",
    ),
    (
        "为贫困妇女争取小额担保贷款",
        "proxy_service",
        "帮助有创业意愿的贫困妇女申请小额担保贷款。",
        "年内帮助不少于 10 名妇女获得贷款。",
        "政策宣讲；材料预审；与银行对接。",
        "",
        70,
        [],
        "submitted",
        "public",
    ),
    (
        "社区“巾帼志愿服务队”组建",
        "other",
        "组建社区巾帼志愿服务队，定期开展助老助残服务。",
        "服务队队员不少于 20 人，每月活动一次。",
        "发布招募通知；组织培训；制定活动计划。",
        "",
        80,
        [],
        "draft",
        "public",
    ),
]


def _demand_in(unit):
    """A demand raised in the unit's subtree (the ledgers demo raised some), or None."""
    return Demand.objects.filter(unit__path__startswith=unit.path).order_by("pk").first()


def seed(*, context, stdout):
    campaign = context.get("campaign")
    townships = context.get("townships") or []
    if campaign is None or not townships or Pledge.objects.filter(campaign=campaign).exists():
        stdout.write(f"承诺事项 {Pledge.objects.count()} 项（已存在，未重复创建）")
        return
    User = get_user_model()
    categories = {c.code: c for c in PledgeCategory.objects.all()}
    leaders = {cadre.org_unit_id: cadre.user for cadre in Cadre.objects.filter(is_leader=True).select_related("user")}
    admin = User.objects.get(username="admin")
    today = dates.today()
    created = 0
    # The first three townships (滨城区) each make the whole set of pledges, villages some of them.
    units = [*townships[:3], *context.get("villages", [])[:2]]
    for unit_index, unit in enumerate(units):
        staff = admin
        leader = leaders.get(OrgUnit.objects.get_parent(unit).pk) or admin if unit.depth > 1 else admin
        plan = PLEDGES if unit_index < 3 else PLEDGES[:3]
        for index, (title, cat, content, target, measures, recipients, days, steps, state, visibility) in enumerate(
            plan
        ):
            shift = (unit_index * 7 + index * 3) % 15
            origin = {"origin_kind": "none", "origin_object_id": None, "origin_note": ""}
            demand = _demand_in(unit) if index == 1 else None
            if demand is not None:
                origin = {"origin_kind": "demand", "origin_object_id": demand.pk, "origin_note": "走访中群众反映"}
            pledge, _created = pledge_create(
                user=staff,
                fields={
                    "campaign": campaign,
                    "org_unit": unit,
                    "category": categories[cat],
                    "title": title,
                    "content": content,
                    "target": target,
                    "deadline": today + datetime.timedelta(days=days + shift),
                    "responsible_unit": unit,
                    "responsible_person": Cadre.objects.filter(org_unit=unit).order_by("pk").first(),
                    "measures": measures,
                    "recipients": recipients,
                    "visibility": visibility,
                    **origin,
                    "audience": Pledge.Audience.BOTH,
                },
                filed_on=today - datetime.timedelta(days=120),  # the demo's history began months ago
            )
            created += 1
            if state == "draft":
                continue
            pledge_transition(pledge=pledge, user=staff, action="submit")
            if state == "submitted":
                continue
            pledge_transition(pledge=pledge, user=leader, action="approve")
            if state == "published":
                pledge_transition(pledge=pledge, user=leader, action="publish")
            for days_ago, percent, note in steps:
                pledge_report_progress(
                    pledge=pledge,
                    user=staff,
                    reported_on=today - datetime.timedelta(days=days_ago + shift),
                    percent=percent,
                    note=note,
                )
            if index == 3:
                pledge_amend(
                    pledge=pledge,
                    user=leader,
                    field="deadline",
                    new_value=pledge.deadline + datetime.timedelta(days=30),
                    reason="入户采集正值秋收农忙，经群众代表同意延后一个月。",
                )
    stdout.write(f"承诺事项 {Pledge.objects.count()} 项（本次新增 {created} 项）")
