"""The bell and the inbox in Chromium: unread count on every page, mark read with htmx, phone layout."""

import pytest

from reminders.models import Reminder
from tests.reminders.helpers import make_message

pytestmark = pytest.mark.browser


def test_staff_reads_reminders_from_the_bell_and_the_inbox(world, page, login, shot):
    first = make_message(
        world.town_staff, title="提前 1 天：环节“建立办实事台帐”应于 2026-05-15 前完成", unit=world.town_a1
    )
    make_message(world.town_staff, title="【逾期督办】报告“两个月工作汇报”应于 2026-05-15 前报送", unit=world.town_a1)
    Reminder.objects.filter(pk=first.reminder_id).update(body="工作环节 · 截止日期 2026-05-15 · 责任单位 甲一镇")
    make_message(world.sibling_town_staff, title="别人的提醒")
    login(page, "town_staff")
    page.goto("/campaigns/units/")
    assert page.get_by_test_id("reminder-unread").inner_text() == "2"
    page.get_by_test_id("reminder-bell").click()
    page.wait_for_url("**/reminders/")
    assert page.get_by_test_id("message").count() == 2
    assert "别人的提醒" not in page.content()
    shot(page, "reminders-inbox")

    page.get_by_test_id("mark-read").first.click()
    page.wait_for_function("document.querySelector('[data-testid=reminder-unread]')?.innerText === '1'")
    assert page.get_by_test_id("mark-read").count() == 1

    page.get_by_test_id("mark-all-read").click()
    page.wait_for_function("!document.querySelector('[data-testid=reminder-unread]')")
    assert page.get_by_test_id("mark-read").count() == 0
    shot(page, "reminders-inbox-all-read")

    page.get_by_text("建立办实事台帐").click()
    assert "责任单位 甲一镇" in page.get_by_test_id("message-body").inner_text()
    shot(page, "reminders-message")


def test_the_inbox_on_a_phone(world, phone, login, shot):
    for i in range(3):
        make_message(
            world.village_cadre, title=f"提前 7 天：环节“第{i + 1}项工作”应于 2026-05-15 前完成，请按时填报完成情况"
        )
    login(phone, "village_cadre")
    phone.goto("/reminders/")
    assert phone.get_by_test_id("reminder-bell").is_visible()
    assert phone.get_by_test_id("reminder-unread").inner_text() == "3"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the inbox scrolls sideways on a phone ({width}px)"
    shot(phone, "reminders-inbox-phone")
    phone.goto("/reminders/preferences/")
    phone.get_by_label("短信").check()
    phone.get_by_role("button", name="保存").click()
    assert "提醒设置已保存" in phone.content()
    shot(phone, "reminders-preferences-phone")


def test_the_office_sees_failed_deliveries_and_sends_one_again(world, page, login, shot):
    title = "提前 1 天：环节“召开动员会议”应于 2026-05-15 前完成"
    failed = make_message(world.town_staff, title=title, unit=world.town_a1, channel="sms", status="failed")
    failed.attempts = 5
    failed.last_error = "provider timeout"
    failed.save()
    login(page, "office_admin")
    page.goto("/reminders/failures/")
    table = page.get_by_test_id("failure-table").inner_text()
    assert "召开动员会议" in table
    assert "provider timeout" in table
    shot(page, "reminders-failures")
    page.get_by_role("button", name="重新发送").click()
    assert "已安排重新发送" in page.content()
    assert "召开动员会议" not in page.get_by_test_id("failure-table").inner_text()
