"""The back office masks and audits personal data like the staff pages.

The demand admin change form showed ``person_phone`` in full to staff without the personal-data
permission and audited nothing; free text typed by the public was shown in full everywhere.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import AuditEvent
from core.roles import DATA_ENTRY
from ledgers.models import Demand, Visit
from tests.factories import make_person

PHONE = "13655556666"
TEXT = "家里电话 136 5555 6666，身份证 110105 19491231 002x"


@pytest.fixture
def clerk(world):
    """Back-office staff of township A1 without the personal-data permission."""
    user = make_person("clerk", world.town_a1, DATA_ENTRY, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_demand", "change_demand", "view_visit", "change_visit"])
    )
    return user


@pytest.fixture
def demand(ledger):
    Demand.objects.filter(pk=ledger.demand.pk).update(person_phone=PHONE, description=TEXT)
    Visit.objects.filter(pk=ledger.visit.pk).update(learned=TEXT)
    return Demand.objects.get(pk=ledger.demand.pk)


def _change_url(obj):
    return reverse(f"admin:ledgers_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_demand_admin_masks_the_phone_and_text_for_staff_without_the_permission(world, clerk, demand, client_for):
    response = client_for(clerk).get(_change_url(demand))
    assert response.status_code == 200
    page = response.content.decode()
    assert "136****6666" in page
    assert PHONE not in page
    assert "19491231" not in page
    assert 'name="person_phone"' not in page
    assert 'name="description"' not in page
    assert not AuditEvent.objects.filter(action="ledgers.demand_reveal_phone").exists()


def test_saving_the_masked_form_keeps_the_stored_phone_and_text(world, clerk, demand, client_for):
    response = client_for(clerk).post(
        _change_url(demand),
        {
            "category": demand.category_id,
            "title": "改过的摘要",
            "person_name": "",
            "loaded_version": demand.version,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    demand.refresh_from_db()
    assert (demand.person_phone, demand.description) == (PHONE, TEXT)


def test_opening_the_demand_form_with_the_permission_is_audited(world, demand, client_for):
    response = client_for(world.office_admin).get(_change_url(demand))
    assert PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="ledgers.demand_reveal_phone")
    assert (event.object_id, event.actor, event.detail) == (
        str(demand.pk),
        world.office_admin,
        {"field": "admin_change_form"},
    )


def test_the_visit_admin_masks_what_was_learned_and_audits_a_permitted_reader(world, clerk, ledger, demand, client_for):
    visit = ledger.visit
    assert "19491231" not in client_for(clerk).get(_change_url(visit)).content.decode()
    assert not AuditEvent.objects.filter(action="ledgers.visit_reveal_text").exists()
    assert "19491231" in client_for(world.office_admin).get(_change_url(visit)).content.decode()
    assert AuditEvent.objects.filter(action="ledgers.visit_reveal_text", object_id=str(visit.pk)).count() == 1


def test_the_admin_lists_show_free_text_masked(world, demand, client_for):
    Demand.objects.filter(pk=demand.pk).update(title="张三 13655556666")
    page = client_for(world.office_admin).get(reverse("admin:ledgers_demand_changelist")).content.decode()
    assert "张三 136****6666" in page
    assert PHONE not in page


def test_free_text_is_masked_on_pages_and_revealed_per_record_with_an_audit_event(world, ledger, demand, client_for):
    url = reverse("ledgers:visit_detail", args=[ledger.visit.pk])
    reveal = reverse("core:text_reveal", args=["ledgers.visit", ledger.visit.pk, "learned"])
    leader_page = client_for(world.county_leader).get(url).content.decode()
    assert "136****6666" in leader_page
    assert "1101**********002X" in leader_page
    assert "19491231" not in leader_page
    assert reveal not in leader_page
    assert client_for(world.county_leader).post(reveal).status_code == 403

    office = client_for(world.office_admin)
    office_page = office.get(url).content.decode()
    assert "19491231" not in office_page, "masked for everyone until revealed"
    assert reveal in office_page
    response = office.post(reveal)
    assert response.status_code == 200
    assert "136 5555 6666" in response.content.decode()
    event = AuditEvent.objects.get(action="ledgers.visit_reveal_text")
    assert (event.object_id, event.actor, event.detail) == (
        str(ledger.visit.pk),
        world.office_admin,
        {"field": "learned"},
    )
    assert client_for(world.sibling_town_staff).post(reveal).status_code == 404


def test_the_ledger_book_export_masks_free_text(world, ledger, demand, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for(world.county_leader).get(reverse("ledgers:ledger_book_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("136****6666" in c for c in cells)
    assert not any("5555 6666" in c or "19491231" in c for c in cells)
