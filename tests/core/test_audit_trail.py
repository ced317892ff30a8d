"""An audit trail the auditor can use.

Account, group and permission changes, superuser logins and failed logins for unknown names
reach the city auditor; passwords, lockouts and unlocks are recorded; every export records who,
the filter and the row count; cross-unit 404s are recorded, rate-limited; the client IP is the
right-most hop our proxies did not write; the page shows labels and people's names.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from core.audit import SCOPE_DENIAL_LIMIT, audit_record
from core.models import AuditEvent
from core.request_context import client_ip
from core.roles import AUDITOR
from org.models import Cadre
from tests.core.admin_forms import admin_form_data
from tests.factories import make_person

PASSWORD = "Qunzhong-2026!x"


def _visible_to(client, auditor, **params):
    """The events the auditor's audit page lists (first page, newest first)."""
    client.force_login(auditor)
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return [event for event in response.context["page_obj"] if event.actor_repr != auditor.username]


def _county_a_auditor():
    return make_person("county_a_auditor", Cadre.objects.get(user__username="county_leader").org_unit, AUDITOR)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


# --- accounts, groups, permissions, logins ----------------------------------------------------


def test_account_changes_are_filed_under_the_accounts_unit(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:auth_user_change", args=[world.town_staff.pk])
    data = admin_form_data(client.get(url), "user_form")
    data["user_permissions"] = [str(Permission.objects.get(codename="view_auditevent").pk)]
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="admin.change", object_id=str(world.town_staff.pk))
    assert event.unit == world.town_a1
    assert "user permissions" in event.detail["change_message"].lower()
    # The county's own auditor reads it: the account works in their county.
    assert [e.action for e in _visible_to(client, _county_a_auditor(), action="admin.change")] == ["admin.change"]


def test_group_changes_and_superuser_logins_reach_the_city_auditor(world, client):
    group = Group.objects.create(name="临时组")
    client.force_login(world.superuser)
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = client.post(url, {"name": "临时组（改）", "permissions": []})
    assert response.status_code == 302
    client.logout()
    client.post(reverse("login"), {"username": "root", "password": "pw-for-tests"})
    actions = {e.action: e for e in _visible_to(client, world.auditor)}
    assert actions["admin.change"].object_repr == "临时组（改）"
    assert actions["admin.change"].unit == world.city
    assert actions["auth.login"].actor == world.superuser
    assert actions["auth.login"].unit == world.city


