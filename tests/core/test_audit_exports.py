"""Every export and download records who, what, the filter it was asked with and how many rows.

One helper (core.audit.audit_export) writes them all; these drive each download over HTTP.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from org.models import Cadre
from tests.ledgers.conftest import build_ledger
from tests.pledges.helpers import make_campaign, make_pledge


def _only_export(action):
    event = AuditEvent.objects.get(action=action)
    assert event.detail["rows"] >= 0
    return event


@pytest.fixture
def ledger(world):
    return build_ledger(world)


def test_household_pairing_and_cadre_exports_record_filter_and_rows(world, ledger, client_for):
    client = client_for(world.town_staff)
    response = client.get(reverse("outreach:household_list"), {"export": "xlsx", "village": world.village_a1.pk})
    assert response.status_code == 200
    event = _only_export("outreach.export")
    assert event.actor == world.town_staff
    assert event.detail["filters"] == {"village": str(world.village_a1.pk)}
    assert event.detail["rows"] == 1  # 王建国; 甲一二村's household is filtered out
    assert event.detail["what"] == "HouseholdResource"

    client.get(reverse("outreach:pairing_list"), {"export": "xlsx", "active": "1"})
    client_for(world.office_admin).get(reverse("outreach:cadre_export"))
    pairing, cadres = AuditEvent.objects.filter(action__startswith="outreach.export").order_by("id")[1:]
    assert (pairing.detail["what"], pairing.detail["filters"], pairing.detail["rows"]) == (
        "PairingResource",
        {"active": "1"},
        0,
    )
    assert cadres.action == "outreach.export_personal"  # the office admin's export holds full numbers
    assert cadres.detail["rows"] == Cadre.objects.count()
    assert cadres.detail["personal_data"] is True


def test_the_audit_page_shows_an_exports_rows_and_filter(world, ledger, client_for):
    client_for(world.town_staff).get(reverse("ledgers:demand_export"), {"status": "received"})
    page = client_for(world.auditor).get(reverse("core:audit_list")).content.decode()
    assert "导出整改台账" in page
    assert "1 行 · 筛选：status=received" in page  # the town's one received demand


def test_a_ledger_book_export_is_recorded(world, ledger, client_for):
    month = timezone.localdate().strftime("%Y-%m")
    response = client_for(world.town_staff).get(
        reverse("ledgers:ledger_book_export"), {"book": "minqing", "month": month}
    )
    assert response.status_code == 200
    event = _only_export("ledgers.visit_export")
    assert (event.actor, event.unit) == (world.town_staff, world.town_a1)
    assert event.detail["filters"] == {"book": "minqing", "month": month}
    assert event.detail["rows"] == 1  # the town's own visit, not the sibling town's


def test_a_demand_ledger_export_is_recorded(world, ledger, client_for):
    response = client_for(world.county_leader).get(reverse("ledgers:demand_export"), {"unit": world.town_a2.code})
    assert response.status_code == 200
    event = _only_export("ledgers.demand_export")
    assert event.unit == world.town_a2
    assert event.detail["filters"] == {"unit": world.town_a2.code}
    assert event.detail["rows"] == 1


def test_a_pledge_ledger_export_is_recorded(world, client_for):
    make_pledge(world, world.village_a1, title="已公开")
    make_pledge(world, world.village_a1, title="草稿", state="draft")
    response = client_for(world.town_staff).get(reverse("pledges:pledge_export"), {"approval_state": "draft"})
    assert response.status_code == 200
    event = _only_export("ledgers.pledge_export")
    assert event.detail["filters"] == {"approval_state": "draft"}
    assert event.detail["rows"] == 1


def test_a_three_checks_export_is_recorded(world, client_for):
    campaign = make_campaign(world)
    make_pledge(world, world.village_a1)
    make_pledge(world, world.village_a2)
    params = {"campaign": campaign.pk, "unit": world.town_a1.code, "days": 30}
    with time_machine.travel(datetime.datetime(2026, 7, 10, 1, tzinfo=datetime.UTC), tick=False):
        response = client_for(world.county_leader).get(reverse("evaluations:three_checks_export"), params)
    assert response.status_code == 200
    event = _only_export("evaluations.three_checks_export")
    assert event.unit == world.town_a1
    assert event.detail["filters"] == {key: str(value) for key, value in params.items()}
    assert event.detail["rows"] == 1


def test_downloading_an_imports_error_rows_is_recorded(world, client_for):
    from outreach.models import ImportJob

    job = ImportJob.objects.create(
        kind="households",
        status=ImportJob.Status.INVALID,
        unit=world.town_a1,
        uploaded_by=world.town_staff,
        original_name="households.xlsx",
        errors=[{"row": 3, "column": "身份证号", "reason": "格式不对"}],
        error_count=1,
    )
    response = client_for(world.town_staff).get(reverse("outreach:import_errors", args=[job.pk]))
    assert response.status_code == 200
    assert _only_export("outreach.import_errors_export").detail["rows"] == 1


def test_the_back_offices_plan_export_is_recorded(world, client_for):
    from campaigns.models import Milestone

    campaign = make_campaign(world)
    Milestone.objects.create(campaign=campaign, number=1, name="动员部署会", due_date=datetime.date(2026, 3, 15))
    client = client_for(world.office_admin)
    url = reverse("admin:campaigns_milestone_export")
    fields = ["campaign", "number", "name", "due_date"]
    data = {"format": "0", "resource": "0", **{f"milestoneresource_{name}": "on" for name in fields}}
    response = client.post(url + f"?campaign={campaign.pk}", data)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    event = _only_export("campaigns.plan_export")
    assert event.detail["what"] == "milestone"
    assert event.detail["filters"] == {"campaign": str(campaign.pk)}
    assert event.detail["rows"] == 1
