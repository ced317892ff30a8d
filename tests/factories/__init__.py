"""How to build test data: factory_boy factories, one module per app, re-exported here.

- Units, people: ``make_unit(parent, code, name, kind)`` / ``OrgUnitFactory(parent=...)`` (the tree
  manager places the node); ``make_person(username, unit, role)`` for a user with a cadre and role.
- Campaigns: ``build_campaign(unit, title=..., status=..., start=..., end=..., phases=..., steps=...,
  requirements=..., **campaign_fields)`` is the one builder; the per-app helpers (pledges'
  ``make_campaign``, outreach's ``campaign_for``, campaigns' ``make_plan``) only give it their defaults.
- Rows: ``HouseholdFactory(village=...)``, ``PairingFactory``, ``VisitFactory``, ``DemandFactory`` (raised
  through ``demand_flow``), ``PhaseFactory``/``MilestoneFactory``/``RequirementFactory`` (validated).
- Pledges: ``PledgeFactory(org_unit=..., state=..., progress=[...], actor=...)`` files a draft and takes it
  through approval with pledges.services (the only writers); tests/pledges/helpers.py gives it the
  shared ``world``'s defaults (``make_pledge``).
- The shared ``world`` fixture (tests/conftest.py) is the usual starting tree; pass its units in.
"""

from .campaigns import CampaignFactory, MilestoneFactory, PhaseFactory, RequirementFactory, build_campaign
from .ledgers import DemandFactory, VisitFactory, demand_category
from .org import CadreFactory, OrgUnitFactory, UserFactory, make_person, make_unit
from .outreach import HouseholdFactory, HouseholdMemberFactory, PairingFactory
from .pledges import PledgeFactory, pledge_category

__all__ = [
    "CadreFactory",
    "CampaignFactory",
    "DemandFactory",
    "HouseholdFactory",
    "HouseholdMemberFactory",
    "MilestoneFactory",
    "OrgUnitFactory",
    "PairingFactory",
    "PhaseFactory",
    "PledgeFactory",
    "RequirementFactory",
    "UserFactory",
    "VisitFactory",
    "build_campaign",
    "demand_category",
    "make_person",
    "make_unit",
    "pledge_category",
]
