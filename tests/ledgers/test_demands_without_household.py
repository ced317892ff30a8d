"""Demands without a household (hotline, walk-in, mailbox, forum, reception day): every page and
every action of their lifecycle works (their page used to answer 500, so none could be
processed)."""

import datetime

import pytest
from django.urls import reverse

from ledgers.models import Demand
from outreach.models import ReceptionDay
from tests.ledgers.conftest import cadre_of

DAY = datetime.timedelta(days=1)


def _raise_standalone(client, world, ledger, *, source, title, phone=""):
    token = client.get(reverse("ledgers:demand_new")).context["form"].initial["token"]
    response = client.post(
        reverse("ledgers:demand_new"),
        {
            "token": token,
            "source": source,
            "unit": world.village_a1.pk,
            "received_on": ledger.today.isoformat(),
            "category": ledger.category.pk,
            "title": title,
            "person_name": "钱五",
            "person_phone": phone,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Demand.objects.get(title=title)


def _raise_from_forum(client, world, ledger, *, title):
    url = reverse("outreach:forum_detail", args=[ledger.forum.pk])
    token = client.get(url).context["form"].initial["token"]
    response = client.post(url, {"token": token, "category": ledger.category.pk, "title": title, "person_name": "孙六"})
    assert response.status_code == 302
    return Demand.objects.get(title=title)


def _raise_from_reception(client, world, ledger, *, title):
    day = ReceptionDay.objects.create(leader=cadre_of(world.town_staff), held_on=ledger.today)
    url = reverse("outreach:reception_detail", args=[day.pk])
    token = client.get(url).context["form"].initial["token"]
    response = client.post(url, {"token": token, "category": ledger.category.pk, "title": title, "person_name": "赵四"})
    assert response.status_code == 302
    return Demand.objects.get(title=title)


RAISERS = {
    "hotline": lambda c, w, lg: _raise_standalone(c, w, lg, source="hotline", title="热线反映", phone="13912345678"),
    "walk_in": lambda c, w, lg: _raise_standalone(c, w, lg, source="walk_in", title="来访反映"),
    "mailbox": lambda c, w, lg: _raise_standalone(c, w, lg, source="mailbox", title="信件反映"),
    "forum": lambda c, w, lg: _raise_from_forum(c, w, lg, title="访谈日反映"),
    "reception": lambda c, w, lg: _raise_from_reception(c, w, lg, title="接待日反映"),
}


def _page_ok(client, demand):
    response = client.get(demand.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("source", sorted(RAISERS))
def test_a_demand_without_household_goes_through_its_whole_lifecycle(world, ledger, client_for, source):
    staff = client_for(world.town_staff)
    demand = RAISERS[source](staff, world, ledger)
    assert demand.household_id is None
    url = lambda action: reverse("ledgers:demand_action", args=[demand.pk, action])  # noqa: E731

    html = _page_ok(staff, demand)
    assert demand.title in html
    options = staff.get(
        reverse("ledgers:demand_person_options", args=[demand.pk]),
        {"place_on_ledger-responsible_unit": world.town_a1.pk},
    )
    assert options.status_code == 200
    steps = [
        (
            "place_on_ledger",
            {
                "tier": "township",
                "deadline": (ledger.today + 10 * DAY).isoformat(),
                "responsible_unit": world.town_a1.pk,
                "responsible_person": cadre_of(world.town_staff).pk,
            },
            Demand.Status.ON_LEDGER,
        ),
        (
            "assign",
            {
                "responsible_unit": world.town_a1.pk,
                "responsible_person": cadre_of(world.town_staff).pk,
                "deadline": (ledger.today + 12 * DAY).isoformat(),
            },
            Demand.Status.ON_LEDGER,
        ),
        ("progress", {"note": "已协调"}, Demand.Status.IN_PROGRESS),
        ("resolve", {"resolution": "已解决"}, Demand.Status.RESOLVED),
        (
            "reply",
            {
                "replied_on": ledger.today.isoformat(),
                "channel": "phone",
                "reply_text": "电话答复",
                "copy_office": "on",
            },
            Demand.Status.REPLIED,
        ),
    ]
    for action, fields, status in steps:
        demand.refresh_from_db()
        data = {f"{action}-{k}": v for k, v in fields.items()}
        data[f"{action}-version"] = demand.version
        response = staff.post(url(action), data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
        demand.refresh_from_db()
        assert demand.status == status, action
        _page_ok(staff, demand)

    office = client_for(world.office_admin)
    response = office.post(url("close"), {"close-version": demand.version})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Demand.Status.CLOSED
    assert "已销号" in _page_ok(office, demand)
    response = office.post(url("reopen"), {"reopen-version": demand.version, "reopen-reason": "群众不满意"})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Demand.Status.IN_PROGRESS
    _page_ok(office, demand)


@pytest.mark.parametrize("source", sorted(RAISERS))
def test_a_demand_without_household_can_be_answered_on_the_spot(world, ledger, client_for, source):
    staff = client_for(world.town_staff)
    demand = RAISERS[source](staff, world, ledger)
    response = staff.post(
        reverse("ledgers:demand_action", args=[demand.pk, "resolve_on_spot"]),
        {"resolve_on_spot-version": demand.version, "resolve_on_spot-resolution": "当场答复"},
    )
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Demand.Status.RESOLVED
    _page_ok(staff, demand)
    # A refused action re-renders the page (the other path into the template).
    response = staff.post(
        reverse("ledgers:demand_action", args=[demand.pk, "reply"]), {"reply-version": demand.version}
    )
    assert response.status_code == 200
    assert "请填写书面回复内容" in response.content.decode()


def test_the_phone_of_a_demand_without_household_is_masked_and_revealed_on_request(world, ledger, client_for):
    staff = client_for(world.town_staff)
    demand = RAISERS["hotline"](staff, world, ledger)
    office = client_for(world.office_admin)
    html = _page_ok(office, demand)
    assert "13912345678" not in html
    assert "139****5678" in html
    revealed = office.post(reverse("ledgers:demand_reveal_phone", args=[demand.pk]))
    assert revealed.status_code == 200
    assert "13912345678" in revealed.content.decode()


def test_a_demand_with_neither_household_nor_phone_shows_no_phone(world, ledger, client_for):
    staff = client_for(world.town_staff)
    demand = RAISERS["walk_in"](staff, world, ledger)
    html = _page_ok(staff, demand)
    assert 'data-testid="demand-phone"' not in html
    assert "钱五" in html


def test_lists_exports_and_the_chase_page_hold_demands_without_household(world, ledger, client_for):
    staff = client_for(world.town_staff)
    for source in ("hotline", "forum", "reception"):
        RAISERS[source](staff, world, ledger)
    for name in ("ledgers:demand_list", "ledgers:demand_export", "ledgers:demand_chase"):
        assert staff.get(reverse(name)).status_code == 200, name
    admin = client_for(world.superuser)
    demand = Demand.objects.get(title="热线反映")
    assert admin.get(reverse("admin:ledgers_demand_change", args=[demand.pk])).status_code == 200
