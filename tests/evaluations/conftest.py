import pytest


@pytest.fixture(autouse=True)
def household_categories(db):
    """The 13 categories shipped by a data migration. A live-server (transactional) test elsewhere
    in the run flushes tables, data migrations included; put them back when they are missing."""
    from importlib import import_module

    from django.apps import apps

    from outreach.models import HouseholdCategory

    if not HouseholdCategory.objects.exists():
        import_module("outreach.migrations.0002_seed_household_categories").add_categories(apps, None)
