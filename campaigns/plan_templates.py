"""The five plans of ``shared/seeds/`` as ready templates: phases, dated steps and quotas.

Dates are read from the plans: "3月初" is the 1st, "中旬" ends on the 15th, "下旬" starts on the
21st, "月底" is the last day. A step whose paragraph gives no date is due when its phase ends.
``due_text`` / ``source_text`` keep the plan's own words next to the date derived from them.

Pure data plus one loader that takes the model classes, so the data migration (historical
models) and the ``load_plan_templates`` command (current models) share it.
"""

import datetime

D = datetime.date

TEMPLATES = [
    {
        "key": "lixia-fulian-2011",
        "title": "历下区妇联关于开展“深入基层、服务群众”主题活动的实施方案",
        "theme": "深入基层、服务群众",
        "document_number": "历下妇发[2011]9号",
        "source_issuer": "历下区妇联",
        "issue_date": D(2011, 3, 24),
        "start_date": D(2011, 3, 1),
        "end_date": D(2011, 11, 30),
        "guiding_text": (
            "以党员干部受教育、人民群众得实惠、创先争优见成效为目标，以“深入基层、服务群众”为主题，"
            "主要采取“两贴近、两服务”的形式，在创先争优中扎实做好察民情、解民忧，维民权、惠民生，顺民意、聚民力的工作。"
        ),
        "phases": [
            (1, "走访调研、汇集民情", D(2011, 3, 1), D(2011, 4, 15), "3月初至4月中旬"),
            (2, "公开承诺、为民办事", D(2011, 4, 21), D(2011, 10, 31), "4月下旬至10月底"),
            (3, "总结提高、完善机制", D(2011, 11, 1), D(2011, 11, 30), "11月份"),
        ],
        "milestones": [
            (1, 1, "召开“深入基层、服务群众”主题活动动员会议", "动员会议，具体安排部署", D(2011, 3, 15), "3月15日前后"),
            (2, 1, "集中开展为民思想教育", "党员学习日、组织生活会、中心组学习记录", D(2011, 3, 20), "3月20前"),
            (3, 1, "下基层走访汇集民意", "妇女儿童意见建议汇总（含12338热线）", D(2011, 4, 15), "4月中旬"),
            (4, 2, "明确为妇女儿童办实事项目", "办实事台帐，报机关党委", D(2011, 4, 30), "4月底"),
            (
                5,
                2,
                "落实推进措施（“双诺、双述、双评”，“四明确两承诺一公开”）",
                "公开承诺及办实事进展公开情况",
                D(2011, 10, 31),
                "10月底",
            ),
            (6, 3, "开展“三查三看”活动", "座谈交流、问卷调查记录", D(2011, 11, 10), "11月上旬"),
            (
                7,
                3,
                "加强监督评价",
                "办实事项目公开公布，完成情况报区直机关工委，满意度测评",
                D(2011, 11, 30),
                "11月底前",
            ),
            (8, 3, "健全完善长效机制", "服务群众、为民办事的工作制度", D(2011, 11, 30), "11月份"),
        ],
        "requirements": [
            {
                "title": "副处级以上党员干部至少联系1户困难群众（结穷亲、送温暖）",
                "kind": "pairings_per_cadre",
                "params": {"min": 1, "pairing_kinds": ["poor_kin", "support"]},
                "scope": "senior",
                "period": "campaign",
                "source_text": "在领导干部中开展“结穷亲、送温暖”活动，副处级以上党员干部至少联系1户困难群众，定期走访",
            },
        ],
    },
    {
        "key": "jinan-dangan-2011",
        "title": "中共济南市档案局党组关于开展“深入基层、服务群众”主题活动的实施意见",
        "theme": "深入基层、服务群众",
        "document_number": "",
        "source_issuer": "中共济南市档案局党组",
        "issue_date": None,
        "start_date": D(2011, 3, 1),
        "end_date": D(2011, 11, 30),
        "guiding_text": (
            "以党员干部受教育、人民群众得实惠、创先争优见成效为目标，以深入基层、服务群众为主题，"
            "以突出为群众办实事为实践载体，主要采取“两贴近、三服务”的形式。"
        ),
        "phases": [
            (1, "走访调研、汇集民情", D(2011, 3, 1), D(2011, 4, 15), "3月上旬至4月中旬"),
            (2, "公开承诺、为民办事", D(2011, 4, 21), D(2011, 10, 31), "4月下旬至10月底"),
            (3, "总结提高、完善机制", D(2011, 11, 1), D(2011, 11, 30), "11月份"),
        ],
        "milestones": [
            (1, 1, "召开主题活动动员大会", "动员大会，具体安排部署", D(2011, 3, 9), "3月9日"),
            (2, 1, "集中一周开展以人为本、执政为民教育", "学习教育记录", D(2011, 3, 16), "动员后一周"),
            (3, 1, "领导班子专题调研", "反映社情民意的调研报告", D(2011, 4, 15), "4月中旬"),
            (4, 2, "汇总收集各处室办实事项目", "办实事项目汇总表", D(2011, 4, 30), "4月下旬"),
            (5, 2, "公开承诺，为民办事（“双诺、双述、双评”）", "办实事进展公开情况", D(2011, 10, 31), "10月底"),
            (6, 3, "公开公布实事项目并开展满意度测评", "公开公布情况，满意度测评结果", D(2011, 11, 30), "11月底前"),
            (
                7,
                3,
                "写出书面总结报告",
                "书面总结报告，报市委创先争优活动领导小组和市直机关工委",
                D(2011, 11, 30),
                "11月底前",
            ),
        ],
        "requirements": [
            {
                "title": "主要负责同志至少每月1次接待群众来访",
                "kind": "reception_days",
                "params": {"min": 1},
                "scope": "principals",
                "period": "month",
                "source_text": "局(馆)主要负责同志至少每月1次、领导班子成员至少每周1次接待群众来访",
            },
            {
                "title": "领导班子成员至少每周1次接待群众来访",
                "kind": "reception_days",
                "params": {"min": 1},
                "scope": "leaders",
                "period": "week",
                "source_text": "局(馆)主要负责同志至少每月1次、领导班子成员至少每周1次接待群众来访",
            },
            {
                "title": "副处级以上干部至少联系1户困难群众（结穷亲）",
                "kind": "pairings_per_cadre",
                "params": {"min": 1, "pairing_kinds": ["poor_kin", "support"]},
                "scope": "senior",
                "period": "campaign",
                "source_text": "局(馆)副处级以上干部至少联系l户困难群众",
            },
        ],
    },
    {
        "key": "minzheng-xiajiceng-2010",
        "title": "民政局“千名干部下基层，排忧解难促和谐”活动实施方案",
        "theme": "千名干部下基层，排忧解难促和谐",
        "document_number": "",
        "source_issuer": "区民政局",
        "issue_date": None,
        "start_date": D(2010, 11, 21),
        "end_date": D(2011, 2, 28),
        "guiding_text": (
            "以“排忧解难促和谐”为主题，以密切联系群众为核心，深入基层，深入群众，访民情、解民忧、保民安、帮民富、促和谐。"
        ),
        "phases": [
            (1, "第一批下基层", D(2010, 11, 21), D(2010, 12, 20), "分三批,每批一个月左右"),
            (2, "第二批下基层", D(2010, 12, 21), D(2011, 1, 20), "分三批,每批一个月左右"),
            (3, "第三批下基层", D(2011, 1, 21), D(2011, 2, 28), "分三批,每批一个月左右"),
        ],
        "milestones": [
            (
                1,
                3,
                "组织召开党员座谈会和基层党组织建设评议会",
                "座谈会、评议会记录及意见建议",
                D(2011, 2, 28),
                "活动期间",
            ),
            (2, 3, "每位党员干部写一份下基层工作小结", "下基层工作小结", D(2011, 2, 28), "2011年2月底前"),
            (
                3,
                3,
                "形成专题调研报告和活动开展情况总结",
                "专题调研报告、活动总结，报区活动领导小组办公室",
                D(2011, 2, 28),
                "2011年2月底前",
            ),
        ],
        "requirements": [
            {
                "title": "每名干部每批住村时间不少于10天",
                "kind": "village_stay_days",
                "params": {"min_days": 10},
                "scope": "all_cadres",
                "period": "phase",
                "source_text": "组织全局干部分三批，每批一个月左右，每名干部住村时间不少于10天",
            },
            {
                "title": "每名下基层干部结对1户以上困难群众",
                "kind": "pairings_per_cadre",
                "params": {"min": 1},
                "scope": "all_cadres",
                "period": "campaign",
                "source_text": "每名下基层干部结对1户以上困难群众",
            },
            {
                "title": "“四本账”每月月底前报区活动办公室备案",
                "kind": "reports_every",
                "params": {"interval_months": 1, "first_due": "2010-12-31"},
                "scope": "unit",
                "period": "month",
                "source_text": "所帮扶村(居)的“四本账”分别于今年12月和2011年1、2月月底前报区活动办公室备案",
            },
        ],
    },
    {
        "key": "binzhou-fulian-2012",
        "title": "关于在全市妇联系统开展“下基层、访妇情、办实事”活动的实施方案",
        "theme": "下基层、访妇情、办实事",
        "document_number": "滨妇发[2012]15号",
        "source_issuer": "滨州市妇联",
        "issue_date": None,
        "start_date": D(2012, 4, 1),
        "end_date": D(2012, 12, 31),
        "participating_kinds": ["county", "township"],
        "guiding_text": (
            "深入基层调查研究，了解妇情民意，为妇女群众分忧解难，使妇情掌握在基层、问题解决在基层、帮扶落实在基层。"
            "乡镇以上各级妇联组织扎实开展好“五个一”、“五进家”行动。"
        ),
        "phases": [
            (1, "组织动员阶段", D(2012, 4, 1), D(2012, 4, 30), "2012年4月"),
            (2, "实施推进阶段", D(2012, 5, 1), D(2012, 9, 30), "5月至9月"),
            (3, "检查总结阶段", D(2012, 10, 1), D(2012, 12, 31), "10月至年底"),
        ],
        "milestones": [
            (1, 1, "活动方案报市妇联组宣部", "本级活动方案", D(2012, 4, 20), "4月下旬前"),
            (2, 1, "层层召开动员会议，部署安排活动", "动员会议", D(2012, 4, 30), "2012年4月"),
            (
                3,
                2,
                "明确2个基层帮扶联系点，干部确定帮扶对象",
                "联系点名单、帮扶对象名单及帮扶措施",
                D(2012, 9, 30),
                "5月至9月",
            ),
            (4, 3, "总结活动开展情况，建立长效工作机制", "活动总结、成功案例", D(2012, 12, 31), "10月至年底"),
        ],
        "requirements": [
            {
                "title": "领导班子成员下基层时间一年不少于2个月",
                "kind": "leader_grassroots_days",
                "params": {"min_days": 60},
                "scope": "leaders",
                "period": "year",
                "unit_kinds": ["city", "county"],
                "source_text": "市、县区妇联领导班子成员下基层时间一年不少于2个月",
            },
            {
                "title": "机关干部下基层时间每月不少于2次",
                "kind": "visits_per_cadre",
                "params": {"min": 2, "count": "days"},
                "scope": "all_cadres",
                "period": "month",
                "unit_kinds": ["city", "county"],
                "source_text": "市、县区妇联机关干部下基层时间每月不少于2次",
            },
            {
                "title": "每名干部入户走访不少于10户",
                "kind": "visits_per_cadre",
                "params": {"min": 10, "count": "households"},
                "scope": "all_cadres",
                "period": "campaign",
                "unit_kinds": ["city", "county"],
                "source_text": "市、县区妇联每名干部入户走访不少于10户",
            },
            {
                "title": "“六必访”实现入户走访全覆盖",
                "kind": "must_visit_coverage",
                "params": {"category_group": "six_must"},
                "scope": "unit",
                "period": "campaign",
                "source_text": (
                    "问题家庭必访、留守家庭必访、矛盾纠纷必访、孤残贫困必访、下岗失业必访、重病亡故必访，实现入户走访全覆盖"
                ),
            },
            {
                "title": "每名妇联干部结对帮扶一名贫困妇女",
                "kind": "pairings_per_cadre",
                "params": {"min": 1, "member_flag": "is_poor_woman"},
                "scope": "all_cadres",
                "period": "campaign",
                "source_text": "每名妇联干部都要结对联系并帮扶一名贫困妇女、一名贫困儿童",
            },
            {
                "title": "每名妇联干部结对帮扶一名贫困儿童",
                "kind": "pairings_per_cadre",
                "params": {"min": 1, "member_flag": "is_poor_child"},
                "scope": "all_cadres",
                "period": "campaign",
                "source_text": "每名妇联干部都要结对联系并帮扶一名贫困妇女、一名贫困儿童",
            },
            {
                "title": "活动开展情况每两个月汇总上报一次",
                "kind": "reports_every",
                "params": {"interval_months": 2},
                "scope": "unit",
                "period": "month",
                "unit_kinds": ["county"],
                "source_text": "活动开展情况每两个月汇总上报一次",
            },
        ],
    },
    {
        "key": "zoujin-qunzhong-2008",
        "title": "“走进群众”活动实施方案",
        "theme": "走进群众",
        "document_number": "",
        "source_issuer": "镇党委",
        "issue_date": None,
        "start_date": D(2008, 10, 20),
        "end_date": D(2008, 11, 10),
        "guiding_text": (
            "按照“党员干部受教育、科学发展上水平、人民群众得实惠”的总要求，全面广泛地、持久地开展党员干部“走进群众”活动，"
            "真正做到听民声、察民情、解民忧、促民富。"
        ),
        "phases": [
            (1, "走进群众", D(2008, 10, 20), D(2008, 11, 10), "10月20日—11月10日"),
        ],
        "milestones": [
            (1, 1, "联系、走访的党员和群众名单统一报学教办", "联系对象名单，连心册", D(2008, 10, 30), "10月30日前"),
            (2, 1, "开展“群众访谈日”活动", "各村访谈日预告及记录", D(2008, 11, 6), "11月1日至6日"),
            (3, 1, "形成调研文章交镇学教办公室", "调研文章", D(2008, 11, 10), "11月10日前"),
        ],
        "requirements": [
            {
                "title": "“五必访”：特困户、老党员、留守儿童和空巢老人、种养大户、上访户",
                "kind": "must_visit_coverage",
                "params": {"category_group": "five_must"},
                "scope": "unit",
                "period": "campaign",
                "source_text": (
                    "村街居干部要走遍每一个农(居)户，"
                    "并做到特困户家庭、老党员、留守儿童和空巢老人、种养大户和上访户“五必访”"
                ),
            },
            {
                "title": "群众访谈日每村不少于30人，提前五天张贴预告",
                "kind": "forum_rules",
                "params": {"min_attendance": 30, "notice_days": 5},
                "scope": "unit",
                "period": "campaign",
                "source_text": "要提前五天在主要路段或醒目路口张贴预告……各村参与活动人数不得少于30人",
            },
            {
                "title": "每名党员联系3名群众",
                "kind": "pairings_per_cadre",
                "params": {"min": 3},
                "scope": "all_cadres",
                "period": "campaign",
                "source_text": "镇机关其他党员和村街居党组织的每个党员联系3名群众",
            },
        ],
    },
]


