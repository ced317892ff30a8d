"""The household file page leads on: its visits and demands link to their pages, and buttons
open the visit entry (household preselected) and the household's visit file."""

import pytest
from django.urls import reverse

from ledgers import demand_flow
from ledgers.models import Visit
from tests.ledgers.conftest import build_ledger

pytestmark = pytest.mark.django_db


def _page(client, household):
    return client.get(reverse("outreach:household_detail", args=[household.pk])).content.decode()


def test_the_household_page_links_its_visits_demands_entry_and_timeline(world, staff_client):
    ledger = build_ledger(world)

    page = _page(staff_client, ledger.h_a1)

    assert reverse("ledgers:visit_detail", args=[ledger.visit.pk]) in page
    assert reverse("ledgers:demand_detail", args=[ledger.demand.pk]) in page
    assert "承包地补偿" in page
    assert f"{reverse('ledgers:visit_entry')}?household={ledger.h_a1.pk}" in page
    assert reverse("ledgers:household_timeline", args=[ledger.h_a1.pk]) in page


def test_demands_outside_the_users_subtree_are_not_listed(world, staff_client):
    ledger = build_ledger(world)
    hidden = demand_flow.demand_raise(
        actor=world.superuser,
        unit=world.village_b1,
        category=ledger.category,
        title="乙县的诉求",
        household=ledger.h_a1,
    )

    page = _page(staff_client, ledger.h_a1)

    assert "乙县的诉求" not in page
    assert reverse("ledgers:demand_detail", args=[hidden.pk]) not in page


def test_the_visit_entry_opens_with_the_household_preselected_within_scope(world, staff_client):
    ledger = build_ledger(world)
    url = reverse("ledgers:visit_entry")

    page = staff_client.get(f"{url}?household={ledger.h_a1.pk}").content.decode()
    assert 'data-testid="household-picked"' in page
    assert f'name="household" value="{ledger.h_a1.pk}"' in page

    assert staff_client.get(f"{url}?household={ledger.h_a2.pk}").status_code == 404


def test_the_household_page_query_count_does_not_grow_with_visits_and_demands(
    world, staff_client, django_assert_max_num_queries
):
    ledger = build_ledger(world)
    with django_assert_max_num_queries(30) as few:
        _page(staff_client, ledger.h_a1)
    for n in range(5):
        Visit.objects.create(
            cadre=ledger.visit.cadre,
            household=ledger.h_a1,
            visited_on=ledger.today,
            method=Visit.Method.PHONE,
            ledger_book="minqing",
            campaign=ledger.campaign,
            learned=f"第{n}次",
        )
        demand_flow.demand_raise(
            actor=world.superuser,
            unit=world.village_a1,
            category=ledger.category,
            title=f"诉求{n}",
            household=ledger.h_a1,
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _page(staff_client, ledger.h_a1)
    assert page.count('href="/ledgers/visits/') >= 6
    assert "诉求4" in page
