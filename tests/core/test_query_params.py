"""Hand-edited or bookmarked query strings never answer 500: a bad month, date or
id falls back to the default with a message, through the one parser in ``core.params``."""

import datetime

import pytest
from django.urls import reverse

from core.dates import DATE_FLOOR, horizon
from core.params import Month, parse_id, parse_month, this_month
from tests.ledgers.conftest import build_ledger

BAD_MONTHS = ["0001-01", "9999-12", "1999-12", "abc", "2026-13", "2026-00", "-5-1", "10000-01", "２０２６-01", "2026-²"]


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_a_bad_month_is_refused_by_the_parser(value):
    with pytest.raises(ValueError):  # noqa: PT011 - the parser's one refusal
        parse_month(value)


def test_a_month_has_its_bounds_and_neighbours():
    month = parse_month("2024-02")
    assert (month.first, month.last, month.key) == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29), "2024-02")
    assert (str(month.previous), str(month.following)) == ("2024-01", "2024-03")
    assert parse_month("2025-1") == Month(datetime.date(2025, 1, 1))


def test_the_first_and_last_months_in_range_have_no_neighbour_outside_it():
    assert parse_month(f"{DATE_FLOOR:%Y-%m}").previous is None
    last = Month(horizon().replace(day=1))
    assert last.following is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), ("0", None), ("-3", None), ("²", None), ("１２", None), ("x", None), ("", None)]
    + [(str(2**63), None), (str(2**63 - 1), 2**63 - 1), (None, None)],
)
def test_ids_from_the_query_string(value, expected):
    assert parse_id(value) == expected


@pytest.fixture
def staff(world, client_for):
    build_ledger(world)
    return client_for(world.town_staff)


@pytest.mark.parametrize("page", ["ledgers:my_diary", "ledgers:ledger_books", "ledgers:ledger_book_print"])
@pytest.mark.parametrize("value", BAD_MONTHS)
def test_a_bad_month_shows_this_month_with_a_message(staff, page, value):
    response = staff.get(reverse(page), {"month": value})
    assert response.status_code == 200
    if page == "ledgers:ledger_book_print":  # a bare sheet for the printer: it names its period
        assert response.context["first"] == this_month().first
        return
    assert "无效，已改为本月" in response.content.decode()
    assert response.context["month"] == this_month()


@pytest.mark.parametrize("value", ["0001-01", "9999-12", "garbage"])
def test_a_bad_month_in_the_book_export_still_exports_this_month(staff, value):
    response = staff.get(reverse("ledgers:ledger_book_export"), {"month": value})
    assert response.status_code == 200
    assert this_month().key in response["Content-Disposition"]


def test_a_good_month_is_shown_with_links_to_its_neighbours(staff):
    response = staff.get(reverse("ledgers:my_diary"), {"month": "2026-03"})
    html = response.content.decode()
    assert response.context["month"].key == "2026-03"
    assert "?month=2026-02" in html
    assert "?month=2026-04" in html
    assert "无效" not in html


def test_the_first_month_in_range_has_no_link_before_it(staff):
    html = staff.get(reverse("ledgers:ledger_books"), {"month": "2000-01"}).content.decode()
    assert "month=1999-12" not in html
    assert "month=2000-02" in html


@pytest.mark.parametrize("page", ["ledgers:visit_list", "outreach:forum_list", "outreach:reception_list"])
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "x"])
def test_a_bad_date_filter_is_dropped_with_a_message(staff, page, value):
    response = staff.get(reverse(page), {"date_from": value, "date_to": value})
    assert response.status_code == 200
    assert "无效，已改为不限" in response.content.decode()
    assert response.context["filters"]["date_from"] is None


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_audit_page_refuses_dates_out_of_range_as_a_form_error(world, client_for, value):
    response = client_for(world.auditor).get(reverse("core:audit_list"), {"date_from": value, "date_to": value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "日期应在" in errors["date_from"][0]
    assert "date_to" in errors


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("ledgers:visit_entry", {"household": "²"}),
        ("ledgers:demand_list", {"category": "²"}),
        ("pledges:pledge_person_options", {"responsible_unit": "²"}),
        ("pledges:pledge_origin_options", {"origin_kind": "demand", "campaign": "²"}),
        ("outreach:liaison_list", {"campaign": "²"}),
        ("ledgers:demand_list", {"category": "99999999999999999999999"}),
        ("ledgers:visit_entry", {"household": "99999999999999999999999"}),
    ],
)
def test_digit_like_ids_are_ignored_not_crashed_on(world, client_for, page, params):
    build_ledger(world)
    response = client_for(world.office_admin).get(reverse(page), params)
    assert response.status_code == 200


def test_a_digit_like_campaign_on_the_pairing_status_page(world, client_for):
    build_ledger(world)
    url = reverse("outreach:pairing_status", args=[world.town_a1.code])
    assert client_for(world.office_admin).get(url, {"campaign": "²"}).status_code == 200


def test_a_digit_like_unit_in_the_demand_person_options(world, client_for):
    ledger = build_ledger(world)
    url = reverse("ledgers:demand_person_options", args=[ledger.demand.pk])
    response = client_for(world.town_staff).get(url, {"assign-responsible_unit": "²"})
    assert response.status_code == 200
