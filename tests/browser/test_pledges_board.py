"""A pledge's journey: staff draft it, a leader approves and publishes it, the public reads it."""

import re

import pytest

from pledges.models import Pledge
from tests.pledges.helpers import category, make_campaign

pytestmark = pytest.mark.browser


def _logout(page):
    page.get_by_test_id("current-user").click()  # the user menu holds 退出
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")


def test_staff_create_leader_approves_and_the_public_board_shows_progress(world, page, login, shot):
    campaign = make_campaign(world)
    cat = category("coordination")

    login(page, "town_staff")
    page.goto("/ledgers/pledges/new/")
    page.select_option("#id_campaign", str(campaign.pk))
    page.select_option("#id_org_unit", str(world.village_a1.pk))
    page.select_option("#id_category", str(cat.pk))
    page.fill("#id_title", "甲一村妇女儿童之家修缮")
    page.fill("#id_content", "修缮村妇女儿童之家活动室，添置图书和桌椅。")
    page.fill("#id_target", "活动室对外开放，每周开放不少于三天。")
    page.fill("#id_deadline", "2026-12-31")
    # htmx reloads the responsible-person list with the cadres of the chosen unit.
    with page.expect_response(lambda r: "/ledgers/pledges/person-options/" in r.url):
        page.select_option("#id_responsible_unit", str(world.village_a1.pk))
    # Swapped in: only village A1's cadre is left (town A1's staff member was offered before).
    page.wait_for_function("document.querySelectorAll('#id_responsible_person option').length === 2")
    page.select_option("#id_responsible_person", str(world.village_cadre.cadre.pk))
    page.fill("#id_measures", "争取镇上经费；联系施工队；村妇联验收。")
    page.fill("#id_recipients", "王秀兰等 12 户")
    shot(page, "pledge-form-town-staff")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "承诺事项已保存为草稿" in page.content()
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_load_state("networkidle")
    assert "已提交审批" in page.content()
    # Staff cannot approve their own pledge.
    assert page.get_by_role("button", name="审批通过").count() == 0
    pledge = Pledge.objects.get(title="甲一村妇女儿童之家修缮")
    assert pledge.responsible_person == world.village_cadre.cadre
    _logout(page)

    login(page, "county_leader")
    page.goto(f"/ledgers/pledges/{pledge.pk}/")
    shot(page, "pledge-detail-leader-before-approval")
    page.get_by_role("button", name="审批通过").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="公开").click()
    page.wait_for_load_state("networkidle")
    assert "已公开" in page.content()
    page.get_by_role("link", name="填报进展").click()
    page.fill("#id_percent", "60")
    page.fill("#id_note", "主体修缮完成，正在添置图书。")
    page.get_by_role("button", name="提交进展").click()
    page.wait_for_load_state("networkidle")
    assert "进展已填报" in page.content()
    shot(page, "pledge-detail-after-progress")
    page.goto("/ledgers/pledges/")
    shot(page, "pledge-ledger-county-leader")
    _logout(page)

    # The public: no login.
    page.goto(f"/ledgers/board/{world.village_a1.code}/")
    card = page.get_by_test_id("board-pledge")
    assert card.count() == 1
    text = card.inner_text()
    assert "甲一村妇女儿童之家修缮" in text
    assert "60%" in text
    assert "王秀兰" not in page.content()
    assert page.locator('[role=progressbar][aria-valuenow="60"]').count() == 1
    shot(page, "public-board")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the board must not scroll sideways on a phone"
    shot(page, "public-board-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/ledgers/board/{world.village_a1.code}/notice/")
    qr = page.get_by_test_id("notice-qr").locator("svg")
    assert qr.is_visible()
    # Scaled, not cropped: the whole code (with its quiet zone) is drawn inside the box.
    assert qr.get_attribute("viewBox") is not None
    box = qr.bounding_box()
    assert abs(box["width"] - box["height"]) < 2
    assert box["width"] > 100
    assert box["height"] > 100
    assert re.search(r"/ledgers/board/CA1V1/", page.get_by_test_id("notice-qr").inner_text())
    shot(page, "public-notice-a4")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_a_leader_reads_the_three_checks_review_on_a_phone(world, page, login, shot):
    import datetime

    from tests.pledges.helpers import make_pledge

    D = datetime.date
    campaign = make_campaign(world)
    make_pledge(world, world.village_a1, title="已完成的事项", progress=[(D(2026, 5, 1), 100, "完成")])
    make_pledge(world, world.village_a1, title="停滞的事项", progress=[(D(2026, 5, 1), 30, "启动")])
    make_pledge(world, world.village_a2, title="未启动的事项", progress=[(D(2026, 5, 1), 0, "资金未到位")])
    login(page, "county_leader")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/evaluations/three-checks/?campaign={campaign.pk}&unit={world.county_a.code}&days=30")
    assert page.get_by_test_id("count-completed").inner_text() == "1"
    assert page.get_by_test_id("count-in-progress").inner_text() == "1"
    assert page.get_by_test_id("count-not-started").inner_text() == "1"
    assert "资金未到位" in page.content()
    shot(page, "three-checks-phone")
