"""Smaller conveniences of the pairing and household pages."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.models import HouseholdCategory, LiaisonPoint, Pairing
from tests.outreach.helpers import cadre_of, category, household_in, pairing_for

pytestmark = pytest.mark.django_db


def _input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


def test_the_pairing_form_starts_today_in_a_date_input_the_browser_accepts(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")

    page = staff_client.get(reverse("outreach:pairing_create", args=[household.pk])).content.decode()

    assert _input_value(page, "start_date") == timezone.localdate().isoformat()


def test_the_end_pairing_field_on_the_household_page_defaults_to_today(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    pairing_for(world, household, cadre=cadre_of(world.town_staff))

    page = staff_client.get(reverse("outreach:household_detail", args=[household.pk])).content.decode()

    assert _input_value(page, "end_date") == timezone.localdate().isoformat()


def test_each_unreached_household_on_the_status_page_links_to_a_prefilled_pairing_form(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    household.categories.add(category("liushou_jiating"))
    status_url = reverse("outreach:pairing_status", args=[world.town_a1.code])

    page = staff_client.get(status_url).content.decode()
    link = re.search(r'data-testid="pair-household" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(reverse("outreach:pairing_create", args=[household.pk]) + f"?campaign={campaign.pk}&")

    form_page = staff_client.get(link)
    assert form_page.context["form"].initial["campaign"] == str(campaign.pk)
    response = staff_client.post(
        link,
        {
            "campaign": campaign.pk,
            "cadre": cadre_of(world.town_staff).pk,
            "kind": Pairing.Kind.SUPPORT,
            "start_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == status_url, "back to the status page"
    assert Pairing.objects.get().household == household
    assert "pair-household" not in staff_client.get(status_url).content.decode()


def test_the_status_page_has_no_pairing_button_without_the_permission(world, client_for, campaign):
    household_in(world.village_a1, "0001").categories.add(category("liushou_jiating"))

    page = client_for(world.county_leader).get(reverse("outreach:pairing_status", args=[world.town_a1.code]))

    assert page.status_code == 200
    assert len(page.context["household_page"]) == 1
    assert "pair-household" not in page.content.decode()


def test_a_pairing_form_ignores_an_offsite_next(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    url = reverse("outreach:pairing_create", args=[household.pk]) + "?next=https://evil.example/"
    data = {
        "campaign": campaign.pk,
        "cadre": cadre_of(world.town_staff).pk,
        "kind": Pairing.Kind.SUPPORT,
        "start_date": "2026-04-02",
    }

    response = staff_client.post(url, data)

    assert response["Location"] == reverse("outreach:household_detail", args=[household.pk])


def test_a_cadre_filters_the_pairing_list_to_their_own_pairings(world, client_for, campaign):
    mine = pairing_for(world, household_in(world.village_a1, "0001"), cadre=cadre_of(world.village_cadre))
    pairing_for(world, household_in(world.village_a1, "0002"), cadre=cadre_of(world.town_staff))
    client = client_for(world.village_cadre)
    url = reverse("outreach:pairing_list")

    assert len(client.get(url).context["page_obj"]) == 2
    page = client.get(url + "?mine=on")

    assert [p.pk for p in page.context["page_obj"]] == [mine.pk]
    assert "只看我的结对" in page.content.decode()


def test_users_who_are_not_cadres_get_no_mine_filter(world, client_for):
    from org.models import Cadre

    Cadre.objects.filter(user=world.county_leader).delete()

    page = client_for(world.county_leader).get(reverse("outreach:pairing_list") + "?mine=on")

    assert page.status_code == 200
    assert 'data-testid="filter-mine"' not in page.content.decode()


def test_submitting_the_liaison_form_twice_adds_one_point(world, staff_client, campaign):
    data = {"campaign": campaign.pk, "village": world.village_a1.pk, "unit": world.town_a1.pk}

    first = staff_client.post(reverse("outreach:liaison_create"), data)
    second = staff_client.post(reverse("outreach:liaison_create"), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert LiaisonPoint.objects.count() == 1
    # The same owner for another village is another point.
    staff_client.post(reverse("outreach:liaison_create"), {**data, "village": world.village_a1b.pk})
    assert LiaisonPoint.objects.count() == 2
    assert "form.dataset.submitting" in staff_client.get(reverse("outreach:liaison_create")).content.decode()


def test_category_checkboxes_are_grouped_five_six_other(world, staff_client):
    page = staff_client.get(reverse("outreach:household_create")).content.decode()

    headings = re.findall(r"<strong>([^<]+)</strong>", page)
    assert headings[:3] == ["五必访", "六必访", "其他"]
    five = page.index("<strong>五必访</strong>")
    six = page.index("<strong>六必访</strong>")
    other = page.index("<strong>其他</strong>")
    end = page.index('name="notes"')
    segments = {"five_must": page[five:six], "six_must": page[six:other], "other": page[other:end]}
    for c in HouseholdCategory.objects.all():
        assert f'value="{c.pk}"' in segments[c.group], c.name
