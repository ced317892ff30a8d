"""One rule per field, the same through the form, the import and the service:
visit dates from year 1, pledge deadlines in 2020 and 9999, and households of 0 or 100000
people were accepted by the forms."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ledgers.models import Visit
from ledgers.services import visit_record, visit_update
from outreach.models import Household, ImportJob
from tests.ledgers.conftest import cadre_of
from tests.outreach.helpers import household_row, valid_id, xlsx_bytes

DAY = datetime.timedelta(days=1)


def _visit_post(ledger, world, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "household": ledger.h_a1.pk,
        "cadre": cadre_of(world.town_staff).pk,
        "visited_on": ledger.today.isoformat(),
        "method": "home",
        "ledger_book": "minqing",
        "campaign": ledger.campaign.pk,
        "learned": "了解情况",
        "help-TOTAL_FORMS": "0",
        "help-INITIAL_FORMS": "0",
        "help-MIN_NUM_FORMS": "0",
        "help-MAX_NUM_FORMS": "8",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- visit dates


@pytest.mark.parametrize(
    ("visited_on", "campaign", "message"),
    [
        ("0001-01-01", "", "走访日期不能早于 2000-01-01。"),
        ("1999-12-31", "", "走访日期不能早于 2000-01-01。"),
        ("9999-12-31", "", "走访日期不能晚于今天。"),
        ("tomorrow", "", "走访日期不能晚于今天。"),
        ("before-campaign", "yes", "走访日期不能早于主题活动“下基层、访妇情、办实事”的开始日期"),
    ],
)
def test_the_visit_form_refuses_dates_outside_the_rule(world, ledger, client_for, visited_on, campaign, message):
    day = {
        "tomorrow": (ledger.today + DAY).isoformat(),
        "before-campaign": (ledger.campaign.start_date - DAY).isoformat(),
    }.get(visited_on, visited_on)
    data = _visit_post(ledger, world, visited_on=day, campaign=ledger.campaign.pk if campaign else "")
    response = client_for(world.town_staff).post(reverse("ledgers:visit_entry"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors["visited_on"][0]
    assert not Visit.objects.filter(learned="了解情况").exists()


def test_the_visit_form_takes_a_date_inside_the_campaign(world, ledger, client_for):
    data = _visit_post(ledger, world, visited_on=ledger.campaign.start_date.isoformat())
    assert client_for(world.town_staff).post(reverse("ledgers:visit_entry"), data).status_code == 302
    assert Visit.objects.filter(learned="了解情况").exists()


def test_the_visit_service_holds_to_the_same_rule(world, ledger):
    common = {
        "actor": world.town_staff,
        "cadre": cadre_of(world.town_staff),
        "household": ledger.h_a1,
        "method": "home",
        "ledger_book": "minqing",
        "learned": "了解情况",
    }
    with pytest.raises(ValidationError, match="走访日期不能早于 2000-01-01"):
        visit_record(visited_on=datetime.date(1, 1, 1), **common)
    with pytest.raises(ValidationError, match="开始日期"):
        visit_record(visited_on=ledger.campaign.start_date - DAY, campaign=ledger.campaign, **common)
    with pytest.raises(ValidationError, match="走访日期不能晚于今天"):
        visit_update(actor=world.town_staff, visit=ledger.visit, fields={"visited_on": datetime.date(9999, 12, 31)})


def test_correcting_a_visit_to_year_one_is_refused_by_the_edit_form(world, ledger, client_for):
    visit = ledger.visit
    response = client_for(world.town_staff).post(
        reverse("ledgers:visit_edit", args=[visit.pk]),
        {
            "member": "",
            "cadre": visit.cadre_id,
            "visited_on": "0001-01-01",
            "method": visit.method,
            "ledger_book": visit.ledger_book,
            "campaign": "",
            "learned": visit.learned,
            "needs": "",
            "loaded_at": visit.updated_at.isoformat(),
            "help-TOTAL_FORMS": "0",
            "help-INITIAL_FORMS": "0",
            "help-MIN_NUM_FORMS": "0",
            "help-MAX_NUM_FORMS": "8",
        },
    )
    assert response.status_code == 200
    assert "走访日期不能早于 2000-01-01。" in response.context["form"].errors["visited_on"]
    visit.refresh_from_db()
    assert visit.visited_on == ledger.today


# ---------------------------------------------------------------- household size


def _household_post(world, members):
    return {
        "village": world.village_a1.pk,
        "number": "0777",
        "head_name": "赵桂英",
        "members_count": members,
        "address": "一组",
        "phone": "13800001111",
        "id_number": valid_id(777),
        "notes": "",
    }


@pytest.mark.parametrize("members", [0, 100, 100000])
def test_the_household_form_and_the_import_refuse_the_same_sizes(world, client_for, members):
    client = client_for(world.town_staff)
    response = client.post(reverse("outreach:household_create"), _household_post(world, members))
    assert response.status_code == 200
    # PostgreSQL's smallint range adds its own message past 32767; ours comes first.
    assert response.context["form"].errors["members_count"][0] == "家庭人口应填写1至99之间的整数。"
    assert not Household.objects.filter(number="0777").exists()

    from django.core.files.uploadedfile import SimpleUploadedFile

    data = xlsx_bytes([household_row("CA1V1", "0778", members=members)])
    client.post(reverse("outreach:import_upload"), {"kind": "households", "file": SimpleUploadedFile("户.xlsx", data)})
    job = ImportJob.objects.order_by("-pk").first()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"row": 2, "column": "家庭人口", "reason": "家庭人口应填写1至99之间的整数。"}]


@pytest.mark.parametrize("members", [1, 99])
def test_the_household_form_takes_one_to_ninety_nine(world, client_for, members):
    response = client_for(world.town_staff).post(reverse("outreach:household_create"), _household_post(world, members))
    assert response.status_code == 302
    assert Household.objects.get(number="0777").members_count == members


def test_the_admin_refuses_a_household_of_100000(world, client_for):
    client = client_for(world.superuser)
    data = {**_household_post(world, 100000), "categories": []}
    response = client.post(reverse("admin:outreach_household_add"), data)
    assert response.status_code == 200
    assert "家庭人口应填写1至99之间的整数。" in response.content.decode()
