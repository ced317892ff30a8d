"""The first journeys: log in as two roles and see what each may see."""

import pytest

from tests.browser.conftest import is_loopback

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_and_loads_only_local_assets(page, shot):
    page.goto("/login/")
    assert page.locator("h1").inner_text() == "民情 · 登录"
    assert page.locator("label[for=id_username]").inner_text().startswith("用户名")
    # Bootstrap's CSS really applied: the submit button is styled, not a bare browser button.
    assert (
        page.locator("button[type=submit]").evaluate("b => getComputedStyle(b).backgroundColor") != "rgba(0, 0, 0, 0)"
    )
    shot(page, "login")


def test_county_leader_sees_their_county_and_not_the_sibling(world, page, login, shot):
    login(page, "county_leader")
    page.goto("/campaigns/units/")
    tree = page.get_by_test_id("orgunit-tree").inner_text()
    assert "甲县" in tree
    assert "甲一镇" in tree
    assert "甲二村" in tree
    assert "乙县" not in tree
    assert "测试市" not in tree
    assert "county_leader" in page.get_by_test_id("current-user").inner_text()
    shot(page, "orgunit-tree-county-leader")


def test_town_staff_sees_only_their_township_and_404s_elsewhere(world, page, login, shot):
    login(page, "town_staff")
    page.goto("/campaigns/units/")
    tree = page.get_by_test_id("orgunit-tree").inner_text()
    assert "甲一村" in tree
    assert "甲二镇" not in tree
    response = page.goto(f"/campaigns/units/{world.village_a2.code}/")
    assert response.status == 404


def test_wrong_password_shows_a_chinese_error(world, page, login):
    login(page, "town_staff", password="wrong")
    assert "请输入一个正确的" in page.content()


def test_navigation_collapses_into_a_menu_on_a_phone(world, phone, login, shot):
    login(phone, "county_leader")
    phone.goto("/campaigns/units/")
    toggler = phone.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    phone.get_by_role("link", name="组织架构").wait_for(state="visible")
    shot(phone, "phone-menu-open", full_page=False)


def test_language_switcher_turns_the_page_english(world, page, login):
    login(page, "county_leader")
    page.goto("/campaigns/units/")
    page.select_option("[data-testid=language-switcher] select", "en")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"


def test_loopback_guard_recognises_outside_hosts():
    assert is_loopback("http://127.0.0.1:8000/static/x.css")
    assert is_loopback("http://localhost:1/")
    assert is_loopback("http://[::1]:8000/")
    assert not is_loopback("https://cdn.jsdelivr.net/npm/bootstrap.css")
    assert not is_loopback("http://10.0.0.5/")
