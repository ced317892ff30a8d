import pytest
from django.urls import reverse

from core.models import AuditEvent
from outreach.models import Household, HouseholdMember
from tests.outreach.helpers import bad_check_digit_id, category, household_in, valid_id

pytestmark = pytest.mark.django_db


def _form(world, **overrides):
    data = {
        "village": world.village_a1.pk,
        "number": "0100",
        "head_name": "赵桂英",
        "members_count": 2,
        "address": "一组",
        "phone": "13800001111",
        "id_number": valid_id(100),
        "categories": [category("tekun").pk],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_staff_register_a_household_with_categories(world, staff_client):
    response = staff_client.post(reverse("outreach:household_create"), _form(world))
    household = Household.objects.get(number="0100")
    assert response["Location"] == reverse("outreach:household_detail", args=[household.pk])
    assert list(household.categories.values_list("code", flat=True)) == ["tekun"]
    assert AuditEvent.objects.filter(action="outreach.household_create", object_id=str(household.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", bad_check_digit_id(5), "校验位错误"),
        ("id_number", "12345", "18位"),
        ("id_number", "371602198002301230", "出生日期“19800230”不是有效日期"),
        ("id_number", "371602209912311230", "出生日期“20991231”晚于今天"),
        ("phone", "12ab", "电话号码"),
    ],
)
def test_bad_personal_numbers_are_refused(world, staff_client, field, value, message):
    response = staff_client.post(reverse("outreach:household_create"), _form(world, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Household.objects.exists()


def test_a_duplicate_number_in_the_same_village_is_refused(world, staff_client):
    household_in(world.village_a1, "0100")
    response = staff_client.post(reverse("outreach:household_create"), _form(world))
    assert response.status_code == 200
    assert Household.objects.count() == 1


def test_a_village_outside_the_subtree_cannot_be_chosen(world, staff_client):
    response = staff_client.post(reverse("outreach:household_create"), _form(world, village=world.village_a2.pk))
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_lists_filter_by_village_category_and_search(world, staff_client):
    a = household_in(world.village_a1, "0001", head_name="王一")
    a.categories.add(category("tekun"))
    household_in(world.village_a1b, "0002", head_name="李二")
    household_in(world.village_a2, "0003", head_name="王三")  # another township
    url = reverse("outreach:household_list")
    names = lambda response: [h.head_name for h in response.context["page_obj"]]  # noqa: E731
    assert names(staff_client.get(url)) == ["王一", "李二"]
    assert names(staff_client.get(url, {"village": world.village_a1b.pk})) == ["李二"]
    assert names(staff_client.get(url, {"category": category("tekun").pk})) == ["王一"]
    assert names(staff_client.get(url, {"q": "王"})) == ["王一"]


def test_members_are_added_and_edited(world, staff_client):
    household = household_in(world.village_a1, "0001")
    staff_client.post(
        reverse("outreach:member_create", args=[household.pk]),
        {"name": "小红", "relation": "女儿", "birth_year": 2015, "is_poor_child": "on"},
    )
    member = HouseholdMember.objects.get()
    assert member.is_poor_child
    staff_client.post(reverse("outreach:member_edit", args=[member.pk]), {"name": "小红", "relation": "孙女"})
    member.refresh_from_db()
    assert (member.relation, member.is_poor_child) == ("孙女", False)


def test_a_household_of_another_township_cannot_be_edited(world, staff_client):
    household = household_in(world.village_a2, "0001", head_name="原名")
    response = staff_client.post(reverse("outreach:household_edit", args=[household.pk]), _form(world))
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.head_name == "原名"


def _seed(village, n, start=0):
    for i in range(start, start + n):
        h = household_in(village, f"{i:04d}")
        h.categories.add(category("tekun"), category("lao_dangyuan"))


@pytest.mark.parametrize("url_name", ["outreach:household_list", "outreach:pairing_list", "outreach:liaison_list"])
def test_list_queries_do_not_grow_with_rows(world, staff_client, django_assert_max_num_queries, url_name):
    from tests.outreach.helpers import liaison_in, pairing_for

    def grow(n, start):
        for i in range(start, start + n):
            h = household_in(world.village_a1, f"{i:04d}")
            h.categories.add(category("tekun"))
            pairing_for(world, h)
            liaison_in(world, world.village_a1)

    grow(3, 0)
    with django_assert_max_num_queries(16) as few:
        staff_client.get(reverse(url_name))
    grow(30, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse(url_name))
    assert response.status_code == 200


def test_opening_a_household_is_in_the_audit_trail(world, staff_client):
    household = household_in(world.village_a1, "0001")
    staff_client.get(reverse("outreach:household_detail", args=[household.pk]))
    event = AuditEvent.objects.get(action="outreach.household_view")
    assert (event.actor, event.object_id, event.unit) == (world.town_staff, str(household.pk), world.village_a1)


@pytest.mark.parametrize("url_name", ["outreach:household_list", "outreach:pairing_list"])
def test_export_queries_do_not_grow_with_rows(world, staff_client, django_assert_max_num_queries, url_name):
    from tests.outreach.helpers import pairing_for

    def grow(n, start):
        for i in range(start, start + n):
            h = household_in(world.village_a1, f"{i:04d}")
            h.categories.add(category("tekun"))
            pairing_for(world, h)

    grow(2, 0)
    with django_assert_max_num_queries(18) as few:
        staff_client.get(reverse(url_name), {"export": "xlsx"})
    grow(20, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200


def _search(client, **params):
    response = client.get(reverse("outreach:household_list"), params)
    return sorted(h.number for h in response.context["page_obj"])


def test_two_characters_find_names_and_addresses_inside_a_township(world, client_for):
    household_in(world.village_a1, "0001", head_name="孟涵", address="黄河社区1组1号")
    household_in(world.village_a1b, "0002", head_name="王秀英", address="东关街道")
    household_in(world.village_a2, "0003", head_name="李秀英", address="黄河社区2组")  # another township
    staff = client_for(world.town_staff)

    assert _search(staff, q="河社") == ["0001"]
    assert _search(staff, q="秀英") == ["0002"]
    assert _search(staff, q="涵") == ["0001"]
    assert _search(staff, q="黄河社区") == ["0001"]


def test_a_county_wide_short_search_stays_a_prefix_search_unless_a_village_is_chosen(world, client_for):
    household_in(world.village_a1, "0001", head_name="孟涵", address="黄河社区1组1号")
    household_in(world.village_a2, "0003", head_name="李秀英", address="黄河社区2组")
    leader = client_for(world.county_leader)

    # Two characters over a whole county: no scan, the name prefix only.
    assert _search(leader, q="河社") == []
    assert _search(leader, q="孟涵") == ["0001"]
    # Three or more characters: "contains" on name and address (trigram indexes on PostgreSQL).
    assert _search(leader, q="黄河社") == ["0001", "0003"]
    # One village chosen: small enough to scan.
    assert _search(leader, q="河社", village=world.village_a2.pk) == ["0003"]
