import pytest
from django.db import connection, transaction
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent
from org.models import OrgUnit


@pytest.fixture(autouse=True)
def _codes_these_tests_write(extra_audit_codes):
    extra_audit_codes(
        "test.thing",
        "test.in_city",
        "test.other_county",
        *(f"test.{i}" for i in range(3)),
        *(f"test.more{i}" for i in range(30)),
    )


def test_a_login_is_audited_with_the_ip_and_unit(world, client):
    client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == world.town_staff
    assert event.ip_address == "10.1.2.3"
    assert event.unit == world.town_a1
    assert event.success


def test_a_failed_login_is_audited_without_the_password(world, client):
    client.post(reverse("login"), {"username": "town_staff", "password": "secret-guess"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert not event.success
    assert event.actor is None
    assert event.actor_repr == "town_staff"
    assert event.unit == world.town_a1
    assert "secret-guess" not in str(event.detail)


def test_an_admin_change_is_audited_in_the_same_transaction(world, client):
    client.force_login(world.office_admin)
    unit = world.village_a1
    response = client.post(
        reverse("admin:org_orgunit_change", args=[unit.pk]),
        {
            "name": "甲一村（新）",
            "code": unit.code,
            "kind": "village",
            "sort_order": 3,
            "treebeard_position": "sorted-child",
            "treebeard_ref_node": world.town_a1.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change")
    assert event.actor == world.office_admin
    assert event.object_repr == "甲一村（新）"
    assert event.unit == world.village_a1


def test_an_event_rolls_back_with_its_change(world):
    def change_that_fails():
        with transaction.atomic():
            audit_record(action="test.thing", actor=world.town_staff, obj=world.village_a1)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not AuditEvent.objects.filter(action="test.thing").exists()


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = audit_record(action="test.thing", actor=world.town_staff, obj=world.village_a1)
    event.action = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.postgres
def test_postgresql_itself_refuses_to_rewrite_audit_events(world):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (DATABASE_URL=postgres://...)")
    from django.db.utils import InternalError

    event = audit_record(action="test.thing", actor=world.town_staff, obj=world.village_a1)
    with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_auditors_read_events_of_their_subtree_only(world, client):
    audit_record(action="test.in_city", actor=world.town_staff, obj=world.village_a1)
    audit_record(action="test.other_county", actor=world.town_staff, obj=world.village_b1)
    county_auditor = world.auditor
    client.force_login(county_auditor)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "test.in_city" in page
    assert "test.other_county" in page  # the auditor is at city level
    from org.models import Cadre

    Cadre.objects.filter(user=county_auditor).update(org_unit=world.county_a)
    client.force_login(county_auditor)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "test.in_city" in page
    assert "test.other_county" not in page


def test_the_audit_list_needs_the_auditor_role(world, client):
    client.force_login(world.county_leader)
    assert client.get(reverse("core:audit_list")).status_code == 403


def test_the_audit_list_does_not_grow_queries_with_rows(world, client, django_assert_max_num_queries):
    client.force_login(world.auditor)
    for i in range(3):
        audit_record(action=f"test.{i}", actor=world.town_staff, obj=world.village_a1)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("core:audit_list"))
    for i in range(30):
        audit_record(action=f"test.more{i}", actor=world.town_staff, obj=OrgUnit.objects.get(code="CA2V1"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("core:audit_list"))


def _bulk_delete(client, url, pks):
    return client.post(url, {"action": "delete_selected", "_selected_action": [str(pk) for pk in pks], "post": "yes"})


def test_a_bulk_admin_delete_writes_one_event_per_object_with_its_unit(world, client):
    from org.models import Cadre
    from tests.factories import make_person

    doomed = [
        Cadre.objects.get(user=make_person("leaving_a", world.village_a1)),
        Cadre.objects.get(user=make_person("leaving_b", world.town_a2)),
    ]
    client.force_login(world.office_admin)
    response = _bulk_delete(client, reverse("admin:org_cadre_changelist"), [c.pk for c in doomed])
    assert response.status_code == 302
    assert not Cadre.objects.filter(pk__in=[c.pk for c in doomed]).exists()
    events = AuditEvent.objects.filter(action="admin.delete").order_by("object_id")
    assert [(e.object_id, e.unit, e.actor) for e in events] == sorted(
        [
            (str(doomed[0].pk), world.village_a1, world.office_admin),
            (str(doomed[1].pk), world.town_a2, world.office_admin),
        ]
    )
    assert {e.object_repr for e in events} == {"leaving_a", "leaving_b"}


def test_a_bulk_delete_of_one_object_is_audited_once(world, client):
    from org.models import Cadre
    from tests.factories import make_person

    cadre = Cadre.objects.get(user=make_person("leaving", world.village_a1))
    client.force_login(world.office_admin)
    _bulk_delete(client, reverse("admin:org_cadre_changelist"), [cadre.pk])
    event = AuditEvent.objects.get(action="admin.delete")
    assert event.unit == world.village_a1


def test_a_single_admin_delete_is_audited_with_the_objects_unit(world, client):
    from org.models import Cadre
    from tests.factories import make_person

    cadre = Cadre.objects.get(user=make_person("leaving", world.village_a1))
    client.force_login(world.office_admin)
    response = client.post(reverse("admin:org_cadre_delete", args=[cadre.pk]), {"post": "yes"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.delete")
    assert (event.object_id, event.unit) == (str(cadre.pk), world.village_a1)


def test_a_bulk_delete_that_fails_leaves_no_audit_event(world, client, monkeypatch):
    from org.admin import CadreAdmin
    from org.models import Cadre
    from tests.factories import make_person

    cadres = [Cadre.objects.get(user=make_person(f"staying{i}", world.village_a1)) for i in range(2)]

    def broken_delete(self, request, queryset):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CadreAdmin, "delete_queryset", broken_delete)
    client.raise_request_exception = False
    client.force_login(world.office_admin)
    response = _bulk_delete(client, reverse("admin:org_cadre_changelist"), [c.pk for c in cadres])
    assert response.status_code == 500
    assert Cadre.objects.filter(pk__in=[c.pk for c in cadres]).count() == 2
    assert not AuditEvent.objects.filter(action="admin.delete").exists()
