"""A superior's plan is read below, never changed there: admin, import, services; completions stay open."""

import datetime

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign, Milestone, MilestoneAssignment, Requirement
from campaigns.permissions import campaign_can_edit
from core.roles import OFFICE_ADMIN
from evaluations import services as evaluation_services
from org.models import OrgUnit
from tests.factories import build_campaign, make_person

from .plans import make_plan

D = datetime.date
STEP_HEADER = "主题活动ID,环节序号,环节名称,工作成果,完成时限,原文时限表述,所属阶段序号,责任单位代码\n"


@pytest.fixture
def county_admin(world):
    return make_person("county_admin", world.county_a, OFFICE_ADMIN, is_staff=True)


@pytest.fixture
def city_plan(world):
    """The city's plan; the counties take part in it and owe its steps."""
    return make_plan(world.city, kinds=["county"])


def _campaign_form(campaign, **changes):
    data = {
        "title": campaign.title,
        "issuing_unit": campaign.issuing_unit_id,
        "start_date": campaign.start_date.isoformat(),
        "end_date": campaign.end_date.isoformat(),
        "participation": "subtree",
        "participating_kinds": "[]",
        **{f"{p}-{k}": "0" for p in ("phases", "milestones", "requirements") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    data.update(changes)
    return data


def test_the_rule(world, county_admin, city_plan):
    county_plan = make_plan(world.county_a)
    assert not campaign_can_edit(county_admin, city_plan)  # superior's plan: read only
    assert campaign_can_edit(county_admin, county_plan)  # own plan
    assert campaign_can_edit(world.office_admin, county_plan)  # the superior office edits below
    assert not campaign_can_edit(world.county_leader, county_plan)  # no change permission
    assert not campaign_can_edit(county_admin, Campaign.objects.templates().first())
    assert campaign_can_edit(world.superuser, city_plan)


# ---- admin ------------------------------------------------------------------------------------


def test_a_lower_office_sees_the_superiors_campaign_page_read_only(world, client_for, county_admin, city_plan):
    client = client_for(county_admin)
    url = reverse("admin:campaigns_campaign_change", args=[city_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert city_plan.title in html
    assert 'name="_save"' not in html  # the view-only page
    assert 'name="title"' not in html
    response = client.post(url, _campaign_form(city_plan, title="县里改的"))
    assert response.status_code == 403
    city_plan.refresh_from_db()
    assert city_plan.title != "县里改的"


def test_the_issuing_office_and_its_superiors_edit_the_campaign(world, client_for, county_admin):
    county_plan = make_plan(world.county_a, steps=0)
    url = reverse("admin:campaigns_campaign_change", args=[county_plan.pk])
    # Phases are posted unchanged as initial forms.
    phases = list(county_plan.phases.order_by("order"))
    data = _campaign_form(county_plan, title="县方案（修订）")
    data["phases-TOTAL_FORMS"] = data["phases-INITIAL_FORMS"] = str(len(phases))
    for i, phase in enumerate(phases):
        data.update(
            {
                f"phases-{i}-id": phase.pk,
                f"phases-{i}-campaign": county_plan.pk,
                f"phases-{i}-order": phase.order,
                f"phases-{i}-name": phase.name,
                f"phases-{i}-start_date": phase.start_date.isoformat(),
                f"phases-{i}-end_date": phase.end_date.isoformat(),
            }
        )
    assert client_for(county_admin).post(url, data).status_code == 302
    data["title"] = "县方案（市里修订）"
    assert client_for(world.office_admin).post(url, data).status_code == 302
    county_plan.refresh_from_db()
    assert county_plan.title == "县方案（市里修订）"


def test_a_superiors_steps_and_requirements_are_read_only_below(world, client_for, county_admin, city_plan):
    requirement = Requirement.objects.create(
        campaign=city_plan, title="结对", kind="pairings_per_cadre", params={"min": 1}, scope="all_cadres"
    )
    step = city_plan.milestones.get(number=1)
    client = client_for(county_admin)
    step_url = reverse("admin:campaigns_milestone_change", args=[step.pk])
    assert client.get(step_url).status_code == 200
    response = client.post(
        step_url, {"campaign": city_plan.pk, "number": 1, "name": "改名", "due_date": step.due_date.isoformat()}
    )
    assert response.status_code == 403
    req_url = reverse("admin:campaigns_requirement_change", args=[requirement.pk])
    assert client.post(req_url, {"title": "改"}).status_code == 403
    assert client.post(reverse("admin:campaigns_milestone_delete", args=[step.pk]), {"post": "yes"}).status_code == 403
    step.refresh_from_db()
    requirement.refresh_from_db()
    assert (step.name, requirement.title) == ("环节1", "结对")


def test_a_step_cannot_be_added_to_a_superiors_campaign(world, client_for, county_admin, city_plan):
    client = client_for(county_admin)
    response = client.post(
        reverse("admin:campaigns_milestone_add"),
        {"campaign": city_plan.pk, "number": 9, "name": "县里加的", "due_date": "2026-04-01"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Milestone.objects.filter(name="县里加的").exists()
    # The autocomplete offers the county's own plans only.
    own = make_plan(world.county_a, title="甲县方案")
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "campaigns", "model_name": "milestone", "field_name": "campaign", "term": ""},
    ).json()
    ids = {int(r["id"]) for r in found["results"]}
    assert own.pk in ids
    assert city_plan.pk not in ids


def test_status_and_date_actions_on_a_superiors_campaign_are_refused(world, client_for, county_admin, city_plan):
    client = client_for(county_admin)
    changelist = reverse("admin:campaigns_campaign_changelist")
    response = client.post(changelist, {"action": "activate", ACTION_CHECKBOX_NAME: [city_plan.pk]}, follow=True)
    assert "您只能查看，不能修改" in response.content.decode()
    response = client.post(changelist, {"action": "shift_dates", ACTION_CHECKBOX_NAME: [city_plan.pk]}, follow=True)
    assert "您只能查看，不能修改" in response.content.decode()
    city_plan.refresh_from_db()
    assert city_plan.status == "draft"


def test_importing_steps_into_a_superiors_campaign_is_refused(world, client_for, county_admin, city_plan):
    upload = SimpleUploadedFile(
        "plan.csv", (STEP_HEADER + f"{city_plan.pk},9,县里加的,,2026-04-01,,1,\n").encode(), content_type="text/csv"
    )
    response = client_for(county_admin).post(
        reverse("admin:campaigns_milestone_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    assert f"主题活动“{city_plan.pk}”由上级单位发布，您只能查看，不能导入修改。" in response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Milestone.objects.filter(name="县里加的").exists()


@time_machine.travel(datetime.datetime(2026, 3, 20, 2, 0, tzinfo=datetime.UTC))
def test_a_lower_office_still_records_its_own_completion_of_a_superiors_step(
    world, client_for, county_admin, city_plan
):
    row = MilestoneAssignment.objects.get(milestone__campaign=city_plan, milestone__number=1, unit=world.county_a)
    response = client_for(county_admin).post(
        reverse("admin:campaigns_milestoneassignment_change", args=[row.pk]),
        {"completed_on": "2026-03-10", "note": "已召开"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.completed_on, row.completed_by) == (D(2026, 3, 10), county_admin)


# ---- services -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c, a: services.campaign_set_status(campaign=c, status="active", actor=a),
        lambda c, a: services.campaign_shift_dates(campaign=c, start_date=D(2026, 4, 1), actor=a),
        lambda c, a: services.campaign_cascade(campaign=c, units=[OrgUnit.objects.get(code="CA")], actor=a),
    ],
    ids=["status", "shift", "cascade"],
)
def test_services_refuse_a_lower_office_changing_a_superiors_plan(world, county_admin, city_plan, call):
    with pytest.raises(PermissionDenied, match="由测试市发布，您只能查看，不能修改"):
        call(city_plan, county_admin)
    city_plan.refresh_from_db()
    assert (city_plan.status, city_plan.start_date, city_plan.children.count()) == ("draft", D(2026, 3, 1), 0)
    call(city_plan, world.office_admin)  # the issuing office may


def test_a_template_cannot_be_applied_to_a_superiors_plan(world, county_admin):
    empty = build_campaign(
        world.city, title="空方案", start=D(2026, 3, 1), end=D(2026, 11, 30), status=Campaign.Status.DRAFT
    )
    template = Campaign.objects.get(template_key="zoujin-qunzhong-2008")
    with pytest.raises(PermissionDenied):
        services.campaign_apply_template(campaign=empty, template=template, actor=county_admin)
    assert not empty.phases.exists()


def test_a_report_schedule_is_made_by_the_issuing_office_only(world, county_admin, city_plan):
    requirement = Requirement.objects.create(
        campaign=city_plan,
        title="两月一报",
        kind="reports_every",
        params={"interval_months": 2},
        scope="unit",
        period="month",
    )
    with pytest.raises(PermissionDenied):
        evaluation_services.report_schedule_create(requirement=requirement, actor=county_admin)
    assert evaluation_services.report_schedule_create(requirement=requirement, actor=world.office_admin) > 0
