"""Objects of the sibling county (乙县, county_b) for tests that attack scoping from county_a.

Every name carries 乙县 so a page that leaks one is easy to catch.
"""

import datetime
import types

from django.utils import timezone

from campaigns.models import Requirement
from core.roles import DATA_ENTRY
from evaluations.models import Report
from ledgers import demand_flow
from ledgers.models import DemandCategory, Visit
from org.models import Cadre
from outreach.models import Forum, Household, HouseholdMember, LiaisonPoint, Pairing, ReceptionDay
from tests.factories import build_campaign, make_person


def build_sibling_county(world):
    if getattr(world, "_sibling", None) is not None:
        return world._sibling
    today = timezone.localdate()
    user = make_person("county_b_staff", world.town_b1, DATA_ENTRY, name="乙县干部甲")
    cadre = Cadre.objects.get(user=user)
    campaign = build_campaign(
        world.county_b,
        title="乙县专项活动",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=100),
    )
    requirement = Requirement.objects.create(
        campaign=campaign, title="乙县走访指标", kind=Requirement.Kind.VISITS_PER_CADRE, params={"count": 2}
    )
    household = Household.objects.create(
        village=world.village_b1, number="B001", head_name="乙县户主", phone="13955556666"
    )
    member = HouseholdMember.objects.create(household=household, name="乙县孩子", is_poor_child=True)
    pairing = Pairing.objects.create(
        campaign=campaign, cadre=cadre, household=household, member=member, start_date=today
    )
    visit = Visit.objects.create(
        cadre=cadre, household=household, member=member, visited_on=today, learned="乙县走访所得"
    )
    category, _ = DemandCategory.objects.get_or_create(code="land", defaults={"name": "土地征用"})
    demand = demand_flow.demand_raise(
        actor=world.superuser,
        unit=world.village_b1,
        category=category,
        title="乙县诉求",
        household=household,
        member=member,
        person_phone="13955557777",
    )
    forum = Forum.objects.create(
        village=world.village_b1, title="乙县访谈日", held_at=timezone.now(), place="乙县村委会"
    )
    reception = ReceptionDay.objects.create(leader=cadre, held_on=today, place="乙县接待室")
    liaison = LiaisonPoint.objects.create(village=world.village_b1, leader=cadre, campaign=campaign)
    report = Report.objects.create(
        campaign=campaign, unit=world.county_b, requirement=requirement, title="乙县报告", due_date=today
    )
    world._sibling = types.SimpleNamespace(
        user=user,
        cadre=cadre,
        campaign=campaign,
        requirement=requirement,
        household=household,
        member=member,
        pairing=pairing,
        visit=visit,
        demand=demand,
        forum=forum,
        reception=reception,
        liaison=liaison,
        report=report,
    )
    return world._sibling
