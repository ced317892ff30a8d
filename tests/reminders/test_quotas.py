"""Quota reminders follow each requirement's own period and reach whoever is short (frozen time).

The campaign runs 2026-03-01 .. 2026-11-30, issued by county A. Default rules (migration 0003):
a monthly quota reminds at -7 and -3 days before the month's end and escalates at -2; a weekly
one reminds on Friday (-2) and escalates on Saturday (-1).
"""

import datetime

import pytest
import time_machine

from campaigns.models import Campaign, Requirement
from core.roles import LEADER
from ledgers.models import Visit
from org.models import Cadre
from outreach.models import Household, ReceptionDay
from reminders import services
from reminders.models import Delivery, Reminder
from reminders.selectors import digest_entries
from tests.factories import make_person

from .helpers import at, deliver_now

MONTH = "campaigns.quota_month"
WEEK = "campaigns.quota_week"


def _requirement(campaign, kind, params, *, period, scope="all_cadres", title="每月下基层不少于2次"):
    requirement = Requirement(
        campaign=campaign, title=title, kind=kind, params=params, scope=scope, period=period, unit_kinds=[]
    )
    requirement.full_clean()
    requirement.save()
    return requirement


@pytest.fixture
def trips(running):
    """≥2 grassroots trips a month per cadre (plan 001), counted as visits."""
    return _requirement(running, "visits_per_cadre", {"min": 2, "count": "visits"}, period="month")


def visit(user, day):
    village = Cadre.objects.get(user__username="village_cadre").org_unit
    household, _created = Household.objects.get_or_create(village=village, number="001", defaults={"head_name": "户主"})
    return Visit.objects.create(
        cadre=user.cadre, household=household, visited_on=datetime.date.fromisoformat(day), learned="了解情况"
    )


def sync(kind, day, hour=7):
    with time_machine.travel(at(day, hour), tick=False):
        return services.reminders_sync_kind(kind_key=kind)


def recipients(**filters):
    return set(Reminder.objects.filter(**filters).values_list("recipient", flat=True))


def test_a_short_cadre_near_the_month_end_gets_one_reminder(world, trips):
    visit(world.town_staff, "2026-05-03")
    visit(world.town_staff, "2026-05-12")  # met: 2 trips in May
    visit(world.village_cadre, "2026-05-06")  # short: 1 trip
    assert sync(MONTH, "2026-05-20").created == 0  # the first stage (-7, 05-24) is not reached: not evaluated
    sync(MONTH, "2026-05-24")
    short = {world.county_leader.pk, world.county_office_admin.pk, world.sibling_town_staff.pk, world.village_cadre.pk}
    assert recipients(offset_days=-7) == short
    reminder = Reminder.objects.get(offset_days=-7, recipient=world.village_cadre)
    assert reminder.due_date == datetime.date(2026, 5, 31)
    assert reminder.subject_key == f"{MONTH}:{trips.pk}"
    assert reminder.unit_id == world.village_a1.pk
    assert "每月下基层不少于2次" in reminder.title
    assert "已完成1次，要求不少于2次" in reminder.title
    assert sync(MONTH, "2026-05-24", 7).created == 0  # the 15-minute sync again: nothing new
    deliver_now(at("2026-05-24", 8))
    deliver_now(at("2026-05-24", 8, 1))  # beat again
    assert Delivery.objects.filter(recipient=world.village_cadre, channel="inapp").count() == 1
    assert not Delivery.objects.filter(recipient=world.town_staff).exists()


def test_a_cadre_who_met_the_quota_is_not_reminded_at_all(world, trips):
    for day in ("2026-05-02", "2026-05-20"):
        visit(world.village_cadre, day)
    sync(MONTH, "2026-05-24")
    sync(MONTH, "2026-05-28")
    assert not Reminder.objects.filter(recipient=world.village_cadre).exists()
    # Nor is the leader told about them: the escalation names only who is short.
    escalation = Reminder.objects.get(offset_days=-2, is_escalation=True, recipient=world.county_leader)
    assert "village_cadre" not in escalation.title
    assert "sibling_town_staff" in escalation.title


def test_meeting_the_quota_before_the_end_cancels_the_pending_reminders(world, trips):
    visit(world.village_cadre, "2026-05-06")
    sync(MONTH, "2026-05-26")  # -7 (05-24) has passed: only the -3 stages are scheduled
    assert set(Reminder.objects.filter(recipient=world.village_cadre).values_list("offset_days", flat=True)) == {-3}
    pending = Reminder.objects.get(recipient=world.village_cadre)
    visit(world.village_cadre, "2026-05-27")  # the second trip, recorded without any sync
    deliver_now(at("2026-05-28", 8))  # the send-time check asks the quota again
    pending.refresh_from_db()
    assert pending.status == Reminder.Status.CANCELLED
    assert not Delivery.objects.filter(recipient=world.village_cadre).exists()
    assert Delivery.objects.filter(recipient=world.sibling_town_staff).count() == 1  # still short: sent
    # The next sync rewrites the pending escalation: it no longer names the cadre who caught up.
    escalation = Reminder.objects.get(recipient=world.county_leader, is_escalation=True)
    assert "village_cadre" in escalation.title
    sync(MONTH, "2026-05-28", 9)
    escalation.refresh_from_db()
    assert "village_cadre" not in escalation.title
    assert "sibling_town_staff" in escalation.title


