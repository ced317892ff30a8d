"""The inbox, the bell, preferences and the office's failure page, through HTTP."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.roles import OFFICE_ADMIN
from reminders.models import ChannelPreference, Delivery, Reminder
from tests.factories import make_person

from .helpers import make_message


def test_the_inbox_lists_only_the_users_own_messages(world, client_for):
    make_message(world.town_staff, title="我的提醒")
    make_message(world.sibling_town_staff, title="别人的提醒")
    page = client_for(world.town_staff).get(reverse("reminders:inbox")).content.decode()
    assert "我的提醒" in page
    assert "别人的提醒" not in page


def test_another_users_message_is_404_to_open_or_mark(world, client_for):
    other = make_message(world.sibling_town_staff)
    client = client_for(world.town_staff)
    assert client.get(reverse("reminders:message_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("reminders:mark_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_the_inbox_query_count_does_not_grow_with_messages(world, client_for, django_assert_max_num_queries):
    client = client_for(world.town_staff)
    make_message(world.town_staff, title="一")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("reminders:inbox"))
    for i in range(15):
        make_message(world.town_staff, title=f"提醒{i}", unit=world.town_a1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reminders:inbox"))
    assert response.content.decode().count('data-testid="message"') == 16


def test_the_bell_shows_the_unread_count_on_every_page(world, client_for):
    make_message(world.town_staff)
    make_message(world.town_staff, title="二")
    make_message(world.town_staff, title="已读", read=True)
    page = client_for(world.town_staff).get(reverse("campaigns:orgunit_tree")).content.decode()
    assert 'data-testid="reminder-bell"' in page
    assert 'data-testid="reminder-unread">2<' in page


def test_marking_a_message_read_with_htmx_returns_its_row_and_updates_the_bell(world, client_for):
    delivery = make_message(world.town_staff)
    client = client_for(world.town_staff)
    response = client.post(reverse("reminders:mark_read", args=[delivery.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "reminders-read"
    assert f'id="message-{delivery.pk}"' in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.read_at is not None
    assert "reminder-unread" not in client.get(reverse("reminders:bell")).content.decode()


def test_opening_a_message_marks_it_read_and_shows_the_body(world, client_for):
    delivery = make_message(world.town_staff)
    Reminder.objects.filter(pk=delivery.reminder_id).update(body="第一行\n第二行")
    response = client_for(world.town_staff).get(reverse("reminders:message_detail", args=[delivery.pk]))
    assert "第二行" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.read_at is not None


def test_mark_all_read_touches_only_the_users_messages(world, client_for):
    mine = [make_message(world.town_staff, title=str(i)) for i in range(3)]
    theirs = make_message(world.sibling_town_staff)
    response = client_for(world.town_staff).post(reverse("reminders:mark_all_read"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert Delivery.objects.filter(pk__in=[d.pk for d in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_user_saves_channel_preferences_and_quiet_hours(world, client_for):
    response = client_for(world.village_cadre).post(
        reverse("reminders:preferences"),
        {"inapp": "on", "sms": "on", "quiet_start": "21:30", "quiet_end": "08:00", "digest": "on"},
    )
    assert response.status_code == 302
    pref = ChannelPreference.objects.get(user=world.village_cadre)
    assert (pref.inapp, pref.email, pref.sms) == (True, False, True)
    assert pref.quiet_start == datetime.time(21, 30)
    assert AuditEvent.objects.filter(action="reminders.preference_update", actor=world.village_cadre).exists()


def test_the_settings_page_shows_where_each_channel_delivers_with_the_phone_masked(world, client_for):
    from org.models import Cadre

    world.village_cadre.email = "cadre@example.org"
    world.village_cadre.save()
    Cadre.objects.filter(user=world.village_cadre).update(phone="13912345678")
    page = client_for(world.village_cadre).get(reverse("reminders:preferences")).content.decode()
    assert "cadre@example.org" in page
    assert "139****5678" in page
    assert "13912345678" not in page


def test_the_settings_page_says_when_a_channel_has_no_address(world, client_for):
    from org.models import Cadre

    world.village_cadre.email = ""
    world.village_cadre.save()
    Cadre.objects.filter(user=world.village_cadre).update(phone="")
    page = client_for(world.village_cadre).get(reverse("reminders:preferences")).content.decode()
    assert "账号未登记电子邮箱" in page
    assert "未登记手机号" in page


def test_preferences_reject_a_bad_time(world, client_for):
    response = client_for(world.village_cadre).post(
        reverse("reminders:preferences"), {"inapp": "on", "quiet_start": "25:99", "quiet_end": "08:00"}
    )
    assert response.status_code == 200
    assert not ChannelPreference.objects.filter(user=world.village_cadre).exists()


@pytest.mark.parametrize("status", ["failed", "unknown"])
def test_the_office_sees_failed_deliveries_of_its_subtree_only(world, client_for, status):
    county_b_office = make_person("county_b_office", world.county_b, OFFICE_ADMIN, is_staff=True)
    make_message(world.sibling_town_staff, title="甲二村短信", unit=world.village_a2, channel="sms", status=status)
    make_message(world.sibling_town_staff, title="乙一村短信", unit=world.village_b1, channel="sms", status=status)
    make_message(world.sibling_town_staff, title="已发送", unit=world.village_b1, channel="email", status="sent")
    city_page = client_for(world.office_admin).get(reverse("reminders:failures")).content.decode()
    assert "甲二村短信" in city_page
    assert "乙一村短信" in city_page
    assert "已发送" not in city_page
    county_page = client_for(county_b_office).get(reverse("reminders:failures")).content.decode()
    assert "乙一村短信" in county_page
    assert "甲二村短信" not in county_page


def test_the_failure_page_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for(world.office_admin)
    make_message(world.town_staff, title="x", unit=world.town_a1, channel="sms", status="failed")
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("reminders:failures"))
    for i in range(10):
        make_message(world.town_staff, title=f"f{i}", unit=world.town_a1, channel="email", status="failed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reminders:failures"))


def test_the_office_can_send_a_failed_delivery_again(world, client_for):
    delivery = make_message(world.town_staff, unit=world.town_a1, channel="sms", status="failed")
    response = client_for(world.office_admin).post(reverse("reminders:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.reminder.status == Reminder.Status.PENDING
    assert AuditEvent.objects.filter(action="reminders.delivery_retry").exists()


def test_a_county_office_cannot_resend_another_countys_delivery(world, client_for):
    county_b_office = make_person("county_b_office", world.county_b, OFFICE_ADMIN, is_staff=True)
    delivery = make_message(world.town_staff, unit=world.town_a1, channel="sms", status="failed")
    response = client_for(county_b_office).post(reverse("reminders:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 404


def test_the_admin_edits_reminder_rules(world, client_for):
    from reminders.models import ReminderRule

    rule = ReminderRule.objects.get(kind="campaigns.campaign_end", offset_days=-7)
    client = client_for(world.office_admin)
    url = reverse("admin:reminders_reminderrule_change", args=[rule.pk])
    assert "主题活动结束" in client.get(url).content.decode()
    response = client.post(url, {"kind": "campaigns.campaign_end", "offset_days": "-10", "is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.offset_days == -10
