"""Links in messages read off the site (e-mail, SMS, the digest) are absolute, under REMINDERS_SITE_URL."""

import datetime
import os
import subprocess
import sys

import time_machine
from django.core import mail
from django.urls import reverse

from campaigns.models import Campaign
from core.roles import LEADER
from reminders import services
from reminders.links import check_site_url
from reminders.models import ChannelPreference, Delivery, Reminder
from tests.factories import build_campaign, make_person

from .helpers import at, deliver_now
from .test_engine import _sms_backend

SITE = "https://minqing.example.gov.cn"


def _plan_url(campaign):
    return reverse("campaigns:campaign_plan", kwargs={"pk": campaign.pk})


def test_a_reminder_email_carries_the_items_absolute_link(world, campaign, settings):
    settings.REMINDERS_SITE_URL = SITE + "/"
    world.county_leader.email = "leader@example.org"
    world.county_leader.save()
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    deliver_now(at("2026-05-24", 8))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert f"{SITE}{_plan_url(campaign)}" in body
    # No bare site-relative path a mail client could not open.
    assert not any(line.startswith("/") for line in body.splitlines())


def test_a_reminder_sms_carries_the_absolute_link(world, campaign, settings):
    from org.models import Cadre

    settings.REMINDERS_SITE_URL = SITE
    Cadre.objects.filter(user=world.county_leader).update(phone="13900001111")
    ChannelPreference.objects.create(user=world.county_leader, sms=True, email=False)
    with time_machine.travel(at("2026-05-01"), tick=False):
        services.reminders_sync_for(campaign)
    sent = []
    with _sms_backend(lambda **kw: sent.append(kw)):
        deliver_now(at("2026-05-24", 8))
    assert len(sent) == 1
    assert sent[0]["text"].endswith(f" {SITE}{_plan_url(campaign)}")


def test_the_site_url_may_carry_a_path_prefix(settings):
    from reminders.links import absolute_url

    settings.REMINDERS_SITE_URL = "https://gov.example.cn/minqing/"
    assert absolute_url("/ledgers/pledges/5/") == "https://gov.example.cn/minqing/ledgers/pledges/5/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert absolute_url("") == ""


def _digest_world(world, count):
    for day in range(count):
        build_campaign(
            world.town_a1, title=f"逾期方案{day}", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 10 + day)
        )


def test_each_digest_line_links_to_its_item_and_the_rest_link_to_the_full_list(world, campaign, settings):
    settings.REMINDERS_SITE_URL = SITE
    settings.REMINDERS_DIGEST_MAX_LINES = 2
    _digest_world(world, 3)
    town_leader = make_person("town_leader", world.town_a1, LEADER, is_leader=True)
    town_leader.email = "town@example.org"
    town_leader.save()
    services.reminders_create_digests(now=at("2026-05-25", 7, 30))
    digest = Reminder.objects.get(kind=Reminder.DIGEST_KIND, recipient=town_leader)
    lines = digest.body.splitlines()
    shown = list(Campaign.objects.filter(title__in=["逾期方案0", "逾期方案1"]).order_by("end_date"))
    for campaign_shown in shown:
        at_line = next(i for i, line in enumerate(lines) if campaign_shown.title in line)
        assert lines[at_line + 1].strip() == f"{SITE}{_plan_url(campaign_shown)}"
    more = next(i for i, line in enumerate(lines) if "另有 1 项" in line)
    assert lines[more + 1].strip() == f"{SITE}{reverse('reminders:due_list')}?show=overdue"
    deliver_now(at("2026-05-25", 7, 30))
    email = next(m for m in mail.outbox if m.to == ["town@example.org"])
    assert f"{SITE}{_plan_url(shown[0])}" in email.body
    assert f"{SITE}{reverse('reminders:inbox')}" in email.body


def test_the_in_app_digest_makes_its_links_clickable(world, campaign, settings, client_for):
    settings.REMINDERS_SITE_URL = SITE
    _digest_world(world, 1)
    services.reminders_create_digests(now=at("2026-05-25", 7, 30))
    deliver_now(at("2026-05-25", 7, 30))
    delivery = Delivery.objects.get(recipient=world.county_leader, channel="inapp")
    page = client_for(world.county_leader).get(reverse("reminders:message_detail", args=[delivery.pk]))
    assert f'href="{SITE}{_plan_url(campaign)}"' in page.content.decode()


def test_the_full_due_list_shows_the_users_subtree_only(world, campaign, client_for):
    _digest_world(world, 3)
    build_campaign(world.county_b, title="乙县方案", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 5, 26))
    with time_machine.travel(at("2026-05-25"), tick=False):
        town = client_for(world.town_staff).get(reverse("reminders:due_list")).content.decode()
        county = client_for(world.county_leader).get(reverse("reminders:due_list") + "?show=due").content.decode()
    assert all(f"逾期方案{day}" in town for day in range(3))
    assert "县级方案" not in town  # the county's own item is above the town
    assert "乙县方案" not in town
    assert "县级方案" in county
    assert "逾期方案0" not in county  # ?show=due hides the overdue ones
    assert "乙县方案" not in county  # a sibling county


def test_deploy_check_warns_about_a_loopback_site_url(settings):
    settings.REMINDERS_SITE_URL = "http://127.0.0.1:8000"
    assert [w.id for w in check_site_url()] == ["reminders.W001"]
    settings.REMINDERS_SITE_URL = SITE
    assert check_site_url() == []


def _setting_with(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINQING_")}
    code = "from config.settings import base; print(base.REMINDERS_SITE_URL)"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_the_setting_reads_minqing_site_url_then_the_public_base_url_then_loopback():
    assert _setting_with({"MINQING_SITE_URL": SITE, "MINQING_PUBLIC_BASE_URL": "https://b.example"}) == SITE
    assert _setting_with({"MINQING_PUBLIC_BASE_URL": "https://b.example"}) == "https://b.example"
    assert _setting_with({}) == "http://127.0.0.1:8000"
