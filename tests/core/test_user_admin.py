"""Office admins manage their subtree's accounts in the admin, never beyond their own powers."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.roles import CADRE, DATA_ENTRY, GROUP_NAMES, OFFICE_ADMIN
from org.models import Cadre
from tests.core.admin_forms import admin_form_data
from tests.factories import make_person


@pytest.fixture
def county_admin(world):
    return make_person("county_office", world.county_a, OFFICE_ADMIN, is_staff=True)


def _group(role):
    return Group.objects.get(name=GROUP_NAMES[role])


def _change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def _post_change(client, account, **changes):
    data = admin_form_data(client.get(_change_url(account)), "user_form")
    data.update(changes)
    return client.post(_change_url(account), data)


def test_an_office_admin_cannot_open_a_superusers_account(world, client, county_admin):
    client.force_login(county_admin)
    assert client.get(_change_url(world.superuser)).status_code == 404
    assert client.post(_change_url(world.superuser), {"username": "root", "is_active": "on"}).status_code == 404
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert ">root<" not in page


def test_an_office_admin_cannot_set_a_superusers_password(world, client):
    client.force_login(world.office_admin)  # at the city: the whole tree is theirs, the superuser is not
    url = reverse("admin:auth_user_password_change", args=[world.superuser.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"})
    assert response.status_code == 404
    world.superuser.refresh_from_db()
    assert world.superuser.check_password("pw-for-tests")


def test_an_office_admin_cannot_make_anyone_superuser(world, client, county_admin):
    client.force_login(county_admin)
    page = client.get(_change_url(world.town_staff)).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)[:50]]
    response = _post_change(client, world.town_staff, is_superuser=["on"], user_permissions=everything)
    assert response.status_code == 302
    world.town_staff.refresh_from_db()
    assert not world.town_staff.is_superuser
    assert not world.town_staff.user_permissions.exists()


def test_an_office_admin_cannot_change_another_subtrees_account(world, client, county_admin):
    other = make_person("county_b_staff", world.county_b, DATA_ENTRY)
    client.force_login(county_admin)
    assert client.get(_change_url(other)).status_code == 404
    response = client.post(_change_url(other), {"username": "hijacked", "is_active": "on"})
    assert response.status_code == 404
    password = reverse("admin:auth_user_password_change", args=[other.pk])
    assert client.post(password, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"}).status_code == 404
    other.refresh_from_db()
    assert other.username == "county_b_staff"
    assert other.check_password("pw-for-tests")


def test_an_office_admin_grants_only_role_groups_they_hold_the_powers_of(world, client, county_admin):
    client.force_login(county_admin)
    staff_group = Group.objects.create(name="其他")
    staff_group.permissions.add(Permission.objects.get(codename="delete_user"))
    page = client.get(_change_url(world.town_staff)).content.decode()
    assert GROUP_NAMES[CADRE] in page
    assert GROUP_NAMES["auditor"] not in page  # the audit trail is not the office admin's to read
    assert "其他" not in page

    response = _post_change(client, world.town_staff, groups=[str(_group("auditor").pk)])
    assert response.status_code == 200  # not a valid choice
    assert not world.town_staff.groups.filter(name=GROUP_NAMES["auditor"]).exists()
    assert not world.town_staff.groups.filter(pk=staff_group.pk).exists()

    response = _post_change(client, world.town_staff, groups=[str(_group(DATA_ENTRY).pk), str(_group(CADRE).pk)])
    assert response.status_code == 302
    assert set(world.town_staff.groups.values_list("name", flat=True)) == {GROUP_NAMES[DATA_ENTRY], GROUP_NAMES[CADRE]}


def test_an_account_more_powerful_than_the_office_admin_is_read_only_to_them(world, client):
    client.force_login(world.office_admin)
    # The auditor reads the audit trail, which the office admin may not: no password reset, no edits.
    assert client.get(_change_url(world.auditor)).status_code == 200
    response = client.post(_change_url(world.auditor), {"username": "renamed", "is_active": "on"})
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[world.auditor.pk])
    assert client.post(password, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"}).status_code == 403
    world.auditor.refresh_from_db()
    assert world.auditor.username == "auditor"
    assert world.auditor.check_password("pw-for-tests")


def test_an_office_admin_creates_an_account_in_a_unit_of_their_subtree(world, client, county_admin):
    client.force_login(county_admin)
    base = {
        "username": "new_clerk",
        "usable_password": "true",
        "password1": "Qunzhong-2026!",
        "password2": "Qunzhong-2026!",
        "cadre-TOTAL_FORMS": "1",
        "cadre-INITIAL_FORMS": "0",
        "cadre-MIN_NUM_FORMS": "1",
        "cadre-MAX_NUM_FORMS": "1",
        "cadre-0-name": "新干部",
        "cadre-0-rank": "staff",
        "cadre-0-is_party_member": "on",
    }
    response = client.post(reverse("admin:auth_user_add"), {**base, "cadre-0-org_unit": world.town_b1.pk})
    assert response.status_code == 200  # another county's township is not a choice
    assert not Cadre.objects.filter(user__username="new_clerk").exists()
    response = client.post(reverse("admin:auth_user_add"), {**base, "cadre-0-org_unit": world.town_a2.pk})
    assert response.status_code == 302
    cadre = Cadre.objects.get(user__username="new_clerk")
    assert cadre.org_unit == world.town_a2
    assert client.get(_change_url(cadre.user)).status_code == 200


def test_a_cadre_profile_cannot_be_tied_to_an_account_outside_the_subtree(world, client, county_admin):
    from django.contrib.auth import get_user_model

    orphan = get_user_model().objects.create_user("orphan", password="x")
    client.force_login(county_admin)
    cadre = Cadre.objects.get(user=world.town_staff)
    url = reverse("admin:org_cadre_change", args=[cadre.pk])
    data = admin_form_data(client.get(url), "cadre_form")
    assert client.post(url, {**data, "user": [str(orphan.pk)]}).status_code == 200
    assert client.post(url, {**data, "user": [str(world.superuser.pk)]}).status_code == 200
    cadre.refresh_from_db()
    assert cadre.user == world.town_staff


def test_the_superuser_still_manages_every_account_and_flag(world, client):
    client.force_login(world.superuser)
    page = client.get(_change_url(world.town_staff)).content.decode()
    assert 'name="is_superuser"' in page
    response = _post_change(client, world.town_staff, is_superuser=["on"], groups=[str(_group("auditor").pk)])
    assert response.status_code == 302
    world.town_staff.refresh_from_db()
    assert world.town_staff.is_superuser
    assert world.town_staff.groups.filter(name=GROUP_NAMES["auditor"]).exists()
