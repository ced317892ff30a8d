"""The test-data factories build valid rows on their own and inside the world."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Campaign, MilestoneAssignment
from ledgers.models import Demand
from org.models import OrgUnit
from tests.factories import (
    DemandFactory,
    OrgUnitFactory,
    PairingFactory,
    RequirementFactory,
    VisitFactory,
    build_campaign,
)

D = datetime.date


@pytest.mark.django_db
def test_units_are_placed_in_the_tree():
    root = OrgUnitFactory(kind=OrgUnit.Kind.CITY)
    child = OrgUnitFactory(parent=root, kind=OrgUnit.Kind.COUNTY)
    assert root.is_root()
    assert OrgUnit.objects.get_parent(child) == root
    assert list(OrgUnit.objects.get_children(root)) == [child]


@pytest.mark.django_db
def test_rows_build_their_own_campaign_unit_and_cadre():
    pairing = PairingFactory()
    visit = VisitFactory(household=pairing.household, cadre=pairing.cadre, campaign=pairing.campaign)
    demand = DemandFactory(household=pairing.household, visit=visit)
    assert pairing.campaign.status == Campaign.Status.ACTIVE
    assert demand.unit == pairing.household.village
    assert demand.status == Demand.Status.RECEIVED


def test_build_campaign_makes_phases_steps_owed_rows_and_requirements(world):
    campaign = build_campaign(
        world.county_a,
        status=Campaign.Status.DRAFT,
        phases=[("一", D(2026, 3, 1), D(2026, 6, 30)), ("二", D(2026, 7, 1), D(2026, 11, 30))],
        steps=2,
        responsible=world.town_a1,
        requirements=[{"kind": "visits_per_cadre", "params": {"min": 5}}],
    )
    assert campaign.title == "甲县实施方案"
    assert [p.name for p in campaign.phases.order_by("order")] == ["一", "二"]
    assert [m.due_date for m in campaign.milestones.all()] == [D(2026, 3, 11), D(2026, 3, 21)]
    assert set(MilestoneAssignment.objects.filter(milestone__campaign=campaign).values_list("unit", flat=True)) == {
        world.town_a1.pk
    }
    assert campaign.requirements.get().params == {"min": 5}


def test_requirement_factory_validates(world):
    with pytest.raises(ValidationError):
        RequirementFactory(campaign=build_campaign(world.city), kind="visits_per_cadre", params={})


@pytest.mark.django_db
def test_a_pledge_is_filed_and_taken_through_approval_by_the_services():
    from core.models import AuditEvent
    from pledges.models import Pledge
    from tests.factories import PledgeFactory

    pledge = PledgeFactory(state="approved", progress=[(D(2026, 2, 1), 40, "已动工")])
    assert pledge.approval_state == Pledge.ApprovalState.APPROVED
    assert (pledge.percent, pledge.status) in {(40, Pledge.Status.IN_PROGRESS), (40, Pledge.Status.OVERDUE)}
    assert pledge.org_unit.path.startswith(pledge.campaign.issuing_unit.path)
    steps = AuditEvent.objects.filter(object_id=str(pledge.pk)).values_list("action", flat=True)
    assert {"ledgers.pledge_create", "ledgers.pledge_submit", "ledgers.pledge_approve"} <= set(steps)
    assert PledgeFactory(state="returned").return_comment == "请补充措施"
