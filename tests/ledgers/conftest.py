"""Ledger fixtures on top of the world: a campaign, households in two townships, a visit, demands."""

import datetime
import types

import pytest
from django.utils import timezone

from ledgers.models import Visit
from org.models import Cadre
from outreach.models import Forum, ReceptionDay
from tests.factories import (
    DemandFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    VisitFactory,
    build_campaign,
    demand_category,
)


def cadre_of(user):
    return Cadre.objects.get(user=user)


@pytest.fixture
def ledger(world):
    return build_ledger(world)


def build_ledger(world):
    """The ledger objects of the world (cached on it, so the URL matrix can reuse them)."""
    if getattr(world, "_ledger", None) is not None:
        return world._ledger
    today = timezone.localdate()
    campaign = build_campaign(
        world.city,
        title="下基层、访妇情、办实事",
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=200),
    )
    h_a1 = HouseholdFactory(
        village=world.village_a1,
        number="0001",
        head_name="王建国",
        address="甲一村1组1号",
        phone="13812345678",
        id_number="371602199001011234",
    )
    h_a1b = HouseholdFactory(
        village=world.village_a1b, number="0002", head_name="王秀英", address="甲一二村2组5号", phone="13900001111"
    )
    h_a2 = HouseholdFactory(
        village=world.village_a2, number="0001", head_name="王大海", address="甲二村3组9号", phone="13700002222"
    )
    member = HouseholdMemberFactory(household=h_a1, name="王小明", relation="子")
    category = demand_category("land", "土地征用")
    visit = VisitFactory(
        cadre=cadre_of(world.town_staff),
        household=h_a1,
        visited_on=today,
        method=Visit.Method.HOME,
        ledger_book="minqing",
        campaign=campaign,
        learned="了解家庭情况",
    )
    visit_a2 = VisitFactory(
        cadre=cadre_of(world.sibling_town_staff),
        household=h_a2,
        visited_on=today,
        method=Visit.Method.PHONE,
        ledger_book="minqing",
        campaign=campaign,
        learned="甲二村的走访",
    )
    demand = DemandFactory(
        actor=world.superuser, unit=world.village_a1, category=category, title="承包地补偿", household=h_a1, visit=visit
    )
    demand_a2 = DemandFactory(
        actor=world.superuser, unit=world.village_a2, category=category, title="甲二村的诉求", household=h_a2
    )
    forum = Forum.objects.create(
        village=world.village_a1,
        campaign=campaign,
        held_at=timezone.now() - datetime.timedelta(days=2),
        place="村委会",
        notice_posted_on=today - datetime.timedelta(days=9),
        attendance=40,
    )
    forum_a2 = Forum.objects.create(village=world.village_a2, held_at=timezone.now(), place="甲二村委会", attendance=12)
    reception = ReceptionDay.objects.create(leader=cadre_of(world.county_leader), held_on=today, visitors_count=3)
    reception_a2 = ReceptionDay.objects.create(leader=cadre_of(world.sibling_town_staff), held_on=today)
    world._ledger = types.SimpleNamespace(
        campaign=campaign,
        h_a1=h_a1,
        h_a1b=h_a1b,
        h_a2=h_a2,
        member=member,
        category=category,
        visit=visit,
        visit_a2=visit_a2,
        demand=demand,
        demand_a2=demand_a2,
        forum=forum,
        forum_a2=forum_a2,
        reception=reception,
        reception_a2=reception_a2,
        today=today,
    )
    return world._ledger
