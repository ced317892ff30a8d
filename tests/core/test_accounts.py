"""Accounts (MLPS level 3): Argon2id, the password policy, expiry and first-login change, dormant
accounts, idle and absolute session limits, lockout by account and by address."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.accounts import mark_demo_accounts
from core.models import AccountSecurity, AuditEvent
from core.tasks import disable_dormant_accounts_task

User = get_user_model()
GOOD = "Binzhou#2027mq"
START = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


# --- hashing and policy ------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2id_and_old_hashes_upgrade_at_login(world, client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    from django.contrib.auth.hashers import make_password

    user = world.town_staff
    User.objects.filter(pk=user.pk).update(password=make_password("pw-for-tests", hasher="pbkdf2_sha256"))
    assert _login(client, "town_staff", "pw-for-tests").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("binzhou2027", "密码太短：至少需要 12 个字符，现在只有 11 个。"),
        ("binzhou2027abc", "密码须包含小写字母、大写字母、数字、符号这四类中的至少 3 类"),
        ("123456789012345", "密码不能全是数字。"),
        ("Town_staff2026!", "密码与账号名、姓名或邮箱太相似"),
    ],
)
def test_the_policy_refuses_weak_passwords_in_plain_chinese(world, client_for, new, message):
    client = client_for(world.town_staff)
    response = _change(client, "pw-for-tests", new)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.town_staff.refresh_from_db()
    assert world.town_staff.check_password("pw-for-tests")


def test_a_common_password_is_refused_even_with_three_kinds(world, client_for, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [{"NAME": "core.passwords.CommonPasswordValidator"}]
    response = _change(client_for(world.town_staff), "pw-for-tests", "Password123")
    assert "这是一个常用密码" in response.content.decode()


def test_a_strong_password_is_accepted_and_the_form_lists_the_rules(world, client_for):
    client = client_for(world.town_staff)
    page = client.get(reverse("password_change")).content.decode()
    assert "至少 12 个字符。" in page
    assert "包含小写字母、大写字母、数字、符号中的至少 3 类。" in page
    assert _change(client, "pw-for-tests", GOOD).status_code == 302
    world.town_staff.refresh_from_db()
    assert world.town_staff.check_password(GOOD)


# --- first login and expiry --------------------------------------------------------------------


def test_a_password_set_by_someone_else_must_be_changed_at_the_first_login(world, client):
    user = User.objects.create_user("new_cadre", password="Initial#2026pw")
    assert AccountSecurity.objects.get(user=user).must_change_password
    assert _login(client, "new_cadre", "Initial#2026pw").status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    page = client.get(response.url).content.decode()
    assert "这是管理员为您设置的初始或重置密码" in page
    # htmx requests are sent to the same page as a whole.
    fragment = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == reverse("password_change")

    assert _change(client, "Initial#2026pw", GOOD).status_code == 302
    assert client.get(reverse("home")).status_code != 302 or client.get(reverse("home")).url != reverse(
        "password_change"
    )
    assert not AccountSecurity.objects.get(user=user).must_change_password
    event = AuditEvent.objects.filter(action="auth.password_change").latest("at")
    assert event.detail["by_self"] is True


def test_an_administrators_reset_makes_the_owner_change_it(world, client):
    world.town_staff.set_password("Reset#2026pass")
    world.town_staff.save()
    assert AccountSecurity.objects.get(user=world.town_staff).must_change_password
    _login(client, "town_staff", "Reset#2026pass")
    assert client.get(reverse("ledgers:visit_list")).url == reverse("password_change")
    # Logging out and the password page itself stay open.
    assert client.get(reverse("password_change")).status_code == 200


def test_an_expired_password_must_be_changed_and_one_about_to_expire_is_warned(world, client, settings):
    AccountSecurity.objects.filter(user=world.town_staff).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=85)
    )
    _login(client, "town_staff", "pw-for-tests")
    page = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-testid="password-expiring"' in page
    assert "您的密码将在 5 天内到期。" in page

    AccountSecurity.objects.filter(user=world.town_staff).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=settings.ACCOUNT_PASSWORD_MAX_AGE_DAYS + 1)
    )
    client.logout()
    _login(client, "town_staff", "pw-for-tests")
    response = client.get(reverse("home"))
    assert response.url == reverse("password_change")
    assert "您的密码已到期" in client.get(response.url).content.decode()


def test_demo_accounts_neither_expire_nor_must_change_and_the_login_page_says_so(world, client):
    assert "演示账号的密码不会到期" not in client.get(reverse("login")).content.decode()
    AccountSecurity.objects.filter(user=world.town_staff).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=400), must_change_password=True
    )
    mark_demo_accounts([world.town_staff])
    assert "演示账号的密码不会到期" in client.get(reverse("login")).content.decode()
    _login(client, "town_staff", "pw-for-tests")
    assert client.get(reverse("home"), follow=True).redirect_chain[-1][0] != reverse("password_change")


# --- dormant accounts --------------------------------------------------------------------------


def test_accounts_unused_for_90_days_are_disabled_by_the_daily_task_and_audited(world):
    now = timezone.now()
    User.objects.filter(pk=world.town_staff.pk).update(last_login=now - datetime.timedelta(days=91))
    User.objects.filter(pk=world.county_leader.pk).update(last_login=now - datetime.timedelta(days=10))
    never = User.objects.create_user("never_used", password="Initial#2026pw")
    User.objects.filter(pk=never.pk).update(date_joined=now - datetime.timedelta(days=120))
    demo = User.objects.create_user("demo_person", password="Initial#2026pw")
    User.objects.filter(pk=demo.pk).update(last_login=now - datetime.timedelta(days=300))
    mark_demo_accounts([demo])

    disabled = disable_dormant_accounts_task.apply().get()

    assert disabled == User.objects.filter(is_active=False).count()
    inactive = set(User.objects.filter(is_active=False).values_list("username", flat=True))
    assert {"town_staff", "never_used"} <= inactive
    assert not {"county_leader", "demo_person"} & inactive
    event = AuditEvent.objects.get(action="auth.dormant_disabled", object_id=str(world.town_staff.pk))
    assert (event.actor_repr, event.unit) == ("system", world.town_a1)
    # Run again: nothing more to do.
    assert disable_dormant_accounts_task.apply().get() == 0


# --- sessions ----------------------------------------------------------------------------------


def test_an_idle_session_ends_after_30_minutes_and_the_page_says_why(world, client):
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "town_staff", "pw-for-tests")
        page = client.get(reverse("home"), follow=True)
        html = page.content.decode()
        assert 'data-session-idle="1800"' in html
        assert 'data-session-warning="120"' in html
        assert "js/session.js" in html
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("ledgers:visit_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # active 29 minutes ago: still in
        assert client.get(reverse("ledgers:visit_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("ledgers:visit_list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")
        assert "已自动退出" in client.get(response.url).content.decode()
    assert AuditEvent.objects.get(action="auth.session_expired").detail == {"reason": "idle"}


def test_a_pages_own_polling_is_not_activity(world, client):
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "town_staff", "pw-for-tests")
        clock.shift(datetime.timedelta(minutes=20))
        poll = client.get(reverse("reminders:bell"), HTTP_HX_REQUEST="true", HTTP_X_MINQING_BACKGROUND="1")
        assert poll.status_code == 200
        clock.shift(datetime.timedelta(minutes=11))
        expired = client.get(reverse("reminders:bell"), HTTP_HX_REQUEST="true", HTTP_X_MINQING_BACKGROUND="1")
        assert expired.status_code == 204
        assert expired["HX-Redirect"] == reverse("login")


def test_continue_renews_an_idle_session(world, client):
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "town_staff", "pw-for-tests")
        clock.shift(datetime.timedelta(minutes=29))
        renewed = client.post(reverse("session_keepalive"))
        assert renewed.json() == {"ok": True, "idle_timeout": 1800}
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(reverse("ledgers:visit_list")).status_code == 200
    client.logout()
    assert client.post(reverse("session_keepalive")).status_code == 401


def test_a_session_ends_12_hours_after_login_however_busy(world, client):
    with time_machine.travel(START, tick=False) as clock:
        _login(client, "town_staff", "pw-for-tests")
        for _ in range(36):  # every 20 minutes for 12 hours
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("ledgers:visit_list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=1))
        response = client.get(reverse("ledgers:visit_list"))
        assert response.status_code == 302
        assert AuditEvent.objects.get(action="auth.session_expired").detail == {"reason": "absolute"}
        assert "超过允许的最长时间" in client.get(response.url).content.decode()


# --- lockout -----------------------------------------------------------------------------------


def test_a_locked_account_stays_locked_from_another_address(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "town_staff", "wrong", REMOTE_ADDR="10.0.0.1")
    elsewhere = _login(client, "town_staff", "pw-for-tests", REMOTE_ADDR="10.0.0.2")
    assert elsewhere.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.lockout").count() == 1
    # Another account from the first address is not locked by it.
    assert _login(client, "county_leader", "pw-for-tests", REMOTE_ADDR="10.0.0.1").status_code == 302


def test_an_address_trying_many_names_is_refused_at_its_own_higher_limit(world, client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    for n in range(8):
        _login(client, f"guess{n}", "wrong", REMOTE_ADDR="10.0.0.9")
    assert _login(client, "town_staff", "pw-for-tests", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert AuditEvent.objects.filter(action="auth.ip_blocked").count() == 1
    # The same account from another address logs in: the address was blocked, not the account.
    assert _login(client, "town_staff", "pw-for-tests", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_unlocking_an_account_locked_from_several_addresses_is_recorded_once(world, client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "town_staff", "wrong", REMOTE_ADDR=f"10.0.1.{n % 2}")
    assert AccessAttempt.objects.filter(username="town_staff").count() == 2
    AccessAttempt.objects.filter(username="town_staff").delete()
    assert AuditEvent.objects.filter(action="auth.unlock").count() == 1


def test_a_colleagues_login_from_the_same_address_does_not_unlock_an_account(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "town_staff", "wrong", REMOTE_ADDR="10.0.0.1")
    assert _login(client, "county_leader", "pw-for-tests", REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()
    assert _login(client, "town_staff", "pw-for-tests", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert not AuditEvent.objects.filter(action="auth.unlock").exists()


def test_signed_in_pages_and_downloads_are_never_cached_but_the_public_board_may_be(world, client_for):
    client = client_for(world.town_staff)
    for url in (reverse("ledgers:visit_list"), reverse("pledges:pledge_export")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
    board = client.get(reverse("pledges:public_board", args=[world.village_a1.code]))
    assert "public" in board["Cache-Control"]


# --- the back office's address and networks ----------------------------------------------------


def test_the_admin_answers_only_from_the_configured_networks(world, client_for, settings):
    settings.ADMIN_ALLOWED_NETWORKS = ["10.0.0.0/8", "192.168.5.7"]
    client = client_for(world.superuser)
    assert client.get(reverse("admin:index"), REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get(reverse("admin:index"), REMOTE_ADDR="192.168.5.7").status_code == 200
    assert client.get(reverse("admin:index"), REMOTE_ADDR="172.16.0.1").status_code == 404
    assert client.get(reverse("admin:outreach_household_changelist"), REMOTE_ADDR="172.16.0.1").status_code == 404
    # The rest of the site is not limited.
    assert client.get(reverse("ledgers:visit_list"), REMOTE_ADDR="172.16.0.1").status_code == 200


def test_the_admin_lives_at_a_configured_address(settings):
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    settings.ADMIN_URL = "backoffice-7f3a/"
    try:
        importlib.reload(config.urls)
        clear_url_caches()
        assert reverse("admin:index") == "/backoffice-7f3a/"
    finally:
        settings.ADMIN_URL = "admin/"
        importlib.reload(config.urls)
        clear_url_caches()
    assert reverse("admin:index") == "/admin/"
