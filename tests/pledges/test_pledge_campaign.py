"""A pledge is filed under a campaign its unit takes part in (one rule: pledges.services.campaign_refusal)."""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from org.models import OrgUnit
from pledges.models import Pledge, PledgeCategory
from pledges.services import PledgeError, pledge_create, pledge_update
from tests.factories import build_campaign
from tests.pledges.helpers import NEXT_YEAR, make_campaign, make_pledge, pledge_fields

D = datetime.date


def _cascaded(world, unit, **fields):
    """A county's copy of the city plan: the same title, another issuing unit."""
    parent = make_campaign(world)
    return make_campaign(world, title=parent.title, issuing_unit=unit, parent=parent, **fields)


def _form_data(campaign, unit):
    return {
        "campaign": campaign.pk,
        "org_unit": unit.pk,
        "category": PledgeCategory.objects.get(code="coordination").pk,
        "title": "修缮妇女儿童之家",
        "content": "修缮活动室",
        "target": "对外开放",
        "deadline": f"{NEXT_YEAR}-09-30",
        "responsible_unit": unit.pk,
        "measures": "争取经费",
        "audience": "both",
        "visibility": "public",
        "origin_kind": "none",
    }


def test_another_countys_campaign_is_refused_by_the_service(world):
    other = _cascaded(world, world.county_b)
    with pytest.raises(PledgeError, match="不参加"):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5),
            user=world.office_admin,
            fields=pledge_fields(world, world.village_a1, campaign=other),
        )
    assert not Pledge.objects.exists()


def test_own_countys_and_the_city_campaign_are_accepted(world):
    own = _cascaded(world, world.county_a)
    pledge, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5),
        user=world.office_admin,
        fields=pledge_fields(world, world.village_a1, campaign=own),
    )
    assert pledge.campaign == own
    city = make_campaign(world)
    assert pledge_create(
        filed_on=datetime.date(2026, 1, 5),
        user=world.office_admin,
        fields=pledge_fields(world, world.town_a2, campaign=city),
    )


def test_a_template_is_refused(world):
    template = build_campaign(
        None, title="模板方案", is_template=True, start=D(2026, 1, 1), end=D(2026, 12, 31), status=Campaign.Status.DRAFT
    )
    with pytest.raises(PledgeError, match="模板"):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5),
            user=world.superuser,
            fields=pledge_fields(world, world.village_a1, campaign=template),
        )


def test_participating_levels_and_chosen_units_decide(world):
    township_level = make_campaign(world, title="镇级活动", participating_kinds=[OrgUnit.Kind.TOWNSHIP])
    # A village works under its township's part; a county (above the level) does not take part.
    assert pledge_create(
        filed_on=datetime.date(2026, 1, 5),
        user=world.superuser,
        fields=pledge_fields(world, world.village_a1, campaign=township_level),
    )
    with pytest.raises(PledgeError):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5),
            user=world.superuser,
            fields=pledge_fields(world, world.county_a, campaign=township_level),
        )
    chosen = make_campaign(world, title="指定单位活动", participation=Campaign.Participation.CHOSEN)
    chosen.participating_units.set([world.town_a1])
    assert pledge_create(
        filed_on=datetime.date(2026, 1, 5),
        user=world.superuser,
        fields=pledge_fields(world, world.village_a1b, campaign=chosen),
    )
    with pytest.raises(PledgeError):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5),
            user=world.superuser,
            fields=pledge_fields(world, world.village_a2, campaign=chosen),
        )


def test_moving_a_draft_to_another_countys_unit_is_refused(world):
    own = _cascaded(world, world.county_a)
    pledge = make_pledge(world, world.village_a1, state="draft", campaign=own)
    with pytest.raises(PledgeError):
        pledge_update(pledge=pledge, user=world.superuser, fields={"org_unit": world.village_b1})
    pledge.refresh_from_db()
    assert pledge.org_unit == world.village_a1


def test_the_form_refuses_another_countys_campaign_with_a_chinese_message(client_for, world):
    other = _cascaded(world, world.county_b)
    response = client_for(world.office_admin).post(
        reverse("pledges:pledge_create"), _form_data(other, world.village_a1)
    )
    assert response.status_code == 200
    assert "甲一村”不参加" in response.content.decode()
    assert not Pledge.objects.exists()
    own = _cascaded(world, world.county_a)
    response = client_for(world.office_admin).post(reverse("pledges:pledge_create"), _form_data(own, world.village_a1))
    assert response.status_code == 302
    assert Pledge.objects.get().campaign == own
