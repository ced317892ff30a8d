"""Households and pairings in a real browser: bulk assignment, the import preview, revealing a number."""

import pytest

from core.models import AuditEvent
from outreach.models import Household, ImportJob, Pairing
from tests.outreach.conftest import household_categories  # noqa: F401  (autouse: the shipped categories)
from tests.outreach.helpers import (
    PHONE,
    bad_check_digit_id,
    campaign_for,
    category,
    household_in,
    household_row,
    xlsx_bytes,
)

# serialized_rollback: the live server flushes tables; this restores the migrations' data after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def must_visit(world):
    campaign_for(world)
    households = []
    for n, name in enumerate(["王秀英", "李桂兰", "张玉珍", "刘凤英"], start=1):
        h = household_in(world.village_a1, f"{n:04d}", head_name=name)
        h.categories.add(category("liushou_jiating"))
        households.append(h)
    household_in(world.village_a2, "0001", head_name="外镇户").categories.add(category("liushou_jiating"))
    return households


def test_bulk_assignment_filters_ticks_confirms_and_pairs(page, login, shot, world, must_visit):
    login(page, "town_staff")
    page.goto("/outreach/pairings/bulk/")
    page.select_option("select[name=village]", label="甲一村（CA1V1）")
    page.select_option("select[name=category]", label="留守家庭")
    page.click("[data-testid=bulk-filter] button")
    page.wait_for_load_state("networkidle")
    rows = page.locator("input[name=households]")
    assert rows.count() == 4
    assert "外镇户" not in page.content()
    page.check(f"#hh-{must_visit[0].pk}")
    page.check(f"#hh-{must_visit[2].pk}")
    page.select_option("select[name=cadre]", label="village_cadre · 甲一村")
    page.fill("input[name=start_date]", "2026-04-10")
    shot(page, "outreach-bulk-1-filtered")
    page.click("button[name=step][value=preview]")
    page.wait_for_load_state("networkidle")
    assert "将为干部 village_cadre 结对 2 户" in page.locator("[data-testid=bulk-confirm]").inner_text()
    assert not Pairing.objects.exists()
    shot(page, "outreach-bulk-2-confirm")
    page.click("button[name=step][value=confirm]")
    page.wait_for_load_state("networkidle")
    assert "新建 2 个结对" in page.content()
    shot(page, "outreach-bulk-3-done")
    assert set(Pairing.objects.values_list("household__head_name", flat=True)) == {"王秀英", "张玉珍"}


def test_import_preview_lists_every_bad_row_then_a_good_file_imports(page, login, shot, world, tmp_path):
    bad = tmp_path / "农户名册-有错误.xlsx"
    bad.write_bytes(
        xlsx_bytes(
            [
                household_row("CA1V1", "0001"),
                household_row("CA1V1", "0002", id_number=bad_check_digit_id(2)),
                household_row("NOPE99", "0003"),
                household_row("CA2V1", "0004"),
                household_row("CA1V1", "0001", head="重复户"),
            ]
        )
    )
    good = tmp_path / "农户名册.xlsx"
    good.write_bytes(xlsx_bytes([household_row("CA1V1", f"{n:04d}") for n in range(1, 6)]))
    login(page, "town_staff")
    page.goto("/outreach/imports/")
    shot(page, "outreach-import-1-upload")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form input[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.locator("[data-testid=import-errors] tbody tr")
    assert errors.count() == 4
    text = page.locator("[data-testid=import-errors]").inner_text()
    for reason in ("校验位错误", "NOPE99", "不在您的管辖范围内", "重复"):
        assert reason in text
    assert page.locator("[data-testid=import-confirm]").count() == 0
    shot(page, "outreach-import-2-errors")
    assert not Household.objects.exists()

    page.goto("/outreach/imports/")
    page.set_input_files("input[type=file]", str(good))
    page.click("form input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "全部 5 行检查通过" in page.locator("[data-testid=import-valid]").inner_text()
    shot(page, "outreach-import-3-valid")
    page.click("[data-testid=import-confirm]")
    page.wait_for_load_state("networkidle")
    assert "导入完成：新增 5 条" in page.content()
    shot(page, "outreach-import-4-done")
    assert Household.objects.count() == 5
    assert ImportJob.objects.filter(status="done").count() == 1


def test_permitted_staff_reveal_one_number_with_htmx_and_it_is_audited(page, login, shot, world, must_visit):
    household = must_visit[0]
    login(page, "office_admin")
    page.goto(f"/outreach/households/{household.pk}/")
    assert PHONE not in page.content()
    page.click("[data-testid=reveal-phone]")
    page.wait_for_selector("[data-testid=revealed]")
    assert page.locator("#phone-value").inner_text().strip() == PHONE
    shot(page, "outreach-household-revealed")
    assert AuditEvent.objects.filter(action="outreach.household_reveal", object_id=str(household.pk)).exists()


def test_the_register_reads_on_a_phone(phone, login, shot, world, must_visit):
    login(phone, "town_staff")
    phone.goto("/outreach/households/")
    assert "王秀英" in phone.content()
    assert PHONE not in phone.content()
    shot(phone, "outreach-households-phone")
    phone.goto(f"/outreach/pairings/status/{world.town_a1.code}/")
    shot(phone, "outreach-status-phone")
