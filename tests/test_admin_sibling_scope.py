"""A county's office admin in the back office sees nothing of the sibling county.

Raw-id widgets used to render the name behind any primary key through the unscoped
manager (``/admin/outreach/pairing/add/?member=<pk>`` named a poor child of another county).
Every admin add form is opened with every foreign key pointing at a sibling-county object; every
change, history and delete page of a sibling object must answer 404 (or 403); every autocomplete
must return nothing of the sibling county; staff pages get sibling ids through their query strings.
"""

import json

import pytest
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField
from django.urls import NoReverseMatch, reverse

from campaigns.models import Campaign, Requirement
from core.scoping import is_scoped_model
from ledgers.models import Demand, Visit
from org.models import Cadre, OrgUnit
from outreach.models import Forum, Household, HouseholdMember, ReceptionDay
from tests.ledgers.conftest import build_ledger
from tests.sibling import build_sibling_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def sibling(world):
    build_ledger(world)
    return build_sibling_county(world)


def _sibling_names(world, sibling) -> list[str]:
    return [
        sibling.household.head_name,
        sibling.member.name,
        sibling.cadre.name,
        sibling.campaign.title,
        sibling.requirement.title,
        sibling.demand.title,
        sibling.forum.title,
        sibling.report.title,
        world.county_b.name,
        world.town_b1.name,
        world.village_b1.name,
    ]


def _sibling_of(model, world, sibling):
    return {
        Household: sibling.household,
        HouseholdMember: sibling.member,
        Cadre: sibling.cadre,
        Campaign: sibling.campaign,
        Requirement: sibling.requirement,
        OrgUnit: world.village_b1,
        Visit: sibling.visit,
        Demand: sibling.demand,
        Forum: sibling.forum,
        ReceptionDay: sibling.reception,
    }.get(model)


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)  # the admin's JSON escapes Chinese
    return response.content.decode()


def _assert_nothing_of_the_sibling(response, world, sibling, what):
    text = _text(response)
    leaked = [name for name in _sibling_names(world, sibling) if name in text]
    assert not leaked, f"{what} shows {leaked} of the sibling county"


def _add_urls(world, sibling):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        except NoReverseMatch:
            continue
        params = {}
        for field in opts.get_fields():
            if isinstance(field, ForeignKey | ManyToManyField) and not field.auto_created:
                target = _sibling_of(field.remote_field.model, world, sibling)
                if target is not None:
                    params[field.name] = target.pk
        if params:
            yield model_admin, url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_pairing_add_form_names_no_member_of_another_county(world, sibling, client_for):
    client = client_for(world.county_office_admin)
    url = reverse("admin:outreach_pairing_add") + f"?member={sibling.member.pk}&household={sibling.household.pk}"
    response = client.get(url)
    assert response.status_code == 200
    _assert_nothing_of_the_sibling(response, world, sibling, url)


def test_no_admin_add_form_renders_a_sibling_object_passed_in_the_query_string(world, sibling, client_for):
    client = client_for(world.county_office_admin)
    checked = 0
    for _model_admin, url in _add_urls(world, sibling):
        response = client.get(url)
        assert response.status_code in (200, 403), url
        _assert_nothing_of_the_sibling(response, world, sibling, url)
        checked += response.status_code == 200
    assert checked >= 5  # pairing, member, liaison point, pledge, report, forum, reception day …


def test_no_raw_id_widget_is_left_on_a_scoped_model(world):
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.raw_id_fields:
            related = model._meta.get_field(name).remote_field.model
            assert not is_scoped_model(related), f"{model.__name__}.{name}: raw-id widget on a scoped model"


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_change_history_and_delete_of_a_sibling_object_answer_404(world, sibling, client_for, view):
    client = client_for(world.county_office_admin)
    objects = [
        sibling.household,
        sibling.member,
        sibling.pairing,
        sibling.visit,
        sibling.demand,
        sibling.forum,
        sibling.reception,
        sibling.liaison,
        sibling.report,
        sibling.campaign,
        sibling.requirement,
        sibling.cadre,
        world.village_b1,
    ]
    for obj in objects:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
        response = client.get(url)
        # Delete may be refused before the lookup (admins that never delete): 403, never the object.
        assert response.status_code in ((404, 403) if view == "delete" else (404,)), f"{url}: {response.status_code}"
        _assert_nothing_of_the_sibling(response, world, sibling, url)


def test_every_autocomplete_returns_nothing_of_the_sibling_county(world, sibling, client_for):
    client = client_for(world.county_office_admin)
    asked = 0
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            related = model._meta.get_field(field_name).remote_field.model
            if not is_scoped_model(related):
                continue
            response = client.get(
                reverse("admin:autocomplete"),
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": "乙",
                },
            )
            assert response.status_code in (200, 403), (model, field_name)
            _assert_nothing_of_the_sibling(response, world, sibling, f"autocomplete {model.__name__}.{field_name}")
            asked += response.status_code == 200
    assert asked >= 5


def test_the_autocomplete_still_finds_ones_own_county(world, sibling, client_for):
    ledger = build_ledger(world)
    response = client_for(world.county_office_admin).get(
        reverse("admin:autocomplete"),
        {"app_label": "outreach", "model_name": "pairing", "field_name": "member", "term": "王"},
    )
    assert response.status_code == 200
    assert ledger.member.name in _text(response)


def _staff_urls(world, sibling):
    ledger = build_ledger(world)
    return [
        reverse("ledgers:visit_entry") + f"?household={sibling.household.pk}",
        reverse("ledgers:visit_entry") + f"?after={sibling.visit.pk}",
        reverse("ledgers:household_pick", args=[ledger.h_a1.pk]) + f"?member={sibling.member.pk}",
        reverse("ledgers:visit_list") + f"?unit={world.county_b.code}",
        reverse("ledgers:ledger_books") + f"?unit={world.village_b1.code}",
        reverse("ledgers:demand_list") + f"?unit={world.county_b.code}",
        reverse("outreach:pairing_create", args=[ledger.h_a1.pk])
        + f"?cadre={sibling.cadre.pk}&campaign={sibling.campaign.pk}",
        reverse("outreach:pairing_bulk") + f"?campaign={sibling.campaign.pk}&village={world.village_b1.pk}",
        reverse("outreach:household_list") + f"?village={world.village_b1.pk}",
    ]


@pytest.mark.parametrize("role", ["county_office_admin", "town_staff"])
def test_staff_pages_ignore_sibling_ids_in_the_query_string(world, sibling, client_for, role):
    client = client_for(getattr(world, role))
    for url in _staff_urls(world, sibling):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), f"{url}: {response.status_code}"
        _assert_nothing_of_the_sibling(response, world, sibling, f"{url} as {role}")