def test_a_failed_login_for_an_unknown_name_reaches_the_city_auditor(world, client):
    client.post(reverse("login"), {"username": "nobody-here", "password": "guess"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.unit, event.actor_repr, event.success) == (world.city, "nobody-here", False)
    assert [e.actor_repr for e in _visible_to(client, world.auditor, action="auth.login_failed")] == ["nobody-here"]


def test_a_password_change_is_recorded_under_the_accounts_unit(world, client):
    client.force_login(world.office_admin)
    url = reverse("admin:auth_user_password_change", args=[world.town_staff.pk])
    assert client.post(url, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    event = AuditEvent.objects.get(action="auth.password_change")
    assert event.actor == world.office_admin
    assert event.unit == world.town_a1
    assert event.detail == {"account": "town_staff", "by_self": False}
    assert PASSWORD not in str(event.detail)


def test_changing_ones_own_password_is_recorded(world, client):
    client.force_login(world.town_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.password_change")
    assert (event.actor, event.unit, event.detail["by_self"]) == (world.town_staff, world.town_a1, True)


def test_a_lockout_and_its_unlock_are_recorded(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "town_staff", "password": "wrong"}, REMOTE_ADDR="10.9.9.9")
    # Tries while locked are failed logins, not new lockouts.
    client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"}, REMOTE_ADDR="10.9.9.9")
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == settings.AXES_FAILURE_LIMIT + 1
    lockout = AuditEvent.objects.get(action="auth.lockout")
    assert (lockout.unit, lockout.actor_repr, lockout.success) == (world.town_a1, "town_staff", False)
    assert lockout.ip_address == "10.9.9.9"

    attempt = AccessAttempt.objects.get(username="town_staff")
    client.force_login(world.superuser)
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    unlock = AuditEvent.objects.get(action="auth.unlock")
    assert (unlock.actor, unlock.unit) == (world.superuser, world.town_a1)
    assert unlock.detail["username"] == "town_staff"
    actions = [e.action for e in _visible_to(client, _county_a_auditor(), action="group:account")]
    assert {"auth.lockout", "auth.unlock"} <= set(actions)


def test_a_successful_login_that_clears_failures_is_no_unlock(world, client):
    client.post(reverse("login"), {"username": "town_staff", "password": "wrong"})
    client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"})
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


# --- scope 404s ---------------------------------------------------------------------------------


def test_a_cross_unit_404_on_an_object_url_is_recorded_under_the_objects_unit(world, client):
    from outreach.models import Household

    theirs = Household.objects.create(village=world.village_a2, number="0009", head_name="王大海", address="甲二村")
    client.force_login(world.town_staff)
    assert client.get(reverse("outreach:household_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("outreach:household_detail", args=[theirs.pk + 1000])).status_code == 404  # none
    event = AuditEvent.objects.get(action="core.scope_denied")
    assert (event.actor, event.unit, event.success) == (world.town_staff, world.village_a2, False)
    assert event.detail["model"] == "outreach.household"
    assert event.detail["path"] == reverse("outreach:household_detail", args=[theirs.pk])
    # The auditor of the data asked for reads it; the asker's own township's does not see their data.
    assert [e.action for e in _visible_to(client, world.auditor, action="core.scope_denied")] == ["core.scope_denied"]


def test_cross_unit_404s_in_the_admin_are_recorded(world, client):
    sibling = make_person("county_b_staff", world.town_b1)
    client.force_login(world.county_office_admin)
    assert client.get(reverse("admin:auth_user_change", args=[sibling.pk])).status_code == 404
    event = AuditEvent.objects.get(action="core.scope_denied")
    assert (event.actor, event.unit) == (world.county_office_admin, world.town_b1)


def test_a_crawler_cannot_flood_the_trail_with_404s(world, client):
    from outreach.models import Household

    theirs = Household.objects.create(village=world.village_b1, number="0009", head_name="乙", address="乙一村")
    client.force_login(world.town_staff)
    url = reverse("outreach:household_detail", args=[theirs.pk])
    for _ in range(SCOPE_DENIAL_LIMIT + 15):
        assert client.get(url).status_code == 404
    events = AuditEvent.objects.filter(action="core.scope_denied")
    assert events.count() == SCOPE_DENIAL_LIMIT + 1
    assert events.filter(detail__limit_reached=SCOPE_DENIAL_LIMIT).count() == 1
    # Another user has their own allowance.
    client.force_login(world.sibling_town_staff)
    client.get(url)
    assert events.filter(actor=world.sibling_town_staff).count() == 1


# --- client IP ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9", "10.0.0.9"),  # no proxy: the header is the client's to forge
        (1, "6.6.6.6, 203.0.113.7", "10.0.0.9", "203.0.113.7"),  # forged left-most hop is ignored
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.5", "10.0.0.9", "203.0.113.7"),
        (2, "", "10.0.0.9", "10.0.0.9"),  # fewer hops than proxies: not through them
        (1, "not-an-ip", "10.0.0.9", None),
    ],
)
def test_the_client_ip_is_the_rightmost_hop_our_proxies_did_not_write(settings, proxies, forwarded, remote, expected):
    settings.AUDIT_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_a_login_behind_one_proxy_records_the_real_client(world, client, settings):
    settings.AUDIT_TRUSTED_PROXIES = 1
    client.post(
        reverse("login"),
        {"username": "town_staff", "password": "pw-for-tests"},
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23",
        REMOTE_ADDR="127.0.0.1",
    )
    assert AuditEvent.objects.get(action="auth.login").ip_address == "198.51.100.23"


# --- the page ---------------------------------------------------------------------------------------


def test_the_audit_page_names_people_and_labels_the_new_codes(world, client):
    Cadre.objects.filter(user=world.town_staff).update(name="张晓梅")
    world.office_admin.first_name, world.office_admin.last_name = "明", "李"
    Cadre.objects.filter(user=world.office_admin).update(name="")
    world.office_admin.save()
    audit_record(action="auth.password_change", actor=world.town_staff, obj=world.town_staff)
    audit_record(action="core.scope_denied", actor=world.office_admin, obj=world.village_a1, success=False)
    audit_record(action="ledgers.demand_export", actor=world.superuser, unit=world.town_a1)
    client.force_login(world.auditor)
    page = client.get(reverse("core:audit_list")).content.decode()
    assert "张晓梅" in page  # cadre name
    assert "李明" in page or "明 李" in page  # full name when the cadre has none
    for label in ("修改密码", "越权访问（已拒绝）", "导出整改台账"):
        assert label in page
    # Searching by the person's name finds their events.
    names = [e.actor_repr for e in _visible_to(client, world.auditor, account="张晓梅")]
    assert names == ["town_staff"]
