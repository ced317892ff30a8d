"""No full ID or phone number reaches a user without outreach.view_personal_data."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from core.masking import mask_id_number, mask_phone
from core.models import AuditEvent
from tests.factories import make_person
from tests.outreach.helpers import PHONE, cadre_of, household_in, member_in, pairing_for, valid_id

pytestmark = pytest.mark.django_db

FULL_ID = valid_id(42)


@pytest.fixture
def household(world):
    household = household_in(world.village_a1, "0042", phone=PHONE, id_number=FULL_ID, head_name="王秀英")
    member_in(household, "小花", is_poor_child=True)
    pairing_for(world, household, cadre=cadre_of(world.town_staff))
    return household


def _xlsx_text(response) -> str:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def _assert_masked(text: str):
    assert FULL_ID not in text
    assert PHONE not in text


def test_masks_keep_the_region_and_last_four():
    assert mask_id_number("370102199001011234") == "3701**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


@pytest.mark.parametrize("role", ["town_staff", "county_leader", "village_cadre"])
def test_lists_details_forms_and_exports_never_show_full_numbers_without_the_permission(
    world, client_for, household, role
):
    client = client_for(getattr(world, role))
    pages = [
        reverse("outreach:household_list"),
        reverse("outreach:household_list") + "?q=王秀英",
        reverse("outreach:household_detail", args=[household.pk]),
        reverse("outreach:pairing_list"),
        reverse("outreach:pairing_status", args=[world.village_a1.code]),
    ]
    if role == "town_staff":
        pages += [reverse("outreach:household_edit", args=[household.pk]), reverse("outreach:pairing_bulk")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_masked(response.content.decode())
    detail = client.get(reverse("outreach:household_detail", args=[household.pk])).content.decode()
    assert "3716**********" + FULL_ID[-4:] in detail
    assert "138****5678" in detail
    assert "reveal-phone" not in detail
    for url in (reverse("outreach:household_list") + "?export=xlsx", reverse("outreach:pairing_list") + "?export=xlsx"):
        response = client.get(url)
        assert response.status_code == 200
        text = _xlsx_text(response)
        _assert_masked(text)
    assert "138****5678" in _xlsx_text(client.get(reverse("outreach:household_list") + "?export=xlsx"))


def test_the_reveal_action_is_refused_without_the_permission(world, client_for, household):
    response = client_for(world.county_leader).post(reverse("outreach:household_reveal", args=[household.pk, "phone"]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="outreach.household_reveal").exists()


def test_revealing_a_number_shows_it_and_writes_an_audit_event(world, client_for, household):
    client = client_for(world.office_admin)
    detail = client.get(reverse("outreach:household_detail", args=[household.pk])).content.decode()
    assert FULL_ID not in detail, "even permitted users see masked values until they ask"
    assert "reveal-id" in detail
    response = client.post(reverse("outreach:household_reveal", args=[household.pk, "id_number"]))
    assert response.status_code == 200
    assert FULL_ID in response.content.decode()
    event = AuditEvent.objects.get(action="outreach.household_reveal")
    assert (event.actor, event.object_id, event.detail) == (
        world.office_admin,
        str(household.pk),
        {"field": "id_number"},
    )


def test_an_unmasked_export_is_audited(world, client_for, household):
    response = client_for(world.office_admin).get(reverse("outreach:household_list") + "?export=xlsx")
    assert FULL_ID in _xlsx_text(response)
    assert AuditEvent.objects.filter(action="outreach.export_personal").count() == 1


def test_the_cadre_export_masks_cadre_phones(world, client_for):
    cadre = cadre_of(world.village_cadre)
    cadre.phone = "13987654321"
    cadre.save()
    text = _xlsx_text(client_for(world.town_staff).get(reverse("outreach:cadre_export")))
    assert "13987654321" not in text
    assert "139****4321" in text
    assert "village_cadre" in text
    assert "sibling_town_staff" not in text, "the export is scoped"


def test_the_admin_masks_numbers_for_staff_without_the_permission(world, client_for, household):
    viewer = make_person("admin_viewer", world.city, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_household", "view_pairing"]))
    client = client_for(viewer)
    for url in (
        reverse("admin:outreach_household_changelist"),
        reverse("admin:outreach_household_change", args=[household.pk]),
        reverse("admin:outreach_pairing_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_masked(response.content.decode())
    assert "138****5678" in client.get(reverse("admin:outreach_household_changelist")).content.decode()


def test_the_admin_change_form_shows_numbers_to_permitted_staff_and_audits_it(world, client_for, household):
    response = client_for(world.office_admin).get(reverse("admin:outreach_household_change", args=[household.pk]))
    assert FULL_ID in response.content.decode()
    assert AuditEvent.objects.filter(action="outreach.household_reveal", object_id=str(household.pk)).exists()


def test_editing_without_the_permission_keeps_numbers_left_blank(world, client_for, household):
    client = client_for(world.town_staff)
    response = client.post(
        reverse("outreach:household_edit", args=[household.pk]),
        {
            "village": world.village_a1.pk,
            "number": "0042",
            "head_name": "王秀英",
            "members_count": 4,
            "address": "新址",
            "phone": "",
            "id_number": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.id_number, household.members_count) == (PHONE, FULL_ID, 4)
    event = AuditEvent.objects.get(action="outreach.household_update")
    assert set(event.detail["fields"]) == {"members_count", "address"}
