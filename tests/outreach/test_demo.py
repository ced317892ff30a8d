import pytest
from django.core.management import call_command

from outreach.models import Household, HouseholdMember, LiaisonPoint, Pairing
from outreach.selectors import cadres_below_pairing_requirement, must_visit_households_unreached, pairing_rules_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_pairings_liaison_points_and_members_and_reruns_without_duplicates(capsys):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Household, HouseholdMember, Pairing, LiaisonPoint)]
    call_command("seed_demo")
    assert [m.objects.count() for m in (Household, HouseholdMember, Pairing, LiaisonPoint)] == counts
    households, members, pairings, points = counts
    assert households > 2000
    assert members > 500
    assert pairings > 50
    assert points == 18  # two liaison villages for the city, each county and each township
    assert HouseholdMember.objects.filter(is_poor_woman=True).exists()
    assert HouseholdMember.objects.filter(is_poor_child=True).exists()

    from campaigns.models import Campaign
    from org.models import OrgUnit

    city = OrgUnit.objects.get(code="371600")
    campaign = Campaign.objects.get(document_number="滨妇发[2026]15号", issuing_unit=city)
    rules = pairing_rules_for(campaign=campaign)
    short = cadres_below_pairing_requirement(unit=city, campaign=campaign, rules=rules)
    assert 0 < short.count() < 64, "some cadres are short of their pairings, not all"
    assert must_visit_households_unreached(unit=city, campaign=campaign).exists()
