"""Pledge fixtures: a campaign of the test city and a helper that makes pledges in any state."""

import datetime

import pytest

from tests.pledges.helpers import make_campaign


@pytest.fixture
def campaign(world):
    return make_campaign(world)


@pytest.fixture
def today():
    return datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fresh_board_cache():
    # Rendered boards are cached under their version; ids repeat across tests on SQLite.
    from django.core.cache import cache

    cache.clear()
