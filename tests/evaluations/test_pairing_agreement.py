"""The plan page and the pairing-status page read one count of pairings per cadre, so they agree.

They used to count differently (pairings vs households, with and without the start date, and
主要负责同志 read as every leader on one page): a cadre could be 达标 on one and short on the other.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import Requirement
from outreach.models import Pairing
from tests.factories import make_person
from tests.outreach.helpers import campaign_for, household_in

pytestmark = pytest.mark.django_db

D = datetime.date
JUNE = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)


def _plan_rows(client, campaign, unit):
    page = client.get(campaign.get_absolute_url() + f"?unit={unit.code}")
    assert page.status_code == 200
    (row,) = page.context["requirement_results"]
    return {name: (actual, ok) for name, actual, ok, _note in row["result"].rows}


def _status_rows(client, campaign, unit):
    page = client.get(reverse("outreach:pairing_status", args=[unit.code]) + f"?campaign={campaign.pk}")
    assert page.status_code == 200
    return {row["cadre"].name: row["cells"][0] for row in page.context["cadre_rows"]}


@time_machine.travel(JUNE, tick=False)
def test_the_plan_page_and_the_pairing_status_page_agree_about_one_cadre(world, client_for):
    campaign = campaign_for(world)
    Requirement.objects.create(
        campaign=campaign,
        title="副处级以上干部至少联系2户困难群众",
        kind="pairings_per_cadre",
        params={"min": 2},
        scope="senior",
        period="campaign",
    )
    cadre = make_person("fu_chu", world.town_a1, rank="deputy_division").cadre
    home = household_in(world.village_a1, "0001")
    # One household helped in two ways is one household (至少联系2户困难群众 counts 户) …
    for kind in (Pairing.Kind.POOR_KIN, Pairing.Kind.SUPPORT):
        Pairing.objects.create(campaign=campaign, cadre=cadre, household=home, kind=kind, start_date=D(2026, 4, 2))
    # … and a pairing that starts next month has not started yet.
    Pairing.objects.create(
        campaign=campaign,
        cadre=cadre,
        household=household_in(world.village_a1, "0002"),
        kind=Pairing.Kind.SUPPORT,
        start_date=D(2026, 7, 1),
    )
    client = client_for(world.office_admin)

    plan = _plan_rows(client, campaign, world.town_a1)
    status = _status_rows(client, campaign, world.town_a1)

    assert plan["fu_chu"] == (1, False)
    assert (status["fu_chu"]["count"], status["fu_chu"]["short"]) == (1, True)
    # Both pages bind the same cadres: the senior ones of the unit, short on both.
    assert {name for name, (_n, ok) in plan.items() if not ok} == set(status)


@time_machine.travel(JUNE, tick=False)
def test_a_deputy_is_not_a_principal_on_either_page(world, client_for):
    campaign = campaign_for(world)
    Requirement.objects.create(
        campaign=campaign,
        title="主要负责同志至少结对1户",
        kind="pairings_per_cadre",
        params={"min": 1},
        scope="principals",
        period="campaign",
    )
    make_person("zhuxi", world.county_a, is_leader=True, title="甲县妇联主席")
    make_person("fu_zhuxi", world.county_a, is_leader=True, title="甲县妇联副主席")
    client = client_for(world.office_admin)

    plan = _plan_rows(client, campaign, world.county_a)
    status = _status_rows(client, campaign, world.county_a)

    assert set(plan) == {"county_leader", "zhuxi"}
    assert set(status) == {"county_leader", "zhuxi"}