def test_a_sync_cancels_the_reminder_of_a_cadre_who_caught_up(world, trips):
    sync(MONTH, "2026-05-26")
    assert Reminder.objects.get(recipient=world.village_cadre).status == Reminder.Status.PENDING
    visit(world.village_cadre, "2026-05-26")
    visit(world.village_cadre, "2026-05-26")
    assert sync(MONTH, "2026-05-26", 10).cancelled >= 1
    assert Reminder.objects.get(recipient=world.village_cadre).status == Reminder.Status.CANCELLED


def test_the_next_month_brings_a_fresh_reminder(world, trips):
    visit(world.village_cadre, "2026-05-06")
    sync(MONTH, "2026-05-24")
    deliver_now(at("2026-05-24", 8))
    sync(MONTH, "2026-05-28")
    deliver_now(at("2026-05-28", 8))
    may = Reminder.objects.filter(recipient=world.village_cadre, due_date=datetime.date(2026, 5, 31))
    assert set(may.values_list("status", flat=True)) == {Reminder.Status.SENT}
    for day in ("2026-06-01", "2026-06-10", "2026-06-23"):
        sync(MONTH, day)
    june = Reminder.objects.get(recipient=world.village_cadre, due_date=datetime.date(2026, 6, 30), offset_days=-7)
    assert june.subject_key == may.first().subject_key  # same quota, its own period
    assert "2026-06-01至2026-06-30" in june.title
    deliver_now(at("2026-06-23", 8))
    assert Delivery.objects.filter(recipient=world.village_cadre).count() == 3  # May -7, May -3, June -7


def test_the_leader_hears_of_short_cadres_once_before_the_month_ends(world, trips):
    city_leader = make_person("city_leader", world.city, LEADER, is_leader=True)
    sync(MONTH, "2026-05-28")
    escalations = Reminder.objects.filter(is_escalation=True, offset_days=-2)
    # Everyone below the county answers to the county leader; the county leader to the city's.
    assert recipients(is_escalation=True) == {world.county_leader.pk, city_leader.pk}
    to_county = escalations.get(recipient=world.county_leader)
    assert to_county.send_at == at("2026-05-29", 8)
    for name in ("town_staff", "sibling_town_staff", "village_cadre"):
        assert name in to_county.title
    assert "county_leader" in escalations.get(recipient=city_leader).title


def test_a_short_cadre_shows_in_the_leaders_digest(world, trips):
    entries = digest_entries(today=datetime.date(2026, 5, 26), under_path=world.town_a1.path)
    assert {e.unit_name for e in entries} == {"甲一镇", "甲一村"}
    assert all(e.due == datetime.date(2026, 5, 31) for e in entries)
    assert not digest_entries(today=datetime.date(2026, 5, 10), under_path=world.town_a1.path)


@pytest.fixture
def town_leaders(world):
    return {
        "head": make_person("town_head", world.town_a1, LEADER, is_leader=True, title="镇长"),
        "deputy": make_person("town_deputy", world.town_a1, LEADER, is_leader=True, title="副镇长"),
    }


def _reception(user, day):
    return ReceptionDay.objects.create(leader=user.cadre, held_on=datetime.date.fromisoformat(day))


def test_the_heads_monthly_reception_day_reaches_the_short_units_leader(world, running, town_leaders):
    head_rule = _requirement(
        running, "reception_days", {"min": 1}, period="month", scope="principals", title="主要负责同志每月接待1次"
    )
    sync(MONTH, "2026-05-24")
    # Principals only: the town head and the county leader (no deputy, no staff).
    assert recipients(subject_key=f"{MONTH}:{head_rule.pk}") == {town_leaders["head"].pk, world.county_leader.pk}
    _reception(town_leaders["head"], "2026-05-25")
    sync(MONTH, "2026-05-28")
    assert not Reminder.objects.filter(
        recipient=town_leaders["head"], status=Reminder.Status.PENDING
    ).exists()  # the head received the public: cancelled
    assert Reminder.objects.filter(recipient=world.county_leader, offset_days=-3, is_escalation=False).exists()


