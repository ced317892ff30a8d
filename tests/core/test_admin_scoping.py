import re

import pytest
from django.urls import reverse

from core.roles import OFFICE_ADMIN
from org.models import Cadre, OrgUnit
from tests.factories import make_person


@pytest.fixture
def county_admin(world):
    # A campaign-office admin of county A: staff, with the office admin's model permissions.
    return make_person("county_office", world.county_a, OFFICE_ADMIN, is_staff=True)


def test_admin_changelist_lists_only_the_subtree(world, client, county_admin):
    client.force_login(county_admin)
    page = client.get(reverse("admin:org_cadre_changelist")).content.decode()
    assert "town_staff" in page
    assert not re.search(r"\boffice_admin\b", page)  # works at the city, above county A (not county_office_admin)


def test_admin_change_page_of_another_subtree_is_404(world, client, county_admin):
    client.force_login(county_admin)
    other = Cadre.objects.get(user__username="office_admin")
    assert client.get(reverse("admin:org_cadre_change", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:org_orgunit_change", args=[world.county_b.pk])).status_code == 404
    mine = Cadre.objects.get(user__username="town_staff")
    assert client.get(reverse("admin:org_cadre_change", args=[mine.pk])).status_code == 200


def test_admin_foreign_key_choices_are_scoped(world, client, county_admin):
    from django.contrib import admin
    from django.test import RequestFactory

    from campaigns.admin import CampaignAdmin
    from campaigns.models import Campaign

    request = RequestFactory().get("/")
    request.user = county_admin
    model_admin = CampaignAdmin(Campaign, admin.site)
    field = model_admin.formfield_for_foreignkey(Campaign._meta.get_field("issuing_unit"), request)
    codes = set(field.queryset.values_list("code", flat=True))
    assert "CB" not in codes
    assert {"CA", "CA1V1"} <= codes


def test_admin_autocomplete_is_scoped(world, client, county_admin):
    client.force_login(county_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "org", "model_name": "cadre", "field_name": "org_unit", "term": "乙"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "org", "model_name": "cadre", "field_name": "org_unit", "term": "甲一"},
    )
    assert {r["text"] for r in response.json()["results"]} == {"甲一镇", "甲一村", "甲一二村"}


def test_admin_can_build_and_move_the_tree(world, client):
    client.force_login(world.office_admin)
    response = client.post(
        reverse("admin:org_orgunit_add"),
        {
            "name": "甲三镇",
            "code": "CA3",
            "kind": "township",
            "sort_order": 9,
            "treebeard_position": "sorted-child",
            "treebeard_ref_node": world.county_a.pk,
        },
    )
    assert response.status_code == 302
    new = OrgUnit.objects.get(code="CA3")
    assert OrgUnit.objects.get_parent(new) == world.county_a
    response = client.post(
        reverse("admin:org_orgunit_change", args=[new.pk]),
        {
            "name": "甲三镇",
            "code": "CA3",
            "kind": "township",
            "sort_order": 9,
            "treebeard_position": "sorted-child",
            "treebeard_ref_node": world.county_b.pk,
        },
    )
    assert response.status_code == 302
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(code="CA3")) == world.county_b


def test_user_admin_hides_users_of_other_subtrees(world, client, county_admin):
    client.force_login(county_admin)
    county_admin.user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename="view_user"
        )
    )
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "town_staff" in page
    assert not re.search(r"\boffice_admin\b", page)


def test_a_county_admin_cannot_move_a_unit_out_of_their_county(world, client, county_admin):
    client.force_login(county_admin)
    unit = world.village_a1
    data = {
        "name": unit.name,
        "code": unit.code,
        "kind": "village",
        "sort_order": 0,
        "treebeard_position": "sorted-child",
    }
    response = client.post(
        reverse("admin:org_orgunit_change", args=[unit.pk]), {**data, "treebeard_ref_node": world.town_b1.pk}
    )
    assert response.status_code == 200  # the form comes back with an error: town B1 is not a choice
    response = client.post(
        reverse("admin:org_orgunit_change", args=[unit.pk]),
        {**data, "treebeard_position": "sorted-sibling", "treebeard_ref_node": world.county_a.pk},
    )
    assert "只能把单位放在您所辖范围内的上级单位之下" in response.content.decode()
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(pk=unit.pk)) == world.town_a1
