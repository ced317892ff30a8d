"""Forums (群众访谈日) and reception days (接待日): their rules, pages, back office and query budgets.

The objects come from tests/ledgers/conftest.build_ledger (the world's campaign, households,
forums and reception days), as the URL matrix uses them; the demands raised on these pages are
ledgers' panel on them (ledgers.forum_demands).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Requirement
from core.models import AuditEvent
from ledgers import demand_flow
from ledgers.models import Demand
from outreach.forum_rules import forum_rules_for, forum_warnings
from outreach.models import Forum, ReceptionDay
from tests.ledgers.conftest import build_ledger, cadre_of

DAY = datetime.timedelta(days=1)


@pytest.fixture
def ledger(world):
    return build_ledger(world)


@pytest.mark.parametrize(("name", "params"), [("outreach:forum_list", {}), ("outreach:reception_list", {})])
def test_list_pages_stay_within_a_query_budget_that_does_not_grow(
    world, ledger, client_for, django_assert_max_num_queries, name, params
):
    client = client_for(world.town_staff)
    ReceptionDay.objects.create(leader=cadre_of(world.town_staff), held_on=ledger.today)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(name), params).status_code == 200
    Forum.objects.bulk_create(
        [Forum(village=world.village_a1, held_at=timezone.now(), place=f"会场{i}", attendance=i) for i in range(8)]
    )
    ReceptionDay.objects.bulk_create(
        [ReceptionDay(leader=cadre_of(world.town_staff), held_on=ledger.today) for _ in range(8)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name), params).status_code == 200


def test_the_forum_page_stays_within_a_query_budget(world, ledger, client_for, django_assert_max_num_queries):
    client = client_for(world.town_staff)
    for i in range(5):
        demand_flow.demand_raise(
            actor=world.town_staff,
            unit=world.village_a1,
            category=ledger.category,
            title=f"访谈{i}",
            forum=ledger.forum,
        )
    with django_assert_max_num_queries(20):
        assert client.get(reverse("outreach:forum_detail", args=[ledger.forum.pk])).status_code == 200


def test_forum_warns_when_notice_is_late_or_attendance_low_with_the_plan_figures(world, ledger):
    forum = Forum.objects.create(
        village=world.village_a1,
        campaign=ledger.campaign,
        held_at=timezone.now() - DAY,
        place="村委会",
        notice_posted_on=timezone.localdate() - 3 * DAY,
        attendance=25,
    )
    rules = forum_rules_for(ledger.campaign)
    assert (rules.notice_days, rules.min_attendance, rules.from_requirement) == (5, 30, False)
    assert "走进群众" in rules.notes[0]
    warnings = forum_warnings(forum, rules)
    assert any("少于要求的5天" in w for w in warnings)
    assert any("少于要求的30人" in w for w in warnings)
    assert forum_warnings(ledger.forum, rules) == []


def test_forum_without_notice_date_warns(world, ledger):
    assert "未登记预告张贴日期" in forum_warnings(ledger.forum_a2, forum_rules_for(None))[0]


def test_forum_rules_come_from_the_campaigns_requirements_when_there_are_some(world, ledger):
    Requirement.objects.create(
        campaign=ledger.campaign,
        kind="forum_rules",
        title="群众访谈日规则",
        params={"notice_days": 7, "min_attendance": 50},
    )
    rules = forum_rules_for(ledger.campaign)
    assert (rules.notice_days, rules.min_attendance, rules.from_requirement) == (7, 50, True)


def test_forum_page_shows_warnings_and_turns_topics_into_demands(world, ledger, client_for):
    client = client_for(world.town_staff)
    forum = Forum.objects.create(village=world.village_a1, held_at=timezone.now() - DAY, place="村委会", attendance=5)
    url = reverse("outreach:forum_detail", args=[forum.pk])
    html = client.get(url).content.decode()
    assert "参加人数5人，少于要求的30人" in html
    token = client.get(url).context["form"].initial["token"]
    data = {"token": token, "category": ledger.category.pk, "title": "修路", "household_number": "0001"}
    client.post(url, data)
    client.post(url, data)
    demand = Demand.objects.get(title="修路")
    assert (demand.source, demand.forum, demand.household, demand.unit) == (
        "forum",
        forum,
        ledger.h_a1,
        world.village_a1,
    )


def test_creating_a_forum_validates_in_chinese(world, ledger, client_for):
    client = client_for(world.town_staff)
    response = client.post(
        reverse("outreach:forum_new"),
        {
            "village": world.village_a1.pk,
            "title": "群众访谈日",
            "held_at": "2026-11-01T15:00",
            "place": "",
            "notice_posted_on": "2026-11-05",
            "attendance": 30,
        },
    )
    errors = response.context["form"].errors
    assert errors["place"] == ["请填写地点。"]
    assert errors["notice_posted_on"] == ["预告张贴日期不能晚于访谈日。"]
    response = client.post(
        reverse("outreach:forum_new"),
        {
            "village": world.village_a2.pk,
            "title": "群众访谈日",
            "held_at": "2026-11-01T15:00",
            "place": "村委会",
            "attendance": 30,
        },
    )
    assert "village" in response.context["form"].errors  # another township's village is not a choice


def test_recording_a_reception_day_and_its_visitors_demands(world, ledger, client_for):
    client = client_for(world.office_admin)
    leader = cadre_of(world.county_leader)
    response = client.post(
        reverse("outreach:reception_new"),
        {
            "leader": leader.pk,
            "held_on": ledger.today.isoformat(),
            "channel": "hotline",
            "place": "12338",
            "visitors_count": 4,
        },
    )
    day = ReceptionDay.objects.get(place="12338")
    assert response["Location"] == reverse("outreach:reception_detail", args=[day.pk])
    url = reverse("outreach:reception_detail", args=[day.pk])
    token = client.get(url).context["form"].initial["token"]
    client.post(url, {"token": token, "category": ledger.category.pk, "title": "反映工资拖欠", "person_name": "赵四"})
    demand = Demand.objects.get(title="反映工资拖欠")
    assert (demand.source, demand.reception_day, demand.unit) == ("hotline", day, world.county_a)


def test_forums_and_reception_days_saved_in_the_admin_go_through_the_services(world, ledger, client_for):
    client = client_for(world.office_admin)
    response = client.post(
        reverse("admin:outreach_forum_add"),
        {
            "village": world.village_a1.pk,
            "campaign": ledger.campaign.pk,
            "title": "群众访谈日",
            "held_at_0": ledger.today.isoformat(),
            "held_at_1": "09:00",
            "place": "村委会",
            "leading_cadres": [cadre_of(world.town_staff).pk],
            "notice_posted_on": (ledger.today - datetime.timedelta(days=7)).isoformat(),
            "attendance": "35",
            "attendee_list": "",
            "summary": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    forum = Forum.objects.get(place="村委会", attendance=35)
    assert list(forum.leading_cadres.all()) == [cadre_of(world.town_staff)]
    assert AuditEvent.objects.filter(action="outreach.forum_create", object_id=str(forum.pk)).exists()

    reception = ledger.reception
    response = client.post(
        reverse("admin:outreach_receptionday_change", args=[reception.pk]),
        {
            "leader": reception.leader_id,
            "campaign": "",
            "held_on": reception.held_on.isoformat(),
            "channel": "hotline",
            "place": "12338",
            "visitors_count": "5",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    reception.refresh_from_db()
    assert (reception.channel, reception.visitors_count) == ("hotline", 5)
    assert AuditEvent.objects.filter(action="outreach.receptionday_update", object_id=str(reception.pk)).exists()
