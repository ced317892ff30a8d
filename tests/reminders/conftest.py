import datetime
from importlib import import_module

import pytest
from django.apps import apps

from tests.factories import build_campaign


@pytest.fixture(autouse=True)
def default_rules(request):
    """The rules the data migration ships; a transactional test's flush removes them, so put them back."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    else:
        return
    for migration in ("0002_default_rules", "0003_quota_period_rules"):
        import_module(f"reminders.migrations.{migration}").add_rules(apps, None)


@pytest.fixture
def campaign(world):
    """An active campaign issued by county A, ending 2026-05-31; county_leader leads county A."""
    return build_campaign(world.county_a, title="县级方案", end=datetime.date(2026, 5, 31))


@pytest.fixture
def running(world):
    """An active campaign issued by county A, running March to November 2026."""
    return build_campaign(
        world.county_a, title="县级方案", start=datetime.date(2026, 3, 1), end=datetime.date(2026, 11, 30)
    )
