"""The staff org tree: two levels by default, expandable nodes, expand-all paginated, always scoped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import views
from org.models import OrgUnit
from tests.factories import UserFactory, make_unit

TREE = reverse("campaigns:orgunit_tree")


def children_url(unit):
    return reverse("campaigns:orgunit_tree_children", kwargs={"code": unit.code})


def shown_codes(response):
    return [row["unit"].code for row in response.context["rows"]]


def expandable_codes(response):
    return {row["unit"].code for row in response.context["rows"] if row["expandable"]}


def test_the_tree_opens_two_levels_below_the_users_root(world, client_for):
    response = client_for(world.office_admin).get(TREE)
    assert response.status_code == 200
    assert shown_codes(response) == ["C", "CA", "CA1", "CA2", "CB", "CB1"]
    assert expandable_codes(response) == {"CA1", "CA2", "CB1"}
    page = response.content.decode()
    assert "甲一村" not in page
    assert children_url(world.town_a1) in page
    assert "展开全部" in page


def test_a_county_leader_sees_down_to_the_villages_and_nothing_to_expand(world, client_for):
    response = client_for(world.county_leader).get(TREE)
    assert shown_codes(response) == ["CA", "CA1", "CA1V1", "CA1V2", "CA2", "CA2V1"]
    assert expandable_codes(response) == set()
    assert "乙县" not in response.content.decode()


def test_a_superuser_starts_at_the_top_of_the_tree(world, client_for):
    response = client_for(world.superuser).get(TREE)
    assert shown_codes(response) == ["C", "CA", "CA1", "CA2", "CB", "CB1"]


def test_expanding_a_node_returns_its_children_indented_under_it(world, client_for):
    make_unit(world.village_a1, "CA1V1O", "甲一村委", OrgUnit.Kind.OFFICE)
    response = client_for(world.office_admin).get(children_url(world.town_a1), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [(row["unit"].code, row["indent"], row["expandable"]) for row in response.context["rows"]] == [
        ("CA1V1", 3, True),
        ("CA1V2", 3, False),
    ]
    page = response.content.decode()
    assert "甲一村" in page
    assert children_url(world.village_a1) in page
    # The node's own + turns into a − in the same response.
    assert 'id="tree-toggle-CA1" hx-swap-oob="true"' in page


@pytest.mark.parametrize(
    ("role", "unit"),
    [("town_staff", "town_a2"), ("town_staff", "county_a"), ("county_leader", "county_b"), ("village_cadre", "city")],
)
def test_children_of_a_node_outside_the_subtree_are_404(world, client_for, role, unit):
    response = client_for(world.users[role]).get(children_url(getattr(world, unit)))
    assert response.status_code == 404


def test_a_user_without_a_unit_sees_no_tree(world, client_for, django_user_model):
    response = client_for(UserFactory(username="nobody")).get(TREE)
    assert response.context["rows"] == []
    assert "尚未关联单位" in response.content.decode()
    response = client_for(UserFactory(username="nobody2")).get(children_url(world.city))
    assert response.status_code == 404


def test_expand_all_shows_the_whole_subtree_and_stays_scoped(world, client_for):
    response = client_for(world.county_leader).get(TREE, {"all": "1"})
    assert shown_codes(response) == ["CA", "CA1", "CA1V1", "CA1V2", "CA2", "CA2V1"]
    response = client_for(world.office_admin).get(TREE, {"all": "1"})
    assert len(shown_codes(response)) == 10
    assert expandable_codes(response) == set()
    assert 'data-testid="orgunit-tree-capped"' not in response.content.decode()


def test_expand_all_is_paginated_with_a_message_when_the_subtree_is_large(world, client_for, monkeypatch):
    monkeypatch.setattr(views, "TREE_PAGE_SIZE", 4)
    client = client_for(world.office_admin)
    first = client.get(TREE, {"all": "1"})
    assert shown_codes(first) == ["C", "CA", "CA1", "CA1V1"]
    page = first.content.decode()
    assert 'data-testid="orgunit-tree-capped"' in page
    assert "共 10 个单位" in page
    assert "?all=1&page=2" in page
    third = client.get(TREE, {"all": "1", "page": "3"})
    assert shown_codes(third) == ["CB1", "CB1V1"]
    # Indentation stays relative to the user's root on every page.
    assert [row["indent"] for row in third.context["rows"]] == [2, 3]


def _grow(world):
    for i in range(12):
        make_unit(world.town_a1, f"CA1X{i:02d}", f"新村{i}", OrgUnit.Kind.VILLAGE)
    for i in range(5):
        town = make_unit(world.county_b, f"CBT{i}", f"新镇{i}", OrgUnit.Kind.TOWNSHIP)
        make_unit(town, f"CBT{i}V", f"新镇{i}村", OrgUnit.Kind.VILLAGE)


@pytest.mark.parametrize(
    ("params", "target"),
    [({}, "tree"), ({"all": "1"}, "tree"), ({}, "children")],
)
def test_tree_queries_do_not_grow_with_the_number_of_units(
    world, client_for, django_assert_max_num_queries, params, target
):
    client = client_for(world.office_admin)

    def fetch():
        url = TREE if target == "tree" else children_url(world.town_a1)
        return client.get(url, params)

    with CaptureQueriesContext(connection) as few:
        small = fetch()
    _grow(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = fetch()
    assert len(large.context["rows"]) > len(small.context["rows"])
