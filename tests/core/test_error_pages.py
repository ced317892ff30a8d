"""Error pages and the admin's header speak Chinese and offer a way back."""

from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults


def test_a_missing_page_answers_in_chinese_with_a_way_home(world, client):
    client.force_login(world.town_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="error-404"' in page
    assert "页面不存在" in page
    assert f'href="{reverse("home")}"' in page
    assert 'data-testid="current-user"' in page  # the usual navbar, still signed in


def test_a_forbidden_page_answers_in_chinese(world, client):
    client.force_login(world.county_leader)
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page
    assert "返回工作台" in page


def test_the_server_error_page_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page
    assert 'href="/"' in page


def test_the_admin_header_says_the_product_name_and_offers_the_languages(world, client):
    client.force_login(world.office_admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "民情 · 后台管理" in page
    assert "Django administration" not in page
    assert "Django 管理" not in page
    assert 'data-testid="admin-language-switcher"' in page
    assert ">English<" in page
    assert ">简体中文<" in page
    client.logout()
    login = client.get(reverse("admin:login")).content.decode()
    assert "民情 · 后台管理" in login


def test_old_forum_and_reception_day_addresses_lead_to_their_new_pages(client):
    response = client.get("/ledgers/forums/12/edit/?next=x")
    assert (response.status_code, response["Location"]) == (302, "/outreach/forums/12/edit/?next=x")
    response = client.get("/ledgers/reception-days/")
    assert (response.status_code, response["Location"]) == (302, "/outreach/reception-days/")
