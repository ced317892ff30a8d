"""The back office: inlines with Chinese validation, actions (status, cascade, template, shift), import/export."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign, Milestone, MilestoneAssignment, Requirement
from tests.factories import build_campaign

from .plans import make_plan

D = datetime.date


def _change_form_data(campaign, phases):
    data = {
        "title": campaign.title,
        "theme": "",
        "document_number": "",
        "issuing_unit": campaign.issuing_unit_id,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "participation": "subtree",
        "participating_kinds": "[]",
        "guiding_text": "",
        "source_issuer": "",
        "phases-TOTAL_FORMS": str(len(phases)),
        "phases-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "requirements-TOTAL_FORMS": "0",
        "requirements-INITIAL_FORMS": "0",
    }
    for i, (order, name, start, end) in enumerate(phases):
        data.update(
            {
                f"phases-{i}-order": order,
                f"phases-{i}-name": name,
                f"phases-{i}-start_date": start,
                f"phases-{i}-end_date": end,
            }
        )
    return data


def test_overlapping_phases_are_refused_in_chinese(world, client_for):
    campaign = build_campaign(
        world.city, title="新方案", start=D(2026, 3, 1), end=D(2026, 11, 30), status=Campaign.Status.DRAFT
    )
    data = _change_form_data(
        campaign,
        [(1, "走访调研", "2026-03-01", "2026-04-30"), (2, "公开承诺", "2026-04-15", "2026-10-31")],
    )
    response = client_for(world.office_admin).post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert "阶段“走访调研”与“公开承诺”的时间重叠" in response.content.decode()
    assert not campaign.phases.exists()


def test_a_phase_outside_the_campaign_is_refused_in_chinese(world, client_for):
    campaign = build_campaign(
        world.city, title="新方案", start=D(2026, 3, 1), end=D(2026, 11, 30), status=Campaign.Status.DRAFT
    )
    data = _change_form_data(campaign, [(1, "总结提高", "2026-11-01", "2026-12-15")])
    response = client_for(world.office_admin).post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert "晚于活动结束日期" in response.content.decode()


def test_valid_phases_are_saved_through_the_inline(world, client_for):
    campaign = build_campaign(
        world.city, title="新方案", start=D(2026, 3, 1), end=D(2026, 11, 30), status=Campaign.Status.DRAFT
    )
    data = _change_form_data(
        campaign,
        [(1, "走访调研", "2026-03-01", "2026-04-15"), (2, "公开承诺", "2026-04-21", "2026-10-31")],
    )
    response = client_for(world.office_admin).post(reverse("admin:campaigns_campaign_change", args=[campaign.pk]), data)
    assert response.status_code == 302
    assert campaign.phases.count() == 2


def test_a_step_due_outside_its_phase_is_refused(world):
    from django.core.exceptions import ValidationError

    campaign = make_plan(world.city)
    step = campaign.milestones.get(number=1)
    step.due_date = D(2026, 6, 1)  # phase 1 ends 4-15
    with pytest.raises(ValidationError, match="不在所属阶段"):
        step.full_clean()


def _action(client, action, ids, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(i) for i in ids], **extra}
    return client.post(reverse("admin:campaigns_campaign_changelist"), data)


def test_the_cascade_action_asks_for_units_then_creates_the_plans(world, client_for):
    city_plan = make_plan(world.city, kinds=["county"])
    client = client_for(world.office_admin)
    page = _action(client, "cascade", [city_plan.pk])
    assert page.status_code == 200
    assert "甲县" in page.content.decode()
    assert "乙县" in page.content.decode()
    done = _action(client, "cascade", [city_plan.pk], apply="1", units=[world.county_a.pk, world.county_b.pk])
    assert done.status_code == 302
    assert set(city_plan.children.values_list("issuing_unit", flat=True)) == {world.county_a.pk, world.county_b.pk}


def test_the_cascade_page_lists_existing_plans_and_refuses_a_duplicate(world, client_for):
    city_plan = make_plan(world.city, kinds=["county"])
    client = client_for(world.office_admin)
    assert _action(client, "cascade", [city_plan.pk], apply="1", units=[world.county_a.pk]).status_code == 302
    county_plan = city_plan.children.get()
    page = _action(client, "cascade", [city_plan.pk])
    html = page.content.decode()
    assert 'data-testid="existing-children"' in html
    assert f"甲县：{county_plan.title}" in html
    assert "甲县（已下发）" in html
    again = _action(client, "cascade", [city_plan.pk], apply="1", units=[world.county_a.pk, world.county_b.pk])
    assert again.status_code == 200
    assert f"“甲县”已有实施方案“{county_plan.title}”，不能重复下发。" in again.content.decode()
    assert city_plan.children.count() == 1


def test_the_template_action_starts_a_new_campaign_a_year_later(world, client_for):
    template = Campaign.objects.get(template_key="binzhou-fulian-2012")
    client = client_for(world.office_admin)
    assert _action(client, "start_from_template", [template.pk]).status_code == 200
    response = _action(
        client,
        "start_from_template",
        [template.pk],
        apply="1",
        issuing_unit=world.county_a.pk,
        start_date="2027-04-01",
        title="",
        document_number="甲妇发[2027]3号",
    )
    campaign = Campaign.objects.get(document_number="甲妇发[2027]3号")
    # The user lands on the new draft with a confirmation.
    assert response.status_code == 302
    assert response.url == reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    landed = client.get(response.url)
    assert "已由模板新建" in landed.content.decode()
    assert "状态为草稿" in landed.content.decode()
    assert (campaign.start_date, campaign.end_date) == (D(2027, 4, 1), D(2027, 12, 31))
    assert campaign.milestones.get(number=1).due_date == D(2027, 4, 20)
    assert campaign.requirements.count() == 7
    # 滨妇发 binds counties and townships: 甲县 and its two townships owe each step.
    assert MilestoneAssignment.objects.filter(milestone__campaign=campaign, milestone__number=1).count() == 3


def test_the_template_action_refuses_a_unit_outside_ones_branch(world, client_for):
    template = Campaign.objects.get(template_key="binzhou-fulian-2012")
    world.county_leader.is_staff = True
    world.county_leader.save()
    from django.contrib.auth.models import Permission

    world.county_leader.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_campaign", "view_campaign", "change_campaign"])
    )
    response = _action(
        client_for(world.county_leader),
        "start_from_template",
        [template.pk],
        apply="1",
        issuing_unit=world.county_b.pk,
        start_date="2027-04-01",
    )
    assert response.status_code == 200  # the form shows the error: 乙县 is not a choice
    assert not Campaign.objects.filter(issuing_unit=world.county_b).exists()


def test_the_shift_action_moves_only_that_plan(world, client_for):
    campaign = make_plan(world.county_a)
    response = _action(client_for(world.office_admin), "shift_dates", [campaign.pk], apply="1", start_date="2027-03-01")
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.start_date == D(2027, 3, 1)
    assert campaign.milestones.get(number=1).due_date == D(2027, 3, 11)


def test_the_activate_action_uses_the_status_rules(world, client_for):
    campaign = make_plan(world.county_a)
    client = client_for(world.office_admin)
    _action(client, "activate", [campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == "active"
    response = _action(client, "activate", [campaign.pk])
    campaign.refresh_from_db()
    assert campaign.status == "active"
    assert response.status_code == 302


def test_office_admins_see_templates_but_cannot_change_them(world, client_for):
    client = client_for(world.office_admin)
    listing = client.get(reverse("admin:campaigns_campaign_changelist"), {"template": "yes"})
    assert "历下区妇联" in listing.content.decode() or "历下" in listing.content.decode()
    template = Campaign.objects.get(template_key="lixia-fulian-2011")
    page = client.get(reverse("admin:campaigns_campaign_change", args=[template.pk]))
    assert page.status_code == 200
    assert "召开“深入基层、服务群众”主题活动动员会议" in page.content.decode()
    response = client.post(reverse("admin:campaigns_campaign_change", args=[template.pk]), {"title": "改"})
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.title != "改"


def test_another_countys_campaign_admin_page_is_a_404(world, client_for):
    campaign = make_plan(world.county_b)
    world.county_leader.is_staff = True
    world.county_leader.save()
    from django.contrib.auth.models import Permission

    world.county_leader.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_campaign", "view_milestone"])
    )
    client = client_for(world.county_leader)
    assert client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).status_code == 404
    step = campaign.milestones.first()
    assert client.get(reverse("admin:campaigns_milestone_change", args=[step.pk])).status_code == 404


# ---- import / export ------------------------------------------------------------------------


def test_steps_export_with_chinese_headers(world, client_for):
    campaign = make_plan(world.county_a)
    response = client_for(world.office_admin).post(
        reverse("admin:campaigns_milestone_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"milestoneresource_{f}": "on"
                for f in [
                    "campaign",
                    "campaign_title",
                    "number",
                    "name",
                    "deliverable",
                    "due_date",
                    "due_text",
                    "phase",
                    "responsible_unit",
                ]
            },
        },
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("主题活动ID,主题活动,环节序号,环节名称")
    assert f"{campaign.pk},{campaign.title},1,环节1" in text


def _import(client, url, csv_text):
    upload = SimpleUploadedFile("plan.csv", csv_text.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


STEP_HEADER = "主题活动ID,环节序号,环节名称,工作成果,完成时限,原文时限表述,所属阶段序号,责任单位代码\n"


def test_importing_steps_creates_them_and_their_owed_rows(world, client_for):
    campaign = make_plan(world.county_a, kinds=["township"], steps=0)
    client = client_for(world.office_admin)
    csv_text = (
        STEP_HEADER
        + f"{campaign.pk},1,召开动员会议,动员会议,2026-03-15,3月15日前后,1,\n"
        + f"{campaign.pk},2,建立台帐,办实事台帐,2026-04-30,4月底,2,CA1\n"
    )
    preview = _import(client, reverse("admin:campaigns_milestone_import"), csv_text)
    assert preview.status_code == 200
    assert "errorlist" not in preview.content.decode()
    assert "错误" not in preview.content.decode()
    confirm = preview.context["confirm_form"]
    done = client.post(reverse("admin:campaigns_milestone_process_import"), confirm.initial)
    assert done.status_code == 302
    steps = list(campaign.milestones.order_by("number"))
    assert [(m.name, m.due_date, m.phase.order) for m in steps] == [
        ("召开动员会议", D(2026, 3, 15), 1),
        ("建立台帐", D(2026, 4, 30), 2),
    ]
    assert steps[1].responsible_unit == world.town_a1
    assert MilestoneAssignment.objects.filter(milestone__campaign=campaign).count() == 3  # 2 townships + 1


def test_importing_a_step_for_a_campaign_outside_ones_branch_fails(world, client_for):
    from django.contrib.auth.models import Permission

    other = make_plan(world.county_b, steps=0)
    world.county_leader.is_staff = True
    world.county_leader.save()
    world.county_leader.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_milestone", "change_milestone", "view_milestone"])
    )
    response = _import(
        client_for(world.county_leader),
        reverse("admin:campaigns_milestone_import"),
        STEP_HEADER + f"{other.pk},1,召开动员会议,,2026-03-15,,1,\n",
    )
    assert "不存在或不在您的管辖范围内" in response.content.decode()
    assert not Milestone.objects.filter(campaign=other).exists()


def test_a_step_due_after_the_campaign_is_reported_on_its_row(world, client_for):
    campaign = make_plan(world.county_a, steps=0)
    response = _import(
        client_for(world.office_admin),
        reverse("admin:campaigns_milestone_import"),
        STEP_HEADER + f"{campaign.pk},1,总结,,2027-01-15,,,\n",
    )
    assert "晚于活动结束日期" in response.content.decode()
    assert not campaign.milestones.exists()


def test_requirements_import_by_chinese_labels_and_validate_params(world, client_for):
    campaign = make_plan(world.county_a, steps=0)
    header = "主题活动ID,序号,指标名称,指标类型,参数,适用对象,考核周期,适用层级,原文依据\n"
    client = client_for(world.office_admin)
    good = (
        f'{campaign.pk},1,每名干部入户走访不少于10户,每名干部走访数,"{{""min"": 10, ""count"": ""households""}}",'
        '全体干部,活动期间,"county,township",每名干部入户走访不少于10户\n'
    )
    preview = _import(client, reverse("admin:campaigns_requirement_import"), header + good)
    client.post(reverse("admin:campaigns_requirement_process_import"), preview.context["confirm_form"].initial)
    requirement = Requirement.objects.get(campaign=campaign)
    assert (requirement.kind, requirement.params, requirement.unit_kinds) == (
        "visits_per_cadre",
        {"min": 10, "count": "households"},
        ["county", "township"],
    )
    bad = f'{campaign.pk},2,坏指标,每名干部走访数,"{{""min"": 0}}",全体干部,活动期间,,\n'
    response = _import(client, reverse("admin:campaigns_requirement_import"), header + bad)
    assert "必须大于0" in response.content.decode()


def test_submitting_a_report_in_the_admin_records_who_submitted(world, client_for):
    from evaluations.models import Report

    campaign = make_plan(world.county_a)
    report = Report.objects.create(campaign=campaign, unit=world.town_a1, title="两月汇总", due_date=D(2026, 4, 30))
    response = client_for(world.office_admin).post(
        reverse("admin:evaluations_report_change", args=[report.pk]),
        {
            "campaign": campaign.pk,
            "unit": world.town_a1.pk,
            "title": "两月汇总",
            "due_date": "2026-04-30",
            "submitted_on": "2026-04-28",
            "content": "本期情况",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.submitted_on, report.submitted_by) == (D(2026, 4, 28), world.office_admin)


def _xlsx_upload(client, url, data: bytes):
    upload = SimpleUploadedFile("plan.xlsx", data, content_type="application/octet-stream")
    return client.post(url, {"import_file": upload, "format": "1", "resource": "0"})


def test_importing_steps_from_an_excel_file(world, client_for):
    from tests.outreach.hostile import inline_cell, sheet, workbook

    campaign = make_plan(world.county_a, kinds=["township"], steps=0)
    header, row = STEP_HEADER.strip().split(","), [str(campaign.pk), "1", "召开动员会议", "", "2026-03-15", "", "1"]
    cells = "".join(
        f'<row r="{r}">' + "".join(inline_cell(f"{chr(65 + i)}{r}", v) for i, v in enumerate(values) if v) + "</row>"
        for r, values in ((1, header), (2, row))
    )
    client = client_for(world.office_admin)
    preview = _xlsx_upload(client, reverse("admin:campaigns_milestone_import"), workbook(sheet(cells)))
    assert "errorlist" not in preview.content.decode()
    client.post(reverse("admin:campaigns_milestone_process_import"), preview.context["confirm_form"].initial)
    step = campaign.milestones.get()
    assert (step.number, step.name, step.due_date, step.responsible_unit) == (1, "召开动员会议", D(2026, 3, 15), None)


def test_a_hostile_excel_file_is_refused_by_the_admin_import_in_bounded_memory(world, client_for):
    from tests.outreach.hostile import far_cell, in_limited_child

    client = client_for(world.office_admin)
    data = far_cell()
    before = Milestone.objects.count()

    def upload():
        response = _xlsx_upload(client, reverse("admin:campaigns_milestone_import"), data)
        return response.status_code, response.content.decode(), Milestone.objects.count()

    ended, outcome = in_limited_child(upload)

    assert ended == ("exit", 0), outcome
    status, page, after = outcome[1]
    assert status == 200
    assert "单元格 XFD1048576 有内容，超出了可导入的范围" in page
    assert after == before
