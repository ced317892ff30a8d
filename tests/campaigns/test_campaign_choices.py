"""Every form that picks a campaign names it "issuing unit · title" and offers running ones for new work."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.fields import campaign_label
from campaigns.models import Campaign
from tests.factories import build_campaign
from tests.pledges.helpers import make_pledge

D = datetime.date
TITLE = "深入基层、服务群众主题活动"


def _campaign(unit, status=Campaign.Status.ACTIVE, title=TITLE, **fields):
    return build_campaign(unit, title=title, status=status, start=D(2026, 3, 1), end=D(2026, 11, 30), **fields)


@pytest.fixture
def plans(world):
    city = _campaign(world.city)
    return {
        "city": city,
        "county_a": _campaign(world.county_a, parent=city),
        "county_b": _campaign(world.county_b, parent=city),
        "draft": _campaign(world.county_a, status=Campaign.Status.DRAFT, title="筹备中的活动"),
        "closed": _campaign(world.county_a, status=Campaign.Status.CLOSED, title="去年的活动"),
    }


def _options(html, name="campaign"):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, f"no {name} select"
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select.group(0))


def test_the_label_names_the_issuing_unit_and_drafts(plans):
    assert campaign_label(plans["county_a"]) == f"甲县 · {TITLE}"
    assert campaign_label(plans["draft"]) == "甲县 · 筹备中的活动（草稿）"
    assert campaign_label(plans["closed"]) == "甲县 · 去年的活动（已结束）"


@pytest.mark.parametrize(
    "url_name",
    ["pledges:pledge_create", "ledgers:visit_entry", "outreach:forum_new", "outreach:reception_new"],
)
def test_ledger_forms_offer_running_campaigns_by_issuing_unit(client_for, world, plans, url_name):
    html = client_for(world.office_admin).get(reverse(url_name)).content.decode()
    options = _options(html)
    assert f"测试市 · {TITLE}" in options
    assert f"甲县 · {TITLE}" in options
    assert f"乙县 · {TITLE}" in options
    assert not [o for o in options if "筹备中" in o or "去年" in o]


def test_outreach_forms_offer_running_campaigns_by_issuing_unit(client_for, world, plans):
    client = client_for(world.office_admin)
    for url in (reverse("outreach:import_upload"), reverse("outreach:pairing_bulk")):
        options = _options(client.get(url).content.decode())
        assert f"乙县 · {TITLE}" in options, url
        assert not [o for o in options if "筹备中" in o or "去年" in o], url
    # The pairing list filters old work too: every plan, labelled.
    options = _options(client.get(reverse("outreach:pairing_list")).content.decode())
    assert "甲县 · 去年的活动（已结束）" in options


def test_a_sibling_countys_plan_is_not_offered(client_for, world, plans):
    options = _options(client_for(world.town_staff).get(reverse("pledges:pledge_create")).content.decode())
    assert f"乙县 · {TITLE}" not in options
    assert f"甲县 · {TITLE}" in options


def test_editing_keeps_a_closed_campaign_as_a_choice(client_for, world, plans):
    pledge = make_pledge(world, world.village_a1, state="draft", campaign=plans["closed"])
    html = client_for(world.office_admin).get(reverse("pledges:pledge_edit", args=[pledge.pk])).content.decode()
    assert "甲县 · 去年的活动（已结束）" in _options(html)
    assert "甲县 · 筹备中的活动（草稿）" not in _options(html)


def test_the_ledger_filter_and_three_checks_list_every_plan_labelled(client_for, world, plans):
    client = client_for(world.office_admin)
    options = _options(client.get(reverse("pledges:pledge_list")).content.decode())
    assert "甲县 · 筹备中的活动（草稿）" in options
    assert f"乙县 · {TITLE}" in options
    options = _options(client.get(reverse("evaluations:three_checks")).content.decode())
    assert "甲县 · 去年的活动（已结束）" in options
    assert f"乙县 · {TITLE}" in options


def test_labels_cost_no_query_per_campaign(client_for, world, plans):
    client = client_for(world.office_admin)
    url = reverse("pledges:pledge_create")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for unit in (world.town_a1, world.town_a2, world.town_b1, world.village_a1):
        _campaign(unit, parent=plans["city"])
    assert count() == few
