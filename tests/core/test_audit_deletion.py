"""The audit trail never blocks deleting what it names, and still says who and which unit after.

On PostgreSQL the trail's rows cannot be updated (trigger, core migration 0002): deleting a user
or a unit used to try SET_NULL on them and answered 500. Run with DATABASE_URL pointing at
PostgreSQL to check the trigger side; the rest holds on SQLite too.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent
from core.roles import AUDITOR
from org.models import Cadre, OrgUnit
from tests.factories import UserFactory, make_person


@pytest.fixture(autouse=True)
def _codes_these_tests_write(extra_audit_codes):
    extra_audit_codes("test.thing", "test.in_deleted_unit", "test.by_leaver", "test.by_town_staff")


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")


def _audit_page_rows(client, user):
    client.force_login(user)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
    return response, [event for event in response.context["page_obj"] if event.action.startswith("test.")]


def test_an_event_keeps_its_units_name_and_place_in_the_tree_as_text(world):
    event = audit_record(action="test.thing", actor=world.town_staff, obj=world.village_a1)
    assert event.unit_name == "甲一村"
    assert event.unit_path == "测试市 / 甲县 / 甲一镇 / 甲一村"
    assert event.unit_lineage == f"/{world.city.pk}/{world.county_a.pk}/{world.town_a1.pk}/{world.village_a1.pk}/"


def test_deleting_a_unit_with_audit_rows_works_and_the_rows_still_name_it(world, client):
    unit = world.village_a1b  # no people work there; the trail names it
    audit_record(action="test.in_deleted_unit", actor=world.town_staff, obj=unit)
    client.force_login(world.superuser)
    response = client.post(reverse("admin:org_orgunit_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()

    event = AuditEvent.objects.get(action="test.in_deleted_unit")
    assert event.unit_id == unit.pk  # a plain id now pointing nowhere, kept as it was written
    assert (event.unit_name, event.unit_path) == ("甲一二村", "测试市 / 甲县 / 甲一镇 / 甲一二村")
    assert event.actor_repr == "town_staff"
    assert AuditEvent.objects.filter(action="admin.delete", object_repr="甲一二村").exists()

    # The auditors above the deleted unit still read its events, with its name; a sibling county's do not.
    response, rows = _audit_page_rows(client, world.auditor)
    assert [row.action for row in rows] == ["test.in_deleted_unit"]
    assert "甲一二村" in response.content.decode()
    county_a_auditor = make_person("county_a_auditor", world.county_a, AUDITOR)
    assert [row.action for row in _audit_page_rows(client, county_a_auditor)[1]] == ["test.in_deleted_unit"]
    county_b_auditor = make_person("county_b_auditor", world.county_b, AUDITOR)
    assert _audit_page_rows(client, county_b_auditor)[1] == []


def test_deleting_a_user_with_audit_rows_keeps_the_rows(world):
    leaver = make_person("leaver", world.town_a1, name="李离职")
    audit_record(action="test.by_leaver", actor=leaver, obj=world.village_a1)
    leaver.delete()  # from a shell: the trail does not stand in the way
    event = AuditEvent.objects.get(action="test.by_leaver")
    assert event.actor_repr == "leaver"
    assert event.unit_name == "甲一村"
    assert not get_user_model().objects.filter(username="leaver").exists()


def test_the_admin_deactivates_a_user_with_audit_rows_instead_of_deleting(world, client):
    audit_record(action="test.by_town_staff", actor=world.town_staff, obj=world.village_a1)
    client.force_login(world.superuser)
    url = reverse("admin:auth_user_delete", args=[world.town_staff.pk])
    assert "确认后将停用账号，不会删除" in client.get(url).content.decode()
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    world.town_staff.refresh_from_db()
    assert not world.town_staff.is_active
    assert "有审计记录，不能删除，已停用" in response.content.decode()
    change = AuditEvent.objects.filter(action="admin.change", object_id=str(world.town_staff.pk)).get()
    assert change.unit == world.town_a1  # an account's event is its unit's
    # The account can no longer log in; its events still read as before.
    client.logout()
    client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"})
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="test.by_town_staff").actor == world.town_staff


def test_the_admin_deletes_an_account_without_history(world, client):
    newcomer = UserFactory(username="typo_account")
    client.force_login(world.superuser)
    response = client.post(reverse("admin:auth_user_delete", args=[newcomer.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=newcomer.pk).exists()


def test_accounts_are_not_deleted_in_bulk(world, client):
    client.force_login(world.superuser)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert 'value="delete_selected"' not in page


@on_postgresql
def test_deleting_a_unit_and_a_user_with_audit_rows_passes_the_postgresql_trigger(world):
    unit = world.village_a1b
    leaver = make_person("leaver", unit)
    audit_record(action="test.thing", actor=leaver, obj=unit)
    Cadre.objects.filter(user=leaver).delete()
    leaver.delete()
    unit.delete()
    event = AuditEvent.objects.get(action="test.thing")
    assert (event.actor_repr, event.unit_name) == ("leaver", "甲一二村")


@on_postgresql
def test_postgresql_refuses_to_truncate_the_audit_trail(world):
    audit_record(action="test.thing", actor=world.town_staff, obj=world.village_a1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'core_auditevent_no_truncate'"
            " AND tgrelid = 'core_auditevent'::regclass"
        )
        assert cursor.fetchone() is not None, "migration core 0004 creates the trigger"
    # The test database turns it off so that transactional tests can be flushed (tests/conftest.py);
    # on in this transaction, as in every real database.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_truncate")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE core_auditevent")
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")
    assert AuditEvent.objects.filter(action="test.thing").exists()
