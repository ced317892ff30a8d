"""One rule per field, the same through the form, the import and the service:
visit dates from year 1, pledge deadlines in 2020 and 9999, and households of 0 or 100000
people were accepted by the forms."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ledgers.models import Pledge, PledgeCategory, Visit
from ledgers.pledge_services import PledgeError, pledge_amend, pledge_create, pledge_update
from ledgers.services import visit_record, visit_update
from outreach.models import Household, ImportJob
from tests.ledgers.conftest import cadre_of
from tests.outreach.helpers import household_row, valid_id, xlsx_bytes
from tests.pledges.helpers import make_pledge, pledge_fields

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


# ---------------------------------------------------------------- pledge deadlines


def _pledge_post(world, campaign, deadline):
    return {
        "campaign": campaign.pk,
        "org_unit": world.village_a1.pk,
        "category": PledgeCategory.objects.get_or_create(code="other", defaults={"name": "其他"})[0].pk,
        "title": "修缮妇女之家",
        "content": "修缮活动室",
        "target": "对外开放",
        "deadline": deadline,
        "responsible_unit": world.village_a1.pk,
        "measures": "争取经费",
        "audience": "both",
        "visibility": "public",
        "origin_kind": "none",
    }


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ("2020-06-30", "办理时限不能早于今天。"),
        ("yesterday", "办理时限不能早于今天。"),
        ("9999-12-31", "办理时限不能晚于"),
        ("eleven-years", "办理时限不能晚于"),
    ],
)
def test_the_pledge_form_refuses_deadlines_in_the_past_or_absurdly_far(world, ledger, client_for, deadline, message):
    today = timezone.localdate()
    deadline = {
        "yesterday": (today - DAY).isoformat(),
        "eleven-years": today.replace(year=today.year + 11, day=1).isoformat(),
    }.get(deadline, deadline)
    response = client_for(world.town_staff).post(
        reverse("ledgers:pledge_create"), _pledge_post(world, ledger.campaign, deadline)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["deadline"][0]
    assert not Pledge.objects.filter(title="修缮妇女之家").exists()


def test_the_pledge_form_takes_today_and_next_year(world, ledger, client_for):
    client = client_for(world.town_staff)
    today = timezone.localdate()
    for deadline in (today, today.replace(year=today.year + 1, day=1)):
        data = _pledge_post(world, ledger.campaign, deadline.isoformat())
        data["title"] = f"承诺{deadline}"
        assert client.post(reverse("ledgers:pledge_create"), data).status_code == 302


def test_the_pledge_services_hold_to_the_same_rule(world):
    with pytest.raises(PledgeError, match="办理时限不能早于今天"):
        pledge_create(
            user=world.superuser, fields=pledge_fields(world, world.village_a1, deadline=datetime.date(2020, 6, 30))
        )
    with pytest.raises(PledgeError, match="办理时限不能晚于"):
        pledge_create(
            user=world.superuser, fields=pledge_fields(world, world.village_a1, deadline=datetime.date(9999, 12, 31))
        )
    draft = make_pledge(world, world.village_a1, "draft")  # filed in January (tests.pledges.helpers)
    with pytest.raises(PledgeError, match="办理时限不能晚于"):
        pledge_update(pledge=draft, user=world.superuser, fields={"deadline": datetime.date(9999, 1, 1)})
    pledge_update(pledge=draft, user=world.superuser, fields={"title": "改个标题"})  # its old deadline stays
    published = make_pledge(world, world.village_a2, "published")
    for bad in (datetime.date(2020, 1, 1), datetime.date(9999, 1, 1)):
        with pytest.raises(PledgeError):
            pledge_amend(pledge=published, user=world.superuser, field="deadline", new_value=bad, reason="延期")


def test_the_amendment_form_refuses_a_deadline_in_9999(world, client_for):
    pledge = make_pledge(world, world.village_a1)
    response = client_for(world.county_leader).post(
        reverse("ledgers:pledge_amend", kwargs={"pk": pledge.pk}),
        {"field": "deadline", "new_deadline": "9999-12-31", "reason": "延期"},
    )
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.deadline == datetime.date(2026, 6, 30)


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