def test_the_members_weekly_reception_day_is_asked_each_week(world, running, town_leaders):
    _requirement(running, "reception_days", {"min": 1}, period="week", scope="leaders", title="班子成员每周接待1次")
    _reception(town_leaders["head"], "2026-05-11")  # Monday of the week ending Sunday 05-17
    sync(WEEK, "2026-05-14")  # Thursday: the Friday stage is not reached yet
    assert not Reminder.objects.exists()
    sync(WEEK, "2026-05-15")  # Friday, -2
    assert recipients(offset_days=-2) == {town_leaders["deputy"].pk, world.county_leader.pk}
    assert Reminder.objects.get(recipient=town_leaders["deputy"], offset_days=-2).due_date == datetime.date(2026, 5, 17)
    # A leader's own leader sits above the unit: the deputy escalates to the county on Saturday.
    escalation = Reminder.objects.get(offset_days=-1, is_escalation=True, recipient=world.county_leader)
    assert "town_deputy" in escalation.title
    assert "town_head" not in escalation.title
    sync(WEEK, "2026-05-22")  # the next week: everyone owes one again
    assert recipients(due_date=datetime.date(2026, 5, 24), offset_days=-2) == {
        town_leaders["deputy"].pk,
        town_leaders["head"].pk,
        world.county_leader.pk,
    }


def test_a_campaign_wide_cadre_quota_reminds_the_short_cadres_near_the_campaign_end(world, running):
    Campaign.objects.filter(pk=running.pk).update(end_date=datetime.date(2026, 5, 31))
    _requirement(running, "visits_per_cadre", {"min": 1, "count": "visits"}, period="campaign", title="每人走访")
    visit(world.town_staff, "2026-04-01")
    assert not sync("campaigns.requirement_shortfall", "2026-05-01").created  # more than 14 days ahead
    sync("campaigns.requirement_shortfall", "2026-05-17")
    # The issuing unit's leader (the quota as a whole) and each short cadre; not the one who met it.
    assert recipients(offset_days=-14) == {
        world.county_leader.pk,
        world.county_office_admin.pk,
        world.sibling_town_staff.pk,
        world.village_cadre.pk,
    }
    own = Reminder.objects.get(offset_days=-14, recipient=world.village_cadre)
    assert "已完成0次，要求不少于1次" in own.title
    assert not sync(MONTH, "2026-05-24").created  # a campaign-wide quota is not asked monthly


def test_a_closed_campaign_stops_its_quota_reminders(world, trips, running):
    sync(MONTH, "2026-05-24")
    Campaign.objects.filter(pk=running.pk).update(status=Campaign.Status.CLOSED)
    result = sync(MONTH, "2026-05-25")
    assert result.cancelled == Reminder.objects.filter(status=Reminder.Status.CANCELLED).count() > 0
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()


def test_the_sync_counts_a_citys_cadres_in_bulk(world, trips):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for extra in (0, 30):
        for n in range(extra):
            make_person(f"extra_{n}", world.village_a2)
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            sync(MONTH, "2026-05-28")
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 20  # the same queries for 5 short cadres as for 35
    assert len(recipients(offset_days=-3)) == 35


def test_leader_days_at_the_grassroots_are_asked_before_the_year_ends(world, running):
    _requirement(running, "leader_grassroots_days", {"min_days": 3}, period="year", scope="leaders", title="下基层")
    for day in ("2026-01-05", "2026-04-01"):  # a January day counts too: the quota is per calendar year
        visit(world.county_leader, day)
    # The campaign ends 11-30: its "year" ends then; -30 is 10-31.
    assert not sync("campaigns.quota_year", "2026-10-30").created
    sync("campaigns.quota_year", "2026-10-31")
    reminder = Reminder.objects.get(recipient=world.county_leader, offset_days=-30)
    assert reminder.due_date == datetime.date(2026, 11, 30)
    assert "已完成2天，要求不少于3天" in reminder.title
    visit(world.county_leader, "2026-10-31")
    sync("campaigns.quota_year", "2026-10-31", 9)  # met on the day: the pending -14 and -7 go
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()


def test_days_in_the_village_are_asked_per_batch(world, running):
    from campaigns.models import Phase

    D = datetime.date
    Phase.objects.create(campaign=running, order=1, name="第一批", start_date=D(2026, 3, 1), end_date=D(2026, 4, 15))
    Phase.objects.create(campaign=running, order=2, name="第二批", start_date=D(2026, 4, 16), end_date=D(2026, 6, 30))
    _requirement(running, "village_stay_days", {"min_days": 2}, period="phase", title="每批住村不少于2天")
    for day in ("2026-03-02", "2026-03-03"):
        visit(world.town_staff, day)
    sync("campaigns.quota_phase", "2026-04-10")  # -5 of the first batch
    assert recipients(due_date=datetime.date(2026, 4, 15)) == {
        world.county_leader.pk,
        world.county_office_admin.pk,
        world.sibling_town_staff.pk,
        world.village_cadre.pk,
    }
    sync("campaigns.quota_phase", "2026-06-25")  # the second batch: town_staff starts from zero
    assert world.town_staff.pk in recipients(due_date=datetime.date(2026, 6, 30))
