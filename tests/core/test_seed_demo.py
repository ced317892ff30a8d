import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from org.models import Cadre, OrgUnit
from outreach.models import Household


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (OrgUnit.objects.count(), Cadre.objects.count(), Household.objects.count())
    call_command("seed_demo")
    assert (OrgUnit.objects.count(), Cadre.objects.count(), Household.objects.count()) == counts
    assert OrgUnit.objects.filter(kind="county").count() == 2
    assert OrgUnit.objects.filter(kind="township").count() == 6
    assert OrgUnit.objects.filter(kind="village").count() == 24
    assert 55 <= Cadre.objects.count() <= 90
    assert 1900 <= Household.objects.count() <= 2100
    out = capsys.readouterr().out
    assert "county_leader" in out
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="county_leader", password="minqing2026") is not None
