"""The public board (公示栏) and its printable A4 notice: no login, no personal data, cacheable."""

import datetime
import re

import pytest
from django.urls import reverse

from org.models import Cadre
from outreach.models import Household
from pledges.models import Pledge
from pledges.services import pledge_amend, pledge_report_progress
from tests.pledges.helpers import NEXT_YEAR, make_pledge

D = datetime.date


def board(client, unit, **headers):
    return client.get(reverse("pledges:public_board", kwargs={"code": unit.code}), **headers)


@pytest.fixture
def household(world):
    return Household.objects.create(
        village=world.village_a1,
        number="0007",
        head_name="王秀兰",
        phone="13805310099",
        id_number="371602196805120023",
        address="甲一村3组7号",
    )


def test_the_board_needs_no_login_and_shows_public_pledges_with_progress(client, world):
    pledge = make_pledge(
        world,
        world.village_a1,
        title="留守儿童结对帮扶",
        progress=[(D(2026, 5, 1), 40, "完成摸底")],
    )
    response = board(client, world.village_a1)
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲一村 · 公开承诺公示栏" in html
    assert pledge.title in html
    assert 'aria-valuenow="40"' in html
    assert "2026年6月30日" in html  # the deadline
    assert "甲一村" in html  # the responsible unit


def test_drafts_submitted_approved_and_internal_pledges_never_appear(client, world):
    for state in ("draft", "submitted", "returned", "approved"):
        make_pledge(world, world.village_a1, state, title=f"不应公开-{state}")
    make_pledge(world, world.village_a1, "approved", title="内部事项不公开", visibility=Pledge.Visibility.INTERNAL)
    make_pledge(world, world.village_a1, "published", title="公开的事项")
    html = board(client, world.village_a1).content.decode()
    assert "公开的事项" in html
    assert "不应公开" not in html
    assert "内部事项不公开" not in html
    notice = client.get(reverse("pledges:public_notice", kwargs={"code": world.village_a1.code})).content.decode()
    assert "公开的事项" in notice
    assert "不应公开" not in notice


def test_the_board_shows_no_personal_data_from_the_records(client, world, household):
    leader = Cadre.objects.get(user=world.county_leader)
    leader.phone = "13912340000"
    leader.save()
    cadre = Cadre.objects.get(user=world.village_cadre)
    pledge = make_pledge(
        world,
        world.village_a1,
        responsible_person=cadre,
        recipients=f"{household.head_name}（{household.id_number}，电话 {household.phone}）",
        progress=[(D(2026, 5, 1), 30, f"已走访{household.head_name}家，电话{household.phone}")],
    )
    pledge_amend(pledge=pledge, user=world.county_leader, field="target", new_value="每周开放四天", reason="群众建议")
    pledge_report_progress(
        pledge=pledge,
        user=world.village_cadre,
        reported_on=D(2026, 5, 20),
        percent=100,
        note=f"为{household.head_name}办结，身份证{household.id_number}",
    )
    for url in (
        reverse("pledges:public_board", kwargs={"code": world.village_a1.code}),
        reverse("pledges:public_notice", kwargs={"code": world.village_a1.code}),
    ):
        html = client.get(url).content.decode()
        assert pledge.title in html
        for secret in (
            household.head_name,
            household.phone,
            household.id_number,
            household.address,
            cadre.name,
            leader.name,
            leader.phone,
            world.county_leader.username,
        ):
            assert secret not in html, f"{secret} leaked on {url}"
        # And nothing that looks like a mobile or an ID number at all.
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", html)


def test_amendments_are_shown_publicly_with_old_new_and_reason(client, world):
    pledge = make_pledge(world, world.village_a1)
    pledge_amend(
        pledge=pledge, user=world.county_leader, field="deadline", new_value=D(NEXT_YEAR, 9, 30), reason="汛期施工困难"
    )
    html = board(client, world.village_a1).content.decode()
    assert "变更办理时限" in html
    assert f"<del>2026-06-30</del> → {NEXT_YEAR}-09-30" in html
    assert "汛期施工困难" in html
    assert f"{NEXT_YEAR}年9月30日" in html


def test_completion_is_shown_with_its_date(client, world):
    make_pledge(world, world.village_a1, progress=[(D(2026, 6, 10), 100, "已开放")])
    html = board(client, world.village_a1).content.decode()
    assert "已于 2026-06-10 完成" in html
    assert "已完成 1 项" in html


def test_a_unit_board_lists_only_its_own_pledges_and_links_children(client, world):
    make_pledge(world, world.town_a1, title="镇级承诺")
    make_pledge(world, world.village_a1, title="村级承诺")
    make_pledge(world, world.village_a2, title="别的镇的村")
    html = board(client, world.town_a1).content.decode()
    assert "镇级承诺" in html
    assert "村级承诺" not in html
    assert reverse("pledges:public_board", kwargs={"code": world.village_a1.code}) in html
    assert "别的镇的村" not in html


