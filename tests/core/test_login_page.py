"""The login page tells who hands out accounts, and a failed login never says which part was wrong."""

from django.urls import reverse

HINT = "账号由本单位活动办公室管理员开设；忘记密码请联系管理员。"


def test_the_login_page_says_who_gives_accounts(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="login-hint"' in page
    assert HINT in page


def _login_errors(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 200
    return response.context["form"].non_field_errors()


def test_a_failed_login_says_the_same_whether_the_account_exists_or_not(world, client, django_user_model):
    django_user_model.objects.create_user("retired", password="right-password", is_active=False)
    wrong_password = _login_errors(client, "town_staff", "not-the-password")
    unknown_user = _login_errors(client, "no_such_person", "not-the-password")
    inactive_user = _login_errors(client, "retired", "right-password")
    assert wrong_password == unknown_user == inactive_user
    assert len(wrong_password) == 1
    assert "请输入一个正确的" in wrong_password[0]
    page = client.post(reverse("login"), {"username": "retired", "password": "right-password"}).content.decode()
    assert "禁用" not in page
    assert "不存在" not in page
    # The hint stays under the form after a failure too.
    assert HINT in page
