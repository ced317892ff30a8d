import pytest

from tests.outreach.helpers import campaign_for


@pytest.fixture
def campaign(world):
    return campaign_for(world)


@pytest.fixture
def staff_client(client_for, world):
    """town_staff (township A1, data entry, no personal-data permission)."""
    return client_for(world.town_staff)
