"""The pledge's origin is picked from a scoped select (htmx by kind), never typed; others are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Milestone
from ledgers.models import Demand, DemandCategory
from outreach.models import Forum
from pledges.models import Pledge, PledgeCategory
from pledges.services import PledgeError, pledge_create
from tests.pledges.helpers import NEXT_YEAR, make_campaign, make_pledge, pledge_fields


def _demand(unit, title, campaign=None):
    category, _ = DemandCategory.objects.get_or_create(code="road", defaults={"name": "道路"})
    return Demand.objects.create(
        unit=unit, category=category, title=title, received_on=datetime.date(2026, 4, 20), campaign=campaign
    )


def _forum(village, title):
    return Forum.objects.create(village=village, title=title, held_at=timezone.now(), place="村委会")


def _options(client, kind, campaign=None):
    params = {"origin_kind": kind}
    if campaign is not None:
        params["campaign"] = campaign.pk
    return client.get(reverse("pledges:pledge_origin_options"), params)


def test_the_options_offer_the_users_subtree_only_for_each_kind(world, client_for):
    _demand(world.village_a1, "本村路灯不亮")
    _demand(world.village_a2, "邻镇诉求")
    _forum(world.village_a1, "本村访谈日")
    _forum(world.village_a2, "邻镇座谈会")
    client = client_for(world.town_staff)
    demands = _options(client, "demand").content.decode()
    assert "本村路灯不亮" in demands
    assert "邻镇诉求" not in demands
    forums = _options(client, "forum").content.decode()
    assert "本村访谈日" in forums
    assert "邻镇座谈会" not in forums
    assert _options(client, "none").content.decode().count("<option") == 1


def test_plan_steps_are_those_of_the_chosen_campaign_and_visible_plans(world, client_for):
    campaign = make_campaign(world)
    Milestone.objects.create(campaign=campaign, number=4, name="明确办实事项目", due_date=datetime.date(2026, 4, 30))
    other = make_campaign(world, title="乙县方案", document_number="乙", issuing_unit=world.county_b)
    Milestone.objects.create(campaign=other, number=1, name="乙县环节", due_date=datetime.date(2026, 4, 30))
    client = client_for(world.town_staff)
    steps = _options(client, "milestone", campaign).content.decode()
    assert "明确办实事项目" in steps
    assert "乙县环节" not in steps
    assert "乙县环节" not in _options(client, "milestone").content.decode()
    # A campaign the user cannot see is not a way in.
    assert _options(client, "milestone", other).status_code == 404


def test_demands_of_another_campaign_are_not_offered_once_a_campaign_is_chosen(world, client_for):
    campaign = make_campaign(world)
    other = make_campaign(world, title="另一方案", document_number="另")
    _demand(world.village_a1, "本方案诉求", campaign)
    _demand(world.village_a1, "未归入方案的诉求")
    _demand(world.village_a1, "另一方案诉求", other)
    page = _options(client_for(world.town_staff), "demand", campaign).content.decode()
    assert "本方案诉求" in page
    assert "未归入方案的诉求" in page
    assert "另一方案诉求" not in page


def test_the_options_endpoint_refuses_an_unknown_kind_and_roles_without_the_permission(world, client_for):
    assert _options(client_for(world.town_staff), "visit").status_code == 404
    assert _options(client_for(world.village_cadre), "demand").status_code == 403


def test_the_form_offers_a_select_wired_to_the_options_endpoint_not_a_number_box(world, client_for):
    page = client_for(world.town_staff).get(reverse("pledges:pledge_create")).content.decode()
    assert '<select name="origin_object_id"' in page
    assert 'type="number" name="origin_object_id"' not in page
    assert f'hx-get="{reverse("pledges:pledge_origin_options")}"' in page
    assert 'hx-target="#id_origin_object_id"' in page


def _post(client, world, **extra):
    campaign = make_campaign(world)
    data = {
        "campaign": campaign.pk,
        "org_unit": world.village_a1.pk,
        "category": PledgeCategory.objects.get(code="coordination").pk,
        "title": "村口路灯",
        "content": "安装路灯",
        "target": "路灯全部亮起",
        "deadline": f"{NEXT_YEAR}-09-30",
        "responsible_unit": world.village_a1.pk,
        "measures": "争取经费",
        "audience": "both",
        "visibility": "public",
        **extra,
    }
    return client.post(reverse("pledges:pledge_create"), data)


def test_the_form_saves_an_origin_picked_from_the_subtree(world, client_for):
    demand = _demand(world.village_a1, "本村路灯不亮")
    response = _post(client_for(world.town_staff), world, origin_kind="demand", origin_object_id=demand.pk)
    assert response.status_code == 302
    pledge = Pledge.objects.get(title="村口路灯")
    assert (pledge.origin_kind, pledge.origin_object_id) == ("demand", demand.pk)
    assert pledge.origin_object() == demand


def test_the_form_refuses_a_posted_origin_outside_the_subtree(world, client_for):
    foreign = _demand(world.village_a2, "邻镇诉求")
    response = _post(client_for(world.town_staff), world, origin_kind="demand", origin_object_id=foreign.pk)
    assert response.status_code == 200
    assert not Pledge.objects.filter(title="村口路灯").exists()
    assert "邻镇诉求" not in response.content.decode()


def test_the_form_refuses_an_id_of_another_kind(world, client_for):
    forum = _forum(world.village_a1, "本村访谈日")
    response = _post(client_for(world.town_staff), world, origin_kind="demand", origin_object_id=forum.pk)
    assert response.status_code == 200
    assert not Pledge.objects.filter(title="村口路灯").exists()


def test_the_service_refuses_an_origin_outside_the_subtree(world):
    foreign = _forum(world.village_a2, "邻镇座谈会")
    fields = pledge_fields(world, world.village_a1, origin_kind="forum", origin_object_id=foreign.pk)
    with pytest.raises(PledgeError, match="不在本单位及下级单位范围内"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)


def test_editing_keeps_the_chosen_origin_selected(world, client_for):
    demand = _demand(world.village_a1, "本村路灯不亮")
    pledge = make_pledge(world, world.village_a1, "draft", origin_kind="demand", origin_object_id=demand.pk)
    page = client_for(world.town_staff).get(reverse("pledges:pledge_edit", args=[pledge.pk])).content.decode()
    assert f'<option value="{demand.pk}" selected>' in page