def load_plan_templates(Campaign, Phase, Milestone, Requirement, *, reset: bool = False) -> list:
    """Create the templates that are missing (all of them again with ``reset``). Idempotent.

    Returns the templates created. An admin's edits to an existing template are kept unless
    ``reset`` is given.
    """
    created = []
    for data in TEMPLATES:
        existing = Campaign.objects.filter(template_key=data["key"]).first()
        if existing is not None and not reset:
            continue
        if existing is not None:
            existing.milestones.all().delete()
            existing.phases.all().delete()
            existing.requirements.all().delete()
            template = existing
        else:
            template = Campaign(template_key=data["key"], is_template=True, status="draft")
        for name in ("title", "theme", "document_number", "source_issuer", "issue_date", "start_date", "end_date"):
            setattr(template, name, data[name])
        template.guiding_text = data.get("guiding_text", "")
        template.participating_kinds = data.get("participating_kinds", [])
        template.save()
        phases = {}
        for order, name, start, end, source_text in data["phases"]:
            phases[order] = Phase.objects.create(
                campaign=template, order=order, name=name, start_date=start, end_date=end, source_text=source_text
            )
        Milestone.objects.bulk_create(
            Milestone(
                campaign=template,
                number=number,
                phase=phases[phase_order],
                name=name,
                deliverable=deliverable,
                due_date=due,
                due_text=due_text,
            )
            for number, phase_order, name, deliverable, due, due_text in data["milestones"]
        )
        Requirement.objects.bulk_create(
            Requirement(
                campaign=template,
                order=index,
                title=req["title"],
                kind=req["kind"],
                params=req["params"],
                scope=req["scope"],
                period=req["period"],
                unit_kinds=req.get("unit_kinds", []),
                source_text=req.get("source_text", ""),
            )
            for index, req in enumerate(data["requirements"], start=1)
        )
        created.append(template)
    return created
