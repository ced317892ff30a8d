"""Chinese that reads like a person wrote it: Django's validation messages reworded by
locale/zh_Hans/LC_MESSAGES/django.po, "请选择…" for empty choices, the login lockout's admin
section in Chinese, and a favicon served from our own static files."""

from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from outreach.models import Household, ReceptionDay
from tests.outreach.helpers import household_in, valid_id

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.mo").exists(),
        reason="messages not compiled: run `make messages`",
    ),
]

# What Django's own zh_Hans catalogue says; none of it may reach a staff page.
MACHINE_CHINESE = [
    "这个字段是必填项",
    "确保该",
    "输入一个有效的",
    "选择一个有效的选项",
    "输入整数",
    "具有 ",
    "---------",
]


def _household(world, **overrides):
    data = {
        "village": world.village_a1.pk,
        "number": "0100",
        "head_name": "赵桂英",
        "members_count": 2,
        "address": "一组",
        "phone": "",
        "id_number": valid_id(100),
        "notes": "",
    }
    data.update(overrides)
    return data


def _reads_naturally(body: str):
    for phrase in MACHINE_CHINESE:
        assert phrase not in body, phrase


def test_a_household_form_posted_empty_says_what_to_fill_in(world, client_for):
    blank = _household(world, village="", number="", head_name="", members_count="", id_number="")
    response = client_for(world.town_staff).post(reverse("outreach:household_create"), blank)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("此项必须填写。") == 4  # 村/社区, 户号, 户主姓名, 家庭人口
    _reads_naturally(body)
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": "1" * 33}, "最多填写 32 个字（现在 33 个），请删减。"),
        ({"members_count": "两口"}, "请填写整数。"),
        ({"village": "999999"}, "所选的一项已不在可选范围内，请重新选择。"),
    ],
)
def test_household_form_errors_read_naturally(world, client_for, overrides, message):
    response = client_for(world.town_staff).post(reverse("outreach:household_create"), _household(world, **overrides))
    body = response.content.decode()
    assert message in body
    _reads_naturally(body)
    assert not Household.objects.exists()


def test_a_duplicate_household_number_names_the_fields(world, client_for):
    household_in(world.village_a1, "0100")
    response = client_for(world.town_staff).post(reverse("outreach:household_create"), _household(world))
    body = response.content.decode()
    assert "已有村/社区 和 户号都相同的农户/居民户，不能重复。" in body
    _reads_naturally(body)
    assert Household.objects.count() == 1


def test_a_reception_day_with_a_bad_date_and_choice_says_how_to_write_them(world, client_for):
    data = {"leader": "", "held_on": "3月15", "channel": "传真", "place": "", "visitors_count": "-1", "notes": ""}
    response = client_for(world.town_staff).post(reverse("outreach:reception_new"), data)
    body = response.content.decode()
    assert "日期不对，请按 2026-03-15 这样的格式填写。" in body
    assert "“传真”不在可选范围内，请重新选择。" in body
    assert "不能小于 0。" in body
    _reads_naturally(body)
    assert not ReceptionDay.objects.exists()


def test_empty_choices_say_please_choose(world, client_for):
    body = client_for(world.town_staff).get(reverse("outreach:household_create")).content.decode()
    assert '<option value="" selected>请选择…</option>' in body
    assert "---------" not in body


def test_an_empty_filter_choice_says_all(world, client_for):
    body = client_for(world.town_staff).get(reverse("pledges:pledge_list")).content.decode()
    assert '<option value="" selected>全部</option>' in body
    assert "请选择…" not in body
    assert "---------" not in body


def test_the_admin_shows_the_login_lockout_in_chinese(world, client_for):
    body = client_for(world.superuser).get(reverse("admin:index")).content.decode()
    assert "登录锁定" in body
    assert "登录失败记录" in body
    assert "登录日志" in body
    assert "Axes" not in body
    assert "Access attempts" not in body


def test_the_lockout_list_columns_are_chinese(world, client_for):
    AccessAttempt.objects.create(
        username="zhang",
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    body = client_for(world.superuser).get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "失败次数" in body
    assert "Failed Logins" not in body


def test_the_favicon_is_linked_and_served_from_our_own_static_files(world, client_for):
    for user, url in (
        (world.town_staff, reverse("outreach:household_list")),
        (world.superuser, reverse("admin:index")),
    ):
        assert 'rel="icon" href="/static/img/favicon.svg"' in client_for(user).get(url).content.decode(), url
    # Served as in development (runserver finds static files; production serves the collected copy).
    with override_settings(WHITENOISE_USE_FINDERS=True):
        response = Client().get("/static/img/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