def test_the_board_is_cacheable_and_answers_304_until_something_changes(client, world):
    pledge = make_pledge(world, world.village_a1)
    first = board(client, world.village_a1)
    # Stored by anyone, revalidated every time: the ETag keeps that cheap.
    assert set(first["Cache-Control"].replace(" ", "").split(",")) == {"public", "no-cache"}
    # Visitors without cookies share one cached copy; a reader who chose English with the
    # switcher's cookie must not be served (or serve others) the other language's copy.
    assert "Accept-Language" in first["Vary"]
    assert "Cookie" in first["Vary"]
    assert "Set-Cookie" not in first.headers
    etag = first["ETag"]
    assert board(client, world.village_a1, HTTP_IF_NONE_MATCH=etag).status_code == 304
    pledge_report_progress(pledge=pledge, user=world.town_staff, reported_on=D(2026, 6, 1), percent=20, note="开工")
    changed = board(client, world.village_a1, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_board_costs_the_same_few_queries_for_many_pledges(client, world, django_assert_max_num_queries):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert board(client, world.village_a1).status_code == 200
        return len(ctx.captured_queries)

    make_pledge(world, world.village_a1, progress=[(D(2026, 5, 1), 10, "a")])
    few = count_queries()
    for i in range(8):
        pledge = make_pledge(world, world.village_a1, title=f"承诺{i}", progress=[(D(2026, 5, 1), 10, "a")])
        pledge_amend(pledge=pledge, user=world.county_leader, field="content", new_value=f"新{i}", reason="理由")
    many = count_queries()
    assert many == few
    with django_assert_max_num_queries(8):
        board(client, world.village_a1)


def test_the_a4_notice_carries_a_qr_code_of_the_board_address(client, world):
    make_pledge(world, world.village_a1)
    response = client.get(reverse("pledges:public_notice", kwargs={"code": world.village_a1.code}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "size: A4" in html
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="segno"', html)  # scales to the printed size
    board_url = "http://testserver" + reverse("pledges:public_board", kwargs={"code": world.village_a1.code})
    assert board_url in html
    assert "public" in response["Cache-Control"]


def test_the_qr_code_points_at_the_configured_public_address(client, world, settings):
    settings.PUBLIC_BOARD_BASE_URL = "https://minqing.example.gov.cn/"
    html = client.get(reverse("pledges:public_notice", kwargs={"code": world.village_a1.code})).content.decode()
    assert "https://minqing.example.gov.cn/ledgers/board/CA1V1/" in html


def test_the_qr_svg_is_served_by_the_project(client, world):
    response = client.get(reverse("pledges:public_qr", kwargs={"code": world.village_a1.code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert b'xmlns="http://www.w3.org/2000/svg"' in response.content


def test_the_board_is_in_chinese_and_fits_a_phone(client, world):
    make_pledge(world, world.village_a1)
    html = board(client, world.village_a1).content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


def _etag_after(client, unit, etag, url_name="pledges:public_board"):
    url = reverse(url_name, kwargs={"code": unit.code})
    return client.get(url, HTTP_IF_NONE_MATCH=etag)


@pytest.mark.parametrize("url_name", ["pledges:public_board", "pledges:public_notice"])
def test_every_change_on_the_board_changes_its_etag_and_others_do_not(client, world, url_name):
    from pledges.services import pledge_withdraw

    pledge = make_pledge(world, world.village_a1)
    url = reverse(url_name, kwargs={"code": world.village_a1.code})
    first = client.get(url)
    assert set(first["Cache-Control"].replace(" ", "").split(",")) == {"public", "no-cache"}
    etag = first["ETag"]
    assert _etag_after(client, world.village_a1, etag, url_name).status_code == 304

    # Changes elsewhere (another village, a draft of this one) leave the board as it was.
    make_pledge(world, world.village_a2, title="邻村承诺")
    make_pledge(world, world.village_a1, "draft", title="本村草稿")
    assert _etag_after(client, world.village_a1, etag, url_name).status_code == 304

    def changed(step):
        nonlocal etag
        step()
        response = _etag_after(client, world.village_a1, etag, url_name)
        assert response.status_code == 200, step.__name__
        assert response["ETag"] != etag
        etag = response["ETag"]
        assert _etag_after(client, world.village_a1, etag, url_name).status_code == 304

    def progress():
        pledge_report_progress(pledge=pledge, user=world.town_staff, reported_on=D(2026, 6, 1), percent=40, note="开工")

    def amendment():
        pledge_amend(pledge=pledge, user=world.county_leader, field="content", new_value="新内容", reason="调整")

    def another_published():
        make_pledge(world, world.village_a1, title="第二项承诺")

    def withdrawal():
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="并入县级项目")

    for step in (progress, amendment, another_published, withdrawal):
        changed(step)


def test_the_notice_etag_follows_the_printed_board_address(client, world, settings):
    make_pledge(world, world.village_a1)
    url = reverse("pledges:public_notice", kwargs={"code": world.village_a1.code})
    etag = client.get(url)["ETag"]
    settings.PUBLIC_BOARD_BASE_URL = "https://minqing.example.gov.cn/"
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "https://minqing.example.gov.cn/ledgers/board/CA1V1/" in response.content.decode()
