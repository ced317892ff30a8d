"""Pledge forms sent twice, from two tabs or from a stale page: one record, never a lost edit.

The helpers (reading a page's form, racing posts) are the ones of the ledgers' tests of the same name.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pledges.models import Pledge
from tests.ledgers.test_work_lost_or_doubled import _clients, _race, form_on
from tests.pledges.helpers import category as pledge_category
from tests.pledges.helpers import make_campaign


def _new_pledge_data(client, world, **changes):
    page = client.get(reverse("pledges:pledge_create"))
    typed = {
        "campaign": make_campaign(world).pk,
        "org_unit": world.village_a1.pk,
        "category": pledge_category().pk,
        "title": "甲一村妇女之家修缮",
        "content": "修缮妇女之家活动室，添置图书。",
        "target": "活动室对外开放，每周开放三天。",
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "responsible_unit": world.village_a1.pk,
        "measures": "争取经费；联系施工；组织验收。",
        "audience": "both",
        "visibility": "public",
        "origin_kind": "none",
    }
    typed.update(changes)
    return form_on(page, "measures", **typed)


def test_a_stale_draft_pledge_edit_is_refused(world, client_for):
    mine = client_for(world.town_staff)
    assert mine.post(reverse("pledges:pledge_create"), _new_pledge_data(mine, world)).status_code == 302
    pledge = Pledge.objects.get()
    url = reverse("pledges:pledge_edit", args=[pledge.pk])
    stale = form_on(mine.get(url), "measures", measures="争取经费；妇联出资。")
    other = Client()
    other.force_login(world.office_admin)
    assert other.post(url, form_on(other.get(url), "measures", target="年底前开放。")).status_code == 302
    response = mine.post(url, stale)
    assert response.status_code == 409
    assert "妇联出资" in response.content.decode()
    pledge.refresh_from_db()
    assert (pledge.target, pledge.measures) == ("年底前开放。", "争取经费；联系施工；组织验收。")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_four_concurrent_new_pledge_posts_make_one_draft(world, monkeypatch):
    import pledges.services

    clients = _clients(world.town_staff, 4)
    data = _new_pledge_data(clients[0], world)
    outcomes = _race(
        4, lambda n: clients[n].post(reverse("pledges:pledge_create"), data), monkeypatch, pledges.services
    )
    assert all(getattr(o, "status_code", None) == 302 for o in outcomes), outcomes
    assert Pledge.objects.filter(title="甲一村妇女之家修缮").count() == 1
    assert {o["Location"] for o in outcomes} == {Pledge.objects.get().get_absolute_url()}


def test_a_replayed_progress_report_is_recorded_once(world, client_for):
    from pledges.models import PledgeProgress
    from tests.pledges.helpers import make_pledge

    pledge = make_pledge(world, world.village_a1, state="approved", deadline=timezone.localdate())
    client = client_for(world.office_admin)
    url = reverse("pledges:pledge_progress", args=[pledge.pk])
    data = form_on(client.get(url), "note", percent=100, note="活动室已开放，图书已上架")
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert again["Location"] == pledge.get_absolute_url()
    assert PledgeProgress.objects.filter(pledge=pledge).count() == 1


def test_a_replayed_amendment_is_recorded_once(world, client_for):
    from pledges.models import PledgeAmendment
    from tests.pledges.helpers import make_pledge

    pledge = make_pledge(world, world.village_a1, state="approved", deadline=timezone.localdate())
    client = client_for(world.office_admin)
    url = reverse("pledges:pledge_amend", args=[pledge.pk])
    data = form_on(client.get(url), "reason", field="target", new_text="年底前开放，每周五天", reason="经费提前到位")
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (302, 302)
    assert again["Location"] == pledge.get_absolute_url()
    assert PledgeAmendment.objects.filter(pledge=pledge).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_the_same_new_pledge_sent_from_two_tabs_at_once_makes_one_draft(world, monkeypatch):
    import pledges.services

    clients = _clients(world.town_staff, 2)
    # Two tabs: two forms, two tokens, the same pledge typed in each (the two-minute twin check).
    forms = [_new_pledge_data(clients[n], world) for n in range(2)]
    url = reverse("pledges:pledge_create")
    outcomes = _race(2, lambda n: clients[n].post(url, forms[n]), monkeypatch, pledges.services)
    assert all(getattr(o, "status_code", None) == 302 for o in outcomes), outcomes
    assert Pledge.objects.filter(title="甲一村妇女之家修缮").count() == 1
