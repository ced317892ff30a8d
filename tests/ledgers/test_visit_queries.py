"""The visit POST and the search as you type stay within a small, flat query budget."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ledgers.models import HelpGiven, Visit
from tests.factories import HouseholdFactory, VisitFactory
from tests.ledgers.conftest import cadre_of
from tests.ledgers.test_visits import entry_data

pytestmark = pytest.mark.django_db


def _plain(ledger, world, **overrides):
    """The most common entry: the user's own cadre, no plan, no help item."""
    data = entry_data(ledger, world, campaign="", **{"help-0-kind": "", "help-0-amount": "", "help-0-description": ""})
    data.pop("save_and_add")
    data.update(overrides)
    return data


def _more_rows(world, n):
    for _ in range(n):
        household = HouseholdFactory(village=world.village_a1)
        VisitFactory(cadre=cadre_of(world.town_staff), household=household)


def test_a_visit_post_takes_at_most_ten_queries_however_many_visits(
    world, ledger, client_for, django_assert_max_num_queries
):
    client = client_for(world.town_staff)
    # The first post of a process also loads Django's content-type cache (the audit event's type).
    assert client.post(reverse("ledgers:visit_entry"), _plain(ledger, world, learned="预热")).status_code == 302
    first, second = _plain(ledger, world, learned="第一次"), _plain(ledger, world, learned="第二次")
    with django_assert_max_num_queries(10):
        response = client.post(reverse("ledgers:visit_entry"), first)
    assert response.status_code == 302
    _more_rows(world, 15)
    with django_assert_max_num_queries(10):
        response = client.post(reverse("ledgers:visit_entry"), second)
    assert response.status_code == 302
    visit = Visit.objects.get(learned="第二次")
    assert (visit.cadre, visit.household, visit.recorded_by) == (
        cadre_of(world.town_staff),
        ledger.h_a1,
        world.town_staff,
    )


def test_a_visit_with_a_plan_and_help_takes_at_most_twelve_queries(
    world, ledger, client_for, django_assert_max_num_queries
):
    client = client_for(world.town_staff)
    assert client.post(reverse("ledgers:visit_entry"), _plain(ledger, world, learned="预热")).status_code == 302
    data = entry_data(ledger, world)
    with django_assert_max_num_queries(12):
        response = client.post(reverse("ledgers:visit_entry"), data)
    assert response.status_code == 302
    visit = Visit.objects.get(learned="家中老人身体尚可")
    assert visit.campaign == ledger.campaign
    assert list(HelpGiven.objects.filter(visit=visit).values_list("kind", "amount")) == [("hardship", 500)]


def test_the_same_post_twice_still_records_one_visit(world, ledger, client_for):
    client = client_for(world.town_staff)
    data = _plain(ledger, world, token=str(uuid.uuid4()), learned="点了两次")
    assert client.post(reverse("ledgers:visit_entry"), data).status_code == 302
    assert client.post(reverse("ledgers:visit_entry"), data).status_code == 302
    assert Visit.objects.filter(learned="点了两次").count() == 1


def test_a_cadre_of_another_township_is_refused_on_the_form(world, ledger, client_for):
    stranger = cadre_of(world.sibling_town_staff)
    response = client_for(world.town_staff).post(
        reverse("ledgers:visit_entry"), _plain(ledger, world, cadre=stranger.pk, learned="冒名")
    )
    assert response.status_code == 200
    assert "cadre" in response.context["form"].errors
    assert not Visit.objects.filter(learned="冒名").exists()


@pytest.mark.parametrize("bad", ["abc", "", "999999"])
def test_a_broken_cadre_or_household_is_a_form_error_not_a_500(world, ledger, client_for, bad):
    client = client_for(world.town_staff)
    for field in ("cadre", "household"):
        response = client.post(reverse("ledgers:visit_entry"), _plain(ledger, world, **{field: bad}))
        assert response.status_code == 200
        assert field in response.context["form"].errors


def test_a_bad_help_amount_or_method_is_refused_before_any_write(world, ledger, client_for):
    client = client_for(world.town_staff)
    for overrides in ({"method": "telepathy"}, {"help-0-kind": "other", "help-0-amount": "-1"}):
        response = client.post(reverse("ledgers:visit_entry"), _plain(ledger, world, learned="坏数据", **overrides))
        assert response.status_code == 200
    assert not Visit.objects.filter(learned="坏数据").exists()


def test_the_search_as_you_type_floor_is_five_queries(world, ledger, client_for, django_assert_max_num_queries):
    client = client_for(world.town_staff)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("ledgers:household_search"), {"q": "王"}, HTTP_HX_REQUEST="true")
    assert "王建国" in response.content.decode()
    _more_rows(world, 10)
    with django_assert_max_num_queries(5):
        client.get(reverse("ledgers:household_search"), {"q": "王"}, HTTP_HX_REQUEST="true")


def test_help_rows_keep_their_labels_values_and_errors(world, ledger, client_for):
    client = client_for(world.town_staff)
    html = client.get(reverse("ledgers:visit_entry")).content.decode()
    assert html.count('<label for="id_help-7-amount" class="form-label">金额（元）</label>') == 1
    assert 'name="help-0-kind" class="form-select"' in html
    data = _plain(ledger, world, learned="坏金额", **{"help-1-kind": "other", "help-1-amount": "-3"})
    html = client.post(reverse("ledgers:visit_entry"), data).content.decode()
    assert (
        '<div class="text-danger small" id="error_1_id_help-1-amount"><strong>金额不能为负数。</strong></div>' in html
    )
    assert 'name="help-1-amount" value="-3"' in html


def test_the_entry_page_takes_the_same_queries_with_more_visits(
    world, ledger, client_for, django_assert_max_num_queries
):
    client = client_for(world.town_staff)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("ledgers:visit_entry")).status_code == 200
    _more_rows(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("ledgers:visit_entry")).status_code == 200
