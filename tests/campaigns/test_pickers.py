"""The unit and cadre pickers: a bounded select, a search that stays in the user's subtree,
and forms that still accept any choice of the subtree and refuse one outside it."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _options(html):
    return re.findall(r"<option[^>]*>([^<]*)</option>", html)


def test_unit_search_finds_only_units_of_the_subtree(world, client_for):
    url = reverse("campaigns:unit_options")
    mine = _options(client_for(world.town_staff).get(url, {"picker_q": "甲"}).content.decode())
    assert mine[1:] == ["甲一镇", "甲一村", "甲一二村"]
    villages = _options(
        client_for(world.office_admin).get(url, {"picker_q": "甲", "kinds": "village"}).content.decode()
    )
    assert villages[1:] == ["甲一村", "甲一二村", "甲二村"]
    assert _options(client_for(world.town_staff).get(url, {"picker_q": "乙"}).content.decode()) == [
        "没有找到，请换个名称"
    ]


def test_cadre_search_finds_only_cadres_of_the_subtree_and_leaders_when_asked(world, client_for):
    make_person("jia_zhang", world.village_a1, name="张甲", is_leader=True)
    make_person("yi_zhang", world.village_b1, name="张乙", is_leader=True)
    make_person("jia_zhang2", world.village_a1, name="张丙")
    url = reverse("campaigns:cadre_options")
    found = _options(client_for(world.town_staff).get(url, {"picker_q": "张"}).content.decode())
    assert found[1:] == ["张丙（甲一村）", "张甲（甲一村）"]
    leaders = _options(client_for(world.office_admin).get(url, {"picker_q": "张", "leaders": "1"}).content.decode())
    assert leaders[1:] == ["张甲（甲一村）", "张乙（乙一村）"]


@pytest.mark.parametrize(
    "params", [{}, {"picker_q": ""}, {"picker_q": "x" * 500}, {"picker_q": "%' OR 1=1"}, {"kinds": "nope"}]
)
def test_picker_search_answers_bad_input_with_no_match_not_an_error(world, client_for, params):
    for name in ("campaigns:unit_options", "campaigns:cadre_options"):
        response = client_for(world.town_staff).get(reverse(name), params)
        assert response.status_code == 200
        assert _options(response.content.decode()) == ["没有找到，请换个名称"]


def test_added_matches_of_a_multiple_picker_come_without_a_blank_option(world, client_for):
    response = client_for(world.town_staff).get(reverse("campaigns:unit_options"), {"picker_q": "甲一", "more": "1"})
    assert _options(response.content.decode()) == ["甲一镇", "甲一村", "甲一二村"]


def test_a_forum_keeps_its_chosen_leaders_when_shown_again(world, client_for):
    leader = make_person("dai_dui", world.village_a1, name="带队领导", is_leader=True).cadre
    response = client_for(world.town_staff).post(
        reverse("outreach:forum_new"), {"village": world.village_a1.pk, "leading_cadres": [leader.pk], "place": ""}
    )
    assert response.status_code == 200
    picker = re.search(r'<select name="leading_cadres".*?</select>', response.content.decode(), re.S).group(0)
    assert f'<option value="{leader.pk}" selected>带队领导</option>' in picker


def test_a_unit_named_by_its_code_is_searched_and_kept_by_code(world, client_for):
    found = client_for(world.town_staff).get(reverse("campaigns:unit_options"), {"picker_q": "甲一", "value": "code"})
    assert f'<option value="{world.village_a1.code}">甲一村</option>' in found.content.decode()
    page = client_for(world.county_leader).get(reverse("evaluations:three_checks"), {"unit": world.village_a1.code})
    picker = re.search(r'<select name="unit".*?</select>', page.content.decode(), re.S).group(0)
    assert f'<option value="{world.village_a1.code}" selected>甲一村</option>' in picker
