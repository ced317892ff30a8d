"""The unit filter of the staff lists walks down the tree: the chosen unit's path and one level
below it, never every unit of a city, and only units of the user's subtree."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.models import OrgUnit
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

LISTS = ["ledgers:visit_list", "ledgers:demand_list", "outreach:forum_list", "outreach:reception_list"]


def _offered(html):
    picker = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    return [
        label.replace("\u00a0", "").replace("└ ", "") for label in re.findall(r"<option[^>]*>([^<]*)</option>", picker)
    ]


@pytest.mark.parametrize("url_name", LISTS)
def test_a_city_user_is_offered_the_city_and_its_counties_only(world, client_for, url_name):
    html = client_for(world.office_admin).get(reverse(url_name)).content.decode()
    assert _offered(html) == ["全部单位", "测试市", "甲县", "乙县"]


def test_choosing_a_county_offers_its_path_and_its_townships(world, client_for):
    response = client_for(world.office_admin).get(reverse("ledgers:visit_list"), {"unit": world.county_a.code})
    assert _offered(response.content.decode()) == ["全部单位", "测试市", "甲县", "甲一镇", "甲二镇"]
    assert "selected>\u00a0\u00a0└ 甲县" in response.content.decode()


def test_a_township_user_sees_its_villages_and_nothing_of_a_sibling(world, client_for):
    client = client_for(world.town_staff)
    assert _offered(client.get(reverse("ledgers:visit_list")).content.decode()) == [
        "全部单位",
        "甲一镇",
        "甲一村",
        "甲一二村",
    ]
    # Choosing a village of its own: the path from its own township, never the county above it.
    offered = _offered(client.get(reverse("ledgers:visit_list"), {"unit": world.village_a1.code}).content.decode())
    assert offered == ["全部单位", "甲一镇", "甲一村"]


@pytest.mark.parametrize("code", ["CA2", "CB1V1", "no-such-unit", "' OR 1=1 --"])
def test_a_unit_outside_the_subtree_or_unknown_is_not_found(world, client_for, code):
    for url_name in LISTS:
        assert client_for(world.town_staff).get(reverse(url_name), {"unit": code}).status_code == 404


def test_the_picker_is_capped_and_its_queries_do_not_grow_with_the_units(world, client_for, monkeypatch):
    from outreach import selectors

    client = client_for(world.town_staff)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ledgers:visit_list"))
    for i in range(12):
        make_unit(world.town_a1, f"CA1X{i:02d}", f"新村{i:02d}", OrgUnit.Kind.VILLAGE)
    monkeypatch.setattr(selectors, "UNIT_PICKER_LIMIT", 8)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("ledgers:visit_list")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(_offered(html)) == 1 + 8
