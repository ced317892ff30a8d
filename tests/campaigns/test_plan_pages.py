"""The plan page (timeline, per-unit completion, requirements) and the completion form."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import services
from campaigns.models import MilestoneAssignment, Requirement
from org.models import OrgUnit
from tests.factories import make_person, make_unit

from .plans import PDF_BYTES, make_plan

D = datetime.date
NOW = datetime.datetime(2026, 3, 25, 2, 0, tzinfo=datetime.UTC)  # 2026-03-25 in Shanghai


@pytest.fixture
def county_plan(world):
    campaign = make_plan(world.county_a, kinds=["township"])  # steps due 3-11, 3-21, 3-31
    campaign.status = "active"
    campaign.save()
    Requirement.objects.create(
        campaign=campaign, title="每名干部结对1户", kind="pairings_per_cadre", params={"min": 1}, scope="all_cadres"
    )
    return campaign


def _row(campaign, number, unit):
    return MilestoneAssignment.objects.get(milestone__campaign=campaign, milestone__number=number, unit=unit)


@time_machine.travel(NOW)
def test_the_plan_page_shows_the_timeline_and_each_units_steps(world, client_for, county_plan):
    services.milestone_record_completion(
        assignment=_row(county_plan, 1, world.town_a1), completed_on=D(2026, 3, 10), actor=world.town_staff
    )
    response = client_for(world.county_leader).get(county_plan.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="timeline"' in html
    assert html.count("mq-tl-phase-name") == 2
    assert 'data-testid="today-line"' in html
    # Step 2 (due 3-21) is open for both townships on 3-25: overdue, highlighted.
    assert 'data-state="overdue"' in html
    totals = response.context["totals"]
    assert totals == {"overdue": 3, "open": 2, "done_late": 0, "done_on_time": 1}
    units = [row["unit"].name for row in response.context["matrix"]]
    assert units == ["甲一镇", "甲二镇"]
    assert "每名干部结对1户" in html
    assert "按时完成" in html


@time_machine.travel(datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC))
def test_requirements_show_measures_and_say_when_they_do_not_apply(world, client_for, county_plan):
    Requirement.objects.create(
        campaign=county_plan,
        order=2,
        title="副处级以上结穷亲",
        kind="pairings_per_cadre",
        params={"min": 1},
        scope="senior",
    )
    response = client_for(world.town_staff).get(county_plan.get_absolute_url())
    html = response.content.decode()
    results = {row["requirement"].title: row["result"] for row in response.context["requirement_results"]}
    assert results["每名干部结对1户"].status == "short"
    assert results["副处级以上结穷亲"].status == "not_applicable"
    # town_a1 has two cadres bound by the first rule, none met; the second binds nobody there.
    assert '<td class="text-end text-nowrap" data-testid="req-target">2 人</td>' in html
    assert '<td class="text-end text-nowrap" data-testid="req-actual">0 人</td>' in html
    assert 'data-status="not_applicable">不适用</span>' in html
    assert "没有此指标适用的干部（副处级以上干部）" in html


def test_the_admin_edit_link_is_shown_to_the_plans_owners_only(world, client_for, county_plan):
    from core.roles import OFFICE_ADMIN

    county_admin = make_person("county_admin", world.county_a, OFFICE_ADMIN, is_staff=True)
    town_admin = make_person("town_admin", world.town_a1, OFFICE_ADMIN, is_staff=True)
    edit_url = reverse("admin:campaigns_campaign_change", args=[county_plan.pk])
    for user, shown in [
        (county_admin, True),  # the issuing office
        (world.office_admin, True),  # its superior
        (town_admin, False),  # a participating lower office: read only
        (world.county_leader, False),  # reads the plan, no change permission
    ]:
        html = client_for(user).get(county_plan.get_absolute_url()).content.decode()
        assert (edit_url in html) is shown, user


@time_machine.travel(NOW)
def test_a_township_sees_only_its_own_row(world, client_for, county_plan):
    response = client_for(world.town_staff).get(county_plan.get_absolute_url())
    assert [row["unit"] for row in response.context["matrix"]] == [world.town_a1]
    assert response.context["requirement_unit"] == world.town_a1


def test_requirements_for_another_unit_outside_ones_branch_404(world, client_for, county_plan):
    url = county_plan.get_absolute_url()
    assert client_for(world.county_leader).get(url, {"unit": world.town_a2.code}).status_code == 200
    assert client_for(world.town_staff).get(url, {"unit": world.town_a2.code}).status_code == 404


def _plan_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(NOW)
def test_the_plan_page_query_count_does_not_grow_with_units(world, client_for, django_assert_max_num_queries):
    campaign = make_plan(world.city, kinds=["township"], steps=4)
    client = client_for(world.office_admin)
    url = campaign.get_absolute_url()
    with django_assert_max_num_queries(25):
        client.get(url)
    few = _plan_queries(client, url)
    for i in range(12):
        make_unit(world.county_b, f"CBX{i}", f"新镇{i}", OrgUnit.Kind.TOWNSHIP)
    services.campaign_sync_assignments(campaign=campaign)
    assert MilestoneAssignment.objects.filter(milestone__campaign=campaign).count() == 4 * 15
    many = _plan_queries(client, url)
    assert many == few


def test_the_campaign_list_has_a_query_budget(world, client_for, django_assert_max_num_queries):
    for unit in (world.city, world.county_a, world.town_a1, world.county_b):
        make_plan(unit)
    client = client_for(world.town_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:campaign_list"))
    titles = [c.title for c in response.context["page_obj"]]
    assert sorted(titles) == sorted(["测试市实施方案", "甲县实施方案", "甲一镇实施方案"])  # not 乙县's
    few = _plan_queries(client, reverse("campaigns:campaign_list"))
    for i in range(5):
        make_plan(world.town_a1, title=f"更多{i}")
    assert _plan_queries(client, reverse("campaigns:campaign_list")) == few


@time_machine.travel(NOW)
def test_recording_a_completion_with_htmx_and_evidence(world, client_for, county_plan):
    row = _row(county_plan, 2, world.town_a1)
    client = client_for(world.town_staff)
    url = reverse("campaigns:assignment_complete", kwargs={"pk": row.pk})
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert "<html" not in form.content.decode()
    assert "佐证材料" in form.content.decode()

    response = client.post(
        url,
        {"completed_on": "2026-03-24", "note": "已开展思想教育", "evidence": SimpleUploadedFile("记录.pdf", PDF_BYTES)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Refresh"] == "true"
    row.refresh_from_db()
    assert (row.completed_on, row.note, row.state()) == (D(2026, 3, 24), "已开展思想教育", "done_late")
    download = client.get(row.evidence.url)
    assert download.content == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]
    assert row.evidence_name == "记录.pdf"
    assert "%E8%AE%B0%E5%BD%95.pdf" in download["Content-Disposition"]


@time_machine.travel(NOW)
def test_a_bad_evidence_file_is_refused_in_chinese(world, client_for, county_plan):
    row = _row(county_plan, 1, world.town_a1)
    response = client_for(world.town_staff).post(
        reverse("campaigns:assignment_complete", kwargs={"pk": row.pk}),
        {"completed_on": "2026-03-10", "evidence": SimpleUploadedFile("table.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    row.refresh_from_db()
    assert row.completed_on is None


@time_machine.travel(NOW)
def test_a_future_completion_date_is_refused(world, client_for, county_plan):
    row = _row(county_plan, 1, world.town_a1)
    response = client_for(world.town_staff).post(
        reverse("campaigns:assignment_complete", kwargs={"pk": row.pk}), {"completed_on": "2026-04-10"}
    )
    assert "完成日期不能晚于今天" in response.content.decode()


@time_machine.travel(NOW)
def test_without_htmx_the_form_redirects_back_to_the_plan(world, client_for, county_plan):
    row = _row(county_plan, 1, world.town_a1)
    response = client_for(world.town_staff).post(
        reverse("campaigns:assignment_complete", kwargs={"pk": row.pk}), {"completed_on": "2026-03-11"}
    )
    assert response.status_code == 302
    assert response["Location"] == county_plan.get_absolute_url()


def test_a_leader_reads_but_cannot_record(world, client_for, county_plan):
    row = _row(county_plan, 1, world.town_a1)
    client = client_for(world.county_leader)
    assert client.get(county_plan.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("campaigns:assignment_complete", kwargs={"pk": row.pk}), {"completed_on": "2026-03-11"}
    )
    assert response.status_code == 403


def test_recording_for_a_sibling_township_is_a_404(world, client_for, county_plan):
    row = _row(county_plan, 1, world.town_a2)
    response = client_for(world.town_staff).post(
        reverse("campaigns:assignment_complete", kwargs={"pk": row.pk}), {"completed_on": "2026-03-11"}
    )
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.completed_on is None


def test_a_template_has_no_plan_page(world, client_for):
    from campaigns.models import Campaign

    template = Campaign.objects.templates().first()
    assert (
        client_for(world.superuser).get(reverse("campaigns:campaign_plan", kwargs={"pk": template.pk})).status_code
        == 404
    )


def test_office_admins_see_the_five_templates_on_the_plan_list(world, client_for):
    listing = client_for(world.office_admin).get(reverse("campaigns:campaign_list"))
    assert len(listing.context["templates"]) == 5
    assert "历下妇发[2011]9号" in listing.content.decode()
    staff_listing = client_for(world.town_staff).get(reverse("campaigns:campaign_list"))
    assert staff_listing.context["templates"] == []
