import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from core.roles import GROUP_NAMES, sync_roles


@pytest.mark.django_db
def test_the_role_groups_exist_after_migrate_with_their_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(GROUP_NAMES.values()) <= names
    auditor = Group.objects.get(name=GROUP_NAMES["auditor"])
    assert auditor.permissions.filter(codename="view_auditevent").exists()
    assert not auditor.permissions.filter(codename="change_orgunit").exists()


@pytest.mark.django_db
def test_setup_roles_is_idempotent_and_repairs_drift():
    sync_roles()
    leader = Group.objects.get(name=GROUP_NAMES["leader"])
    before = set(leader.permissions.values_list("codename", flat=True))
    leader.permissions.clear()
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(leader.permissions.values_list("codename", flat=True)) == before
    assert Group.objects.filter(name=GROUP_NAMES["leader"]).count() == 1


@pytest.mark.parametrize(
    ("role", "target"),
    [
        ("auditor", "core:audit_list"),
        ("county_leader", "campaigns:orgunit_tree"),
        ("town_staff", "ledgers:visit_entry"),
        ("village_cadre", "ledgers:visit_entry"),
        ("superuser", "admin:index"),
    ],
)
def test_home_sends_each_role_where_it_works(world, client, role, target):
    client.force_login(world.users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)


def test_a_user_without_role_gets_a_home_page_that_says_so(world, client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "尚未分配角色" in response.content.decode()


def test_the_login_page_is_chinese(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "民情 · 登录" in page
    assert 'lang="zh-hans"' in page


def test_logins_lock_after_repeated_failures(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "town_staff", "password": "bad"})
    response = client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
