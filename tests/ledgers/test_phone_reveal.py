"""Phone numbers on the visit, household-file and demand pages: masked, revealable with the
personal-data permission through an audited endpoint."""

from django.urls import reverse

from core.models import AuditEvent
from ledgers.models import Demand


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_visit_and_household_pages_mask_the_phone_and_offer_a_reveal_to_the_office(world, ledger, client_for):
    reveal = reverse("outreach:household_reveal", args=[ledger.h_a1.pk, "phone"])
    for url in (
        reverse("ledgers:visit_detail", args=[ledger.visit.pk]),
        reverse("ledgers:household_timeline", args=[ledger.h_a1.pk]),
    ):
        office = _page(client_for(world.office_admin), url)
        assert "138****5678" in office
        assert "13812345678" not in office
        assert f'hx-post="{reveal}"' in office
        staff = _page(client_for(world.town_staff), url)
        assert "138****5678" in staff
        assert reveal not in staff
        assert 'data-testid="reveal-household-phone"' not in staff


def test_revealing_from_the_visit_page_is_audited_by_the_household_register(world, ledger, client_for):
    response = client_for(world.office_admin).post(reverse("outreach:household_reveal", args=[ledger.h_a1.pk, "phone"]))
    assert "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="outreach.household_reveal", object_id=str(ledger.h_a1.pk)).exists()


def test_a_demand_person_phone_is_masked_and_revealed_with_an_audit_event(world, ledger, client_for):
    Demand.objects.filter(pk=ledger.demand.pk).update(person_phone="13655556666")
    detail = reverse("ledgers:demand_detail", args=[ledger.demand.pk])
    reveal = reverse("ledgers:demand_reveal_phone", args=[ledger.demand.pk])
    staff_page = _page(client_for(world.town_staff), detail)
    assert "136****6666" in staff_page
    assert reveal not in staff_page
    assert client_for(world.town_staff).post(reveal).status_code == 403
    assert client_for(world.sibling_town_staff).post(reveal).status_code == 404
    assert not AuditEvent.objects.filter(action="ledgers.demand_reveal_phone").exists()

    office = client_for(world.office_admin)
    assert reveal in _page(office, detail)
    response = office.post(reveal)
    assert response.status_code == 200
    assert "13655556666" in response.content.decode()
    event = AuditEvent.objects.get(action="ledgers.demand_reveal_phone")
    assert (event.object_id, event.actor) == (str(ledger.demand.pk), world.office_admin)


def test_a_demand_without_its_own_phone_reveals_the_households_through_the_register(world, ledger, client_for):
    office = client_for(world.office_admin)
    assert "138****5678" in _page(office, reverse("ledgers:demand_detail", args=[ledger.demand.pk]))
    response = office.post(reverse("ledgers:demand_reveal_phone", args=[ledger.demand.pk]))
    assert "13812345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="outreach.household_reveal", object_id=str(ledger.h_a1.pk)).exists()
    assert not AuditEvent.objects.filter(action="ledgers.demand_reveal_phone").exists()


def test_reveal_is_post_only(world, ledger, client_for):
    response = client_for(world.office_admin).get(reverse("ledgers:demand_reveal_phone", args=[ledger.demand.pk]))
    assert response.status_code == 405
