"""With English chosen, key pages carry no Chinese except what users typed in (the data).

The check: take the page, blank out every Chinese text stored in the database (unit, person,
household, campaign and category names, pledge text …), and demand no CJK character is left.
The same check on the Chinese page must find plenty left over, so it can tell UI text from data.
English needs compiled messages (``make messages``); without them these tests are skipped.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Milestone, Phase, Requirement
from tests.ledgers.conftest import build_ledger
from tests.pledges.helpers import make_pledge

pytestmark = pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo").exists(),
    reason="English messages not compiled: run `make messages`",
)

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# The language switcher names Chinese in Chinese on purpose, whatever the page's language.
ALLOWED = ("简体中文",)


def _data_texts() -> list[str]:
    """Every stored Chinese text of the test database, longest first."""
    texts = set()
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        if names:
            for row in model._default_manager.values_list(*names):
                texts.update(v for v in row if isinstance(v, str) and CJK.search(v))
    return sorted(texts, key=len, reverse=True)


def leftover_chinese(html: str) -> list[str]:
    """CJK runs of ``html`` that are not user data: UI text that missed translation."""
    for text in (*_data_texts(), *ALLOWED):
        html = html.replace(text, " ")
    return CJK.findall(html)


def _context(html: str, runs: list[str]) -> list[str]:
    return [html[max(i - 80, 0) : i + 40] for i in (html.find(r) for r in dict.fromkeys(runs)) if i >= 0]


@pytest.fixture
def pages_world(world):
    """The world with a campaign plan, households, visits, demands and a published pledge."""
    ledger = build_ledger(world)
    campaign = ledger.campaign
    phase = Phase.objects.create(
        campaign=campaign, name="走访调研", order=1, start_date=campaign.start_date, end_date=campaign.end_date
    )
    Milestone.objects.create(
        campaign=campaign, phase=phase, number=1, name="动员部署", deliverable="实施方案", due_date=campaign.end_date
    )
    Requirement.objects.create(
        campaign=campaign,
        order=1,
        title="每名干部走访农户",
        kind="visits_per_cadre",
        params={"min": 2},
        scope="all_cadres",
        period="campaign",
    )
    make_pledge(world, world.town_a1, deadline=timezone.localdate() + datetime.timedelta(days=60))
    world.campaign = campaign
    return world


def _english(client, user=None):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _page(client, url):
    response = client.get(url, follow=True)  # home sends each role to where it works
    assert response.status_code == 200, url
    return response.content.decode()


def test_login_page_is_english_once_chosen(client, db):
    html = _english(client).get(reverse("login")).content.decode()
    assert '<html lang="en"' in html
    assert leftover_chinese(html) == []


@pytest.mark.parametrize("accept", ["", "en-US,en;q=0.9", "fr"])
def test_chinese_is_the_default_whatever_the_browser_asks_for(client, db, accept):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert '<html lang="zh-hans"' in html
    # Full of Chinese that the check does not excuse as data.
    assert len(leftover_chinese(html)) > 3


def test_an_unknown_language_cookie_falls_back_to_chinese(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-hans"' in client.get(reverse("login")).content.decode()


def test_the_switcher_makes_english_stick(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert '<html lang="en"' in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    "name",
    ["home", "campaigns:campaign_list", "campaigns:campaign_plan", "outreach:household_list", "ledgers:demand_list"],
)
def test_office_admin_pages_have_no_chinese_outside_data(client, pages_world, name):
    args = [pages_world.campaign.pk] if name == "campaigns:campaign_plan" else []
    url = reverse(name, args=args)
    html = _page(_english(client, pages_world.office_admin), url)
    assert '<html lang="en"' in html
    chinese = leftover_chinese(html)
    assert chinese == [], f"{url}: {chinese}\n" + "\n".join(_context(html, chinese))


def test_public_pledge_board_is_english_for_anonymous_visitors(client, pages_world):
    url = reverse("pledges:public_board", args=[pages_world.town_a1.code])
    html = _page(_english(client), url)
    assert '<html lang="en"' in html
    assert leftover_chinese(html) == []
    # The pledge shows up (its Chinese title is data), so the page was not an empty board.
    assert "妇女之家修缮" in html


def test_chinese_stays_the_default_and_is_caught(client, pages_world):
    """Without a language choice the dashboard is Chinese, and the check reports its UI text."""
    client.force_login(pages_world.office_admin)
    html = _page(client, reverse("home"))
    assert '<html lang="zh-hans"' in html
    assert "工作台" in leftover_chinese(html)
