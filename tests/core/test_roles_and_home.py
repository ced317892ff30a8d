import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from core.roles import GROUP_NAMES, sync_roles
from tests.factories import UserFactory


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
        ("county_leader", "ledgers:demand_chase"),
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
    client.force_login(UserFactory(username="norole"))
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


def test_the_navbar_groups_pages_into_dropdowns(world, client):
    client.force_login(world.county_leader)
    page = client.get(reverse("campaigns:orgunit_tree")).content.decode()
    assert 'data-testid="nav-group-plans"' in page
    assert "dropdown-menu" in page


def test_a_user_changes_their_password(world, client):
    client.force_login(world.town_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests", "new_password1": "Qunzhong-2026!", "new_password2": "Qunzhong-2026!"},
    )
    assert response.status_code == 302
    world.town_staff.refresh_from_db()
    assert world.town_staff.check_password("Qunzhong-2026!")


def _without_permission(role, codename):
    from django.contrib.auth.models import Permission

    Group.objects.get(name=GROUP_NAMES[role]).permissions.remove(Permission.objects.get(codename=codename))


def test_home_skips_a_page_the_role_can_no_longer_open(world, client):
    # The office took visit entry away from cadres: home must not send them to a 403.
    _without_permission("cadre", "add_visit")
    client.force_login(world.village_cadre)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "工作台" in response.content.decode()
    assert client.get(reverse("ledgers:visit_entry")).status_code == 403


def test_home_falls_through_to_the_next_role_the_user_can_work_in(world, client):
    from core.roles import AUDITOR

    _without_permission("cadre", "add_visit")
    world.village_cadre.groups.add(Group.objects.get(name=GROUP_NAMES[AUDITOR]))
    client.force_login(world.village_cadre)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("core:audit_list")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("role", ["county_leader", "town_staff", "village_cadre", "auditor", "office_admin"])
def test_every_roles_home_opens_for_it(world, client, role):
    client.force_login(world.users[role])
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain  # sent somewhere, and that page opened


def test_the_navbar_workbench_link_shows_the_dashboard(world, client):
    client.force_login(world.town_staff)
    page = client.get(reverse("campaigns:orgunit_tree")).content.decode()
    assert f'href="{reverse("home")}?stay=1"' in page
    response = client.get(reverse("home"), {"stay": "1"})
    assert response.status_code == 200
    assert f'href="{reverse("ledgers:visit_entry")}"' in response.content.decode()


def test_the_lockout_page_states_the_limit_and_the_wait(world, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.25  # hours
    for _ in range(3):
        client.post(reverse("login"), {"username": "town_staff", "password": "bad"})
    response = client.post(reverse("login"), {"username": "town_staff", "password": "pw-for-tests"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "连续登录失败 3 次后" in page
    assert "请 15 分钟后再试" in page


def test_the_language_switcher_names_each_language_in_itself(world, client):
    client.force_login(world.town_staff)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        page = client.get(reverse("home"), {"stay": "1"}).content.decode()
        assert f'<html lang="{language}">' in page
        assert ">简体中文<" in page, language
        assert ">English<" in page, language
