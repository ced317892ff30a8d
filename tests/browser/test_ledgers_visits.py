"""A staff user enters three visits in a row with search-as-you-type, raises a demand from one,
and moves that demand through to closed (销号)."""

import datetime

import pytest
from django.utils import timezone

from ledgers.models import Demand, Visit
from tests.ledgers.conftest import build_ledger

pytestmark = pytest.mark.browser


def enter_visit(page, *, search, name, learned, demand_title=None):
    page.get_by_test_id("household-search").fill(search)
    result = page.get_by_test_id("household-result").filter(has_text=name)
    result.first.click()
    page.get_by_test_id("household-picked").filter(has_text=name).wait_for()
    page.fill("#id_learned", learned)
    if demand_title:
        page.check("#id_raise_demand")
        page.select_option("#id_demand_category", label="土地征用")
        page.fill("#id_demand_title", demand_title)
    page.get_by_test_id("save-and-add").click()
    page.wait_for_load_state("networkidle")
    page.locator(".alert-success").filter(has_text=name).wait_for()


def act(page, action, fields=None, selects=None):
    form = page.get_by_test_id(f"action-{action}")
    for selector, value in (fields or {}).items():
        form.locator(f"[name='{action}-{selector}']").fill(value)
    for selector, value in (selects or {}).items():
        form.locator(f"[name='{action}-{selector}']").select_option(value)
    if action == "close":
        # 销号 is final: the page asks first, and the user confirms.
        page.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.locator(".alert-success").wait_for()


def test_three_visits_in_a_row_and_a_demand_closed(world, page, login, shot):
    ledger = build_ledger(world)
    login(page, "office_admin")
    page.goto("/ledgers/visits/new/")
    shot(page, "ledgers-entry-empty")

    # The first visit: search by name prefix, with the results shown as one types.
    page.get_by_test_id("household-search").fill("王")
    page.get_by_test_id("household-result").first.wait_for()
    shot(page, "ledgers-entry-search")
    enter_visit(page, search="王建国", name="王建国", learned="家中老人身体尚可")
    # The second: a household of the other village, raising a demand inline.
    enter_visit(page, search="王秀", name="王秀英", learned="反映承包地被占", demand_title="承包地补偿未到位")
    # The third: by phone tail.
    enter_visit(page, search="2222", name="王大海", learned="电话回访")
    shot(page, "ledgers-entry-after-three")
    assert page.get_by_test_id("household-search").input_value() == ""
    assert Visit.objects.filter(recorded_by=world.office_admin).count() == 3

    demand = Demand.objects.get(title="承包地补偿未到位")
    assert demand.household == ledger.h_a1b
    page.goto(f"/ledgers/demands/{demand.pk}/")
    shot(page, "ledgers-demand-received")
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    act(
        page,
        "place_on_ledger",
        fields={"deadline": deadline},
        selects={"tier": "township", "responsible_unit": str(world.town_a1.pk)},
    )
    act(page, "progress", fields={"note": "已与国土所对接"})
    act(page, "resolve", fields={"resolution": "补偿款已发放到户"})
    shot(page, "ledgers-demand-resolved")
    act(page, "reply", fields={"reply_text": "您反映的承包地补偿问题已办结，特此答复。"}, selects={"channel": "letter"})
    act(page, "close", fields={"note": "经核实同意销号"})
    assert page.get_by_test_id("demand-status").first.inner_text() == "已销号"
    events = page.get_by_test_id("demand-events").inner_text()
    for label in ("受理", "列入整改台账", "报告进展", "办结", "书面回复", "销号"):
        assert label in events
    shot(page, "ledgers-demand-closed")
    demand.refresh_from_db()
    assert demand.status == Demand.Status.CLOSED


def test_a_cadre_on_a_phone_can_enter_a_visit(world, phone, login, shot):
    build_ledger(world)
    login(phone, "village_cadre")
    phone.goto("/ledgers/visits/new/")
    enter_visit(phone, search="王", name="王建国", learned="入户走访")
    shot(phone, "ledgers-entry-phone")
    # Township A2 is out of this cadre's reach: searching its household finds nothing.
    phone.get_by_test_id("household-search").fill("王大海")
    phone.get_by_test_id("household-results").wait_for()
    assert "没有找到" in phone.get_by_test_id("household-results").inner_text()
