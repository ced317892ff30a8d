"""The test world: a small hierarchy and one user per role, as every app's tests use them.

市 (city)
├── 甲县 county_a
│   ├── 甲一镇 town_a1 ── 甲一村 village_a1, 甲一二村 village_a1b
│   └── 甲二镇 town_a2 ── 甲二村 village_a2
└── 乙县 county_b
    └── 乙一镇 town_b1 ── 乙一村 village_b1
"""

import os
import types

import pytest
from django.conf import settings
from django.utils import translation

from core.roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN, sync_roles
from org.models import OrgUnit
from tests.factories import UserFactory, make_person, make_unit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLE_USERS = [
    "anonymous",
    "superuser",
    "office_admin",
    "county_leader",
    "town_staff",
    "sibling_town_staff",
    "village_cadre",
    "auditor",
]


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language. The language middleware activates the chosen
    language on the thread and nothing resets it, so a test that switched to English left the
    next test on that worker reading English messages."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the test database be flushed between transactional tests on PostgreSQL.

    Django flushes with TRUNCATE, which the audit trail's trigger refuses (core migration 0004).
    Only the test database turns it off; tests/core/test_audit_deletion.py turns it back on
    inside its own transaction to check that the trigger refuses.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")


@pytest.fixture
def world(db):
    sync_roles()
    K = OrgUnit.Kind
    city = make_unit(None, "C", "测试市", K.CITY)
    county_a = make_unit(city, "CA", "甲县", K.COUNTY)
    county_b = make_unit(city, "CB", "乙县", K.COUNTY)
    town_a1 = make_unit(county_a, "CA1", "甲一镇", K.TOWNSHIP)
    town_a2 = make_unit(county_a, "CA2", "甲二镇", K.TOWNSHIP)
    town_b1 = make_unit(county_b, "CB1", "乙一镇", K.TOWNSHIP)
    village_a1 = make_unit(town_a1, "CA1V1", "甲一村", K.VILLAGE)
    village_a1b = make_unit(town_a1, "CA1V2", "甲一二村", K.VILLAGE)
    village_a2 = make_unit(town_a2, "CA2V1", "甲二村", K.VILLAGE)
    village_b1 = make_unit(town_b1, "CB1V1", "乙一村", K.VILLAGE)
    w = types.SimpleNamespace(
        city=city,
        county_a=county_a,
        county_b=county_b,
        town_a1=town_a1,
        town_a2=town_a2,
        town_b1=town_b1,
        village_a1=village_a1,
        village_a1b=village_a1b,
        village_a2=village_a2,
        village_b1=village_b1,
    )
    w.superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    w.office_admin = make_person("office_admin", city, OFFICE_ADMIN, is_staff=True)
    w.county_office_admin = make_person("county_office_admin", county_a, OFFICE_ADMIN, is_staff=True)
    w.county_leader = make_person("county_leader", county_a, LEADER, is_leader=True, rank="division")
    w.town_staff = make_person("town_staff", town_a1, DATA_ENTRY)
    w.sibling_town_staff = make_person("sibling_town_staff", town_a2, DATA_ENTRY)
    w.village_cadre = make_person("village_cadre", village_a1, CADRE)
    w.auditor = make_person("auditor", city, AUDITOR)
    w.anonymous = None
    w.users = {name: getattr(w, name) for name in ROLE_USERS}
    return w


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as ``user`` (None: anonymous)."""

    def _client(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _client
