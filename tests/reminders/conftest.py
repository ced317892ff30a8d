import datetime

import pytest

from campaigns.models import Campaign


@pytest.fixture
def campaign(world):
    """An active campaign issued by county A, ending 2026-05-31; county_leader leads county A."""
    return Campaign.objects.create(
        title="县级方案",
        issuing_unit=world.county_a,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2026, 5, 31),
        status=Campaign.Status.ACTIVE,
    )
