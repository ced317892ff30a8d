"""The back office may not bypass the demand lifecycle or a visit's audit facts."""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse

from core.models import AuditEvent
from core.workflow import TransitionRefused
from ledgers import demand_flow
from ledgers.models import Demand, Visit


def demand_change_data(demand, **overrides):
    data = {
        "loaded_version": demand.version,
        "campaign": "",
        "category": demand.category_id,
        "title": demand.title,
        "description": demand.description,
        "person_name": demand.person_name,
        "person_phone": demand.person_phone,
        "household": demand.household_id or "",
        "member": demand.member_id or "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


def _inline_prefix_data(response):
    """The management forms of the page's (read-only) inlines, as the browser posts them back."""
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        mgmt = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{mgmt.prefix}-{name}"] = mgmt[name].value()
    return data


def test_demands_cannot_be_added_or_deleted_in_the_admin(world, ledger, client_for):
    client = client_for(world.office_admin)
    assert client.get(reverse("admin:ledgers_demand_add")).status_code == 403
    assert client.get(reverse("admin:ledgers_demand_delete", args=[ledger.demand.pk])).status_code == 403
    response = client.post(
        reverse("admin:ledgers_demand_changelist"),
        {"action": "delete_selected", "_selected_action": [ledger.demand.pk], "post": "yes"},
    )
    assert Demand.objects.filter(pk=ledger.demand.pk).exists()
    assert response.status_code in (200, 302)


def test_the_admin_shows_lifecycle_fields_read_only(world, ledger, client_for):
    response = client_for(world.office_admin).get(reverse("admin:ledgers_demand_change", args=[ledger.demand.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    for name in ("status", "deadline", "responsible_unit", "resolved_on", "replied_on", "closed_on", "version", "tier"):
        assert name not in form.fields, name
    assert "title" in form.fields


def test_posting_lifecycle_fields_in_the_admin_changes_only_the_details(world, ledger, client_for):
    demand = ledger.demand
    url = reverse("admin:ledgers_demand_change", args=[demand.pk])
    client = client_for(world.office_admin)
    data = _inline_prefix_data(client.get(url))
    data.update(
        demand_change_data(
            demand,
            title="承包地补偿款未到位",
            status="closed",
            deadline="2020-01-01",
            closed_on="2020-01-02",
            replied_on="2020-01-02",
            version="99",
            responsible_unit=world.county_b.pk,
        )
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    demand.refresh_from_db()
    assert demand.title == "承包地补偿款未到位"
    assert (demand.status, demand.deadline, demand.closed_on, demand.replied_on) == ("received", None, None, None)
    assert demand.responsible_unit is None
    assert demand.version == 1
    event = AuditEvent.objects.get(action="ledgers.demand_update", object_id=str(demand.pk))
    assert event.detail["changed"]["title"] == ["承包地补偿", "承包地补偿款未到位"]


def test_an_admin_form_loaded_before_a_transition_is_refused(world, ledger, client_for):
    demand = ledger.demand
    url = reverse("admin:ledgers_demand_change", args=[demand.pk])
    client = client_for(world.office_admin)
    data = _inline_prefix_data(client.get(url))
    data.update(demand_change_data(demand, title="改个标题"))
    # Meanwhile a cadre resolves the demand on the staff page.
    demand_flow.demand_resolve_on_spot(demand=demand, actor=world.town_staff, resolution="当场解决")
    response = client.post(url, data)
    assert response.status_code == 200
    # The form comes back with what was typed and says who acted meanwhile (the cadre's name).
    page = response.content.decode()
    assert "在您填写期间，town_staff 于" in page
    assert "改个标题" in page
    demand.refresh_from_db()
    assert (demand.title, demand.status) == ("承包地补偿", "resolved")


def test_demand_details_service_refuses_a_member_of_another_household(world, ledger):
    from outreach.models import HouseholdMember

    other = HouseholdMember.objects.create(household=ledger.h_a1b, name="外人")
    with pytest.raises(TransitionRefused, match="当事人不是该户的家庭成员。"):
        demand_flow.demand_update_details(demand=ledger.demand, actor=world.office_admin, fields={"member": other})
    assert Demand.objects.get(pk=ledger.demand.pk).member is None


def test_a_refused_admin_save_comes_back_as_a_form_error_not_a_403(world, ledger, client_for):
    """The service's refusal (a member of another household) is shown on the change page with
    what was typed; nothing is saved and nothing is logged as changed."""
    from outreach.models import HouseholdMember

    demand = ledger.demand
    other = HouseholdMember.objects.create(household=ledger.h_a1b, name="外人")
    url = reverse("admin:ledgers_demand_change", args=[demand.pk])
    client = client_for(world.office_admin)
    data = _inline_prefix_data(client.get(url))
    data.update(demand_change_data(demand, title="改个标题", member=other.pk))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "当事人不是该户的家庭成员。" in response.context["adminform"].form.non_field_errors()
    page = response.content.decode()
    assert "当事人不是该户的家庭成员。" in page
    assert "改个标题" in page
    demand.refresh_from_db()
    assert (demand.title, demand.member_id, demand.version) == ("承包地补偿", None, 0)
    assert not AuditEvent.objects.filter(action="ledgers.demand_update", object_id=str(demand.pk)).exists()


def test_a_demand_outside_the_admin_users_subtree_is_not_found(world, ledger, client_for):
    world.sibling_town_staff.is_staff = True
    world.sibling_town_staff.save()
    response = client_for(world.sibling_town_staff).get(reverse("admin:ledgers_demand_change", args=[ledger.demand.pk]))
    assert response.status_code == 404


def test_visits_cannot_be_added_or_deleted_in_the_admin(world, ledger, client_for):
    client = client_for(world.office_admin)
    assert client.get(reverse("admin:ledgers_visit_add")).status_code == 403
    assert client.get(reverse("admin:ledgers_visit_delete", args=[ledger.visit.pk])).status_code == 403


def test_a_visit_corrected_in_the_admin_keeps_its_audit_facts(world, ledger, client_for):
    visit = ledger.visit
    url = reverse("admin:ledgers_visit_change", args=[visit.pk])
    client = client_for(world.office_admin)
    page = client.get(url)
    form = page.context["adminform"].form
    assert "recorded_by" not in form.fields
    assert "household" not in form.fields
    data = _inline_prefix_data(page)
    data.update(
        {
            "loaded_version": form.initial["loaded_version"],
            "member": "",
            "cadre": visit.cadre_id,
            "visited_on": visit.visited_on.isoformat(),
            "method": "night",
            "ledger_book": visit.ledger_book,
            "campaign": visit.campaign_id,
            "learned": visit.learned,
            "needs": "",
            "recorded_by": world.office_admin.pk,
            "household": ledger.h_a2.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    visit.refresh_from_db()
    assert (visit.method, visit.household, visit.recorded_by) == ("night", ledger.h_a1, None)
    assert AuditEvent.objects.filter(action="ledgers.visit_update", object_id=str(visit.pk)).exists()


def test_a_visit_admin_form_loaded_before_a_correction_is_refused(world, ledger, client_for):
    visit = ledger.visit
    url = reverse("admin:ledgers_visit_change", args=[visit.pk])
    client = client_for(world.office_admin)
    page = client.get(url)
    data = _inline_prefix_data(page)
    data.update(
        {
            "loaded_version": page.context["adminform"].form.initial["loaded_version"],
            "cadre": visit.cadre_id,
            "visited_on": (visit.visited_on - datetime.timedelta(days=1)).isoformat(),
            "method": "home",
            "ledger_book": visit.ledger_book,
            "learned": "管理员改的",
        }
    )
    Visit.objects.filter(pk=visit.pk).update(learned="别人刚改过", version=F("version") + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "在您填写期间，这条记录已被他人修改，您的修改尚未保存。" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).learned == "别人刚改过"


def test_a_read_only_back_office_user_sees_demands_and_visits(world, ledger, client_for):
    world.auditor.is_staff = True
    world.auditor.save()
    client = client_for(world.auditor)
    for url in (
        reverse("admin:ledgers_demand_change", args=[ledger.demand.pk]),
        reverse("admin:ledgers_visit_change", args=[ledger.visit.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        # Only the hidden optimistic-lock token; nothing editable.
        assert set(response.context["adminform"].form.fields) <= {"loaded_version"}
