"""`manage.py bench_data`: the city-scale benchmark set, built small here (PostgreSQL only)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse

from campaigns.models import Campaign
from evaluations import benchdata
from ledgers.models import Demand, Visit
from org.models import Cadre, OrgUnit
from outreach.models import Household, Pairing
from pledges.models import Pledge

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bench_data writes with COPY: PostgreSQL only (set DATABASE_URL)"
)
SCALE = "0.002"


def _build():
    out = io.StringIO()
    call_command("bench_data", "--scale", SCALE, stdout=out)
    return out.getvalue()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="checks the refusal on SQLite")
@pytest.mark.django_db
def test_bench_data_refuses_sqlite_saying_why():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_data", "--scale", SCALE, stdout=io.StringIO())
    assert not OrgUnit.objects.filter(code=benchdata.ROOT_CODE).exists()


@on_postgresql
@pytest.mark.django_db
def test_bench_data_builds_a_consistent_city_and_a_second_run_adds_nothing(client):
    _build()
    first = benchdata.counts()
    shape = benchdata.Shape(float(SCALE))
    assert first["visits"] == shape.visits
    assert first["demands"] == shape.demands
    assert first["pledges"] == shape.pledges
    assert first["households"] == shape.villages * shape.households_per_village
    # Five levels: province, city, county, township, village.
    root = OrgUnit.objects.get(code=benchdata.ROOT_CODE)
    assert set(OrgUnit.objects.filter(root.subtree_q()).values_list("depth", flat=True)) == {
        root.depth + n for n in range(5)
    }
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])  # treebeard: paths, depths and child counts agree

    # Every visit is made by a cadre of the household's village or a unit above it (an office's
    # cadres visit the subtree of the unit the office belongs to); a demand
    # belongs to its household's village; demands exist in every state.
    strays = Visit.objects.filter(campaign__document_number=benchdata.DOCUMENT_NUMBER).exclude(
        household__village__path__startswith=root.path
    )
    assert not strays.exists()
    for visit in Visit.objects.select_related("cadre__org_unit", "household__village").order_by("?")[:200]:
        unit = visit.cadre.org_unit
        scope = unit.path[: -OrgUnit.steplen] if unit.kind == OrgUnit.Kind.OFFICE else unit.path
        assert visit.household.village.path.startswith(scope)
    assert set(Demand.objects.values_list("status", flat=True)) == {s.value for s in Demand.Status}
    assert not Demand.objects.filter(household__isnull=False).exclude(unit_id=F("household__village_id")).exists()
    assert Pledge.objects.filter(approval_state="published", status="completed").exists()
    # Pairings per the seed rules: 结穷亲 only by 副处级以上 cadres.
    assert Pairing.objects.filter(kind="poor_kin").exists()
    assert not Pairing.objects.filter(kind="poor_kin", cadre__is_senior=False).exists()

    # The ORM's next insert gets a fresh id (sequences advanced after COPY).
    household = Household.objects.create(village=Household.objects.first().village, number="X1", head_name="测试")
    assert household.pk > max(Household.objects.exclude(pk=household.pk).values_list("pk", flat=True))

    # The ordinary pages open on it as the city leader.
    leader = get_user_model().objects.get(username="bench_city_leader")
    assert Cadre.objects.get(user=leader).org_unit.kind == OrgUnit.Kind.CITY
    office = get_user_model().objects.get(username="bench_city_office")
    assert Cadre.objects.get(user=office).org_unit.kind == OrgUnit.Kind.CITY
    assert office.is_staff
    client.force_login(leader)
    campaign = Campaign.objects.get(document_number=benchdata.DOCUMENT_NUMBER)
    assert client.get(reverse("campaigns:campaign_plan", args=[campaign.pk])).status_code == 200
    response = client.get(reverse("ledgers:visit_list"))
    assert response.status_code == 200
    town_staff = get_user_model().objects.get(username="bench_town_staff")
    client.force_login(town_staff)
    assert client.get(reverse("ledgers:visit_entry")).status_code == 200

    # Idempotent: a second run adds nothing.
    household.delete()
    _build()
    assert benchdata.counts() == first


@on_postgresql
@pytest.mark.django_db
def test_bench_data_refuses_a_second_scale_in_the_same_database():
    _build()
    with pytest.raises(CommandError, match="another scale|Build each scale"):
        call_command("bench_data", "--scale", "0.01", stdout=io.StringIO())
