"""One rule for a pledge's deadline (pledges.validators.validate_pledge_deadline), held by the
form, the services and the amendment form: not in the past when set, not past ten years."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import Pledge, PledgeCategory
from pledges.services import PledgeError, pledge_amend, pledge_create, pledge_update
from tests.ledgers.conftest import build_ledger
from tests.pledges.helpers import make_pledge, pledge_fields

DAY = datetime.timedelta(days=1)


@pytest.fixture
def ledger(world):
    return build_ledger(world)


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
        reverse("pledges:pledge_create"), _pledge_post(world, ledger.campaign, deadline)
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
        assert client.post(reverse("pledges:pledge_create"), data).status_code == 302


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
        reverse("pledges:pledge_amend", kwargs={"pk": pledge.pk}),
        {"field": "deadline", "new_deadline": "9999-12-31", "reason": "延期"},
    )
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert pledge.deadline == datetime.date(2026, 6, 30)
