"""The back office stays usable at a million rows: no unbounded COUNT(*), no DISTINCT, no giant selects."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach.models import Household, HouseholdMember, LiaisonPoint, Pairing
from tests.outreach.helpers import category, household_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Household, Pairing, HouseholdMember])
def test_big_changelists_never_count_the_whole_table(world, client_for, model):
    for i in range(3):
        household_in(world.village_a1, f"{i:04d}").categories.add(category("tekun"))
    client = client_for(world.superuser)
    url = reverse(f"admin:outreach_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if model is Household:
            client.get(url, {"category": category("tekun").pk, "village": world.village_a1.pk, "q": "户主"})
    assert response.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page still shows a (capped) total"
    assert all("LIMIT" in sql.upper() for sql in counts), counts
    assert not [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]


def test_foreign_keys_use_autocomplete_or_raw_id_widgets():
    for model in (Pairing, Household, HouseholdMember, LiaisonPoint):
        model_admin = admin.site._registry[model]
        fks = {f.name for f in model._meta.fields if f.is_relation and f.editable}
        widgets = set(model_admin.autocomplete_fields) | set(model_admin.raw_id_fields)
        assert fks <= widgets, (model, fks - widgets)


def test_the_pairing_add_form_does_not_list_households(world, client_for):
    for i in range(5):
        household_in(world.village_a1, f"{i:04d}")
    body = client_for(world.superuser).get(reverse("admin:outreach_pairing_add")).content.decode()
    assert "户主0003" not in body


def test_admin_autocomplete_of_households_is_scoped(world, client_for):
    household_in(world.village_a1, "0001", head_name="甲一户")
    household_in(world.village_b1, "0001", head_name="乙一户")
    from django.contrib.auth.models import Permission

    from tests.factories import make_person

    viewer = make_person("county_admin", world.county_a, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_household", "add_pairing"]))
    response = client_for(viewer).get(
        reverse("admin:autocomplete"),
        {"app_label": "outreach", "model_name": "pairing", "field_name": "household", "term": ""},
    )
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["甲一户（0001）"]
