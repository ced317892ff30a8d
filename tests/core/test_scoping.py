import pytest
from django.http import Http404

from campaigns.models import Campaign
from core.scoping import get_for_user_or_404, scope_for_user, unit_of
from org.models import Cadre, OrgUnit
from outreach.models import Household
from tests.factories import build_campaign


def _household(village, number):
    return Household.objects.create(village=village, number=number, head_name=f"户主{number}")


def test_a_township_user_sees_only_their_subtree_of_units(world):
    codes = set(OrgUnit.objects.for_user(world.town_staff).values_list("code", flat=True))
    assert codes == {"CA1", "CA1V1", "CA1V2"}


def test_a_county_leader_sees_the_county_and_everything_below(world):
    codes = set(OrgUnit.objects.for_user(world.county_leader).values_list("code", flat=True))
    assert codes == {"CA", "CA1", "CA2", "CA1V1", "CA1V2", "CA2V1"}


def test_unit_owned_rows_follow_their_unit(world):
    mine = _household(world.village_a1, "001")
    _household(world.village_a2, "002")
    _household(world.village_b1, "003")
    assert list(Household.objects.for_user(world.town_staff)) == [mine]
    assert Household.objects.for_user(world.county_leader).count() == 2
    assert Household.objects.for_user(world.office_admin).count() == 3


def test_a_user_without_a_cadre_profile_sees_nothing(world, django_user_model):
    stranger = django_user_model.objects.create_user("stranger", password="x")
    _household(world.village_a1, "001")
    assert not Household.objects.for_user(stranger).exists()
    assert not OrgUnit.objects.for_user(stranger).exists()


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    _household(world.village_a1, "001")
    assert not scope_for_user(Household.objects.all(), AnonymousUser()).exists()
    world.town_staff.is_active = False
    assert not scope_for_user(Household.objects.all(), world.town_staff).exists()


def test_the_superuser_sees_everything(world):
    _household(world.village_b1, "001")
    assert Household.objects.for_user(world.superuser).count() == 1


def test_objects_outside_the_subtree_are_404_not_403(world):
    other = _household(world.village_a2, "001")
    with pytest.raises(Http404):
        get_for_user_or_404(Household.objects.all(), world.town_staff, pk=other.pk)
    assert get_for_user_or_404(Household.objects.all(), world.sibling_town_staff, pk=other.pk) == other


def test_a_campaign_flows_down_the_branch_but_not_to_siblings(world):
    county_plan = build_campaign(
        world.county_a, title="甲县方案", start="2026-03-01", end="2026-11-30", status=Campaign.Status.DRAFT
    )
    city_plan = build_campaign(
        world.city, title="市方案", start="2026-03-01", end="2026-11-30", status=Campaign.Status.DRAFT
    )
    other_county = build_campaign(
        world.county_b, title="乙县方案", start="2026-03-01", end="2026-11-30", status=Campaign.Status.DRAFT
    )
    visible = set(Campaign.objects.for_user(world.town_staff))
    assert visible == {county_plan, city_plan}
    assert other_county not in set(Campaign.objects.for_user(world.county_leader))


def test_a_moved_unit_takes_its_rows_to_the_new_branch(world):
    household = _household(world.village_a2, "001")
    OrgUnit.objects.move(world.village_a2, world.town_a1, "sorted-child")
    assert household in Household.objects.for_user(world.town_staff)
    assert household not in Household.objects.for_user(world.sibling_town_staff)


def test_unit_of_follows_the_scope_path(world):
    household = _household(world.village_a1, "001")
    assert unit_of(household) == world.village_a1
    assert unit_of(Cadre.objects.get(user=world.town_staff)) == world.town_a1


def test_scoping_a_unit_list_costs_one_query_after_the_profile(world, django_assert_num_queries):
    list(OrgUnit.objects.for_user(world.town_staff))  # loads and caches the scope root
    with django_assert_num_queries(1):
        list(OrgUnit.objects.for_user(world.town_staff))
