"""Who may change what in the back office.

Global configuration (reminder rules, demand, household and pledge categories) is the root
unit's office's or a system administrator's: a county office admin reads it but changes nothing,
list_editable included. Back-office access and a peer's password belong to the level above.
"""

import pytest
from django.urls import reverse

from core.roles import DATA_ENTRY, OFFICE_ADMIN
from ledgers.models import DemandCategory
from outreach.models import HouseholdCategory
from pledges.models import PledgeCategory
from reminders.models import ReminderRule
from tests.core.admin_forms import admin_form_data
from tests.factories import make_person

PASSWORD = "Taken-over-2026!"


def _reminder_rule():
    from reminders.registry import all_kinds

    kind = next(iter(all_kinds())).key
    return ReminderRule.objects.filter(kind=kind).first() or ReminderRule.objects.create(kind=kind, offset_days=3)


# (model, how to get a row, the list_editable column posted, a new value)
GLOBAL_MODELS = {
    "reminderrule": (ReminderRule, _reminder_rule, "offset_days", "9"),
    "demandcategory": (DemandCategory, lambda: DemandCategory.objects.first(), "sort_order", "77"),
    "pledgecategory": (PledgeCategory, lambda: PledgeCategory.objects.first(), "sort_order", "77"),
    "householdcategory": (HouseholdCategory, lambda: HouseholdCategory.objects.first(), "sort_order", "77"),
}


def _urls(model, obj):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{info}_changelist"),
        "add": reverse(f"{info}_add"),
        "change": reverse(f"{info}_change", args=[obj.pk]),
        "delete": reverse(f"{info}_delete", args=[obj.pk]),
    }


def _list_editable_post(model, obj, column, value):
    """What the changelist's save button posts for one edited row."""
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(obj.pk),
        f"form-0-{column}": value,
        "_save": "保存",
    }


@pytest.mark.parametrize("name", GLOBAL_MODELS)
def test_a_county_office_admin_reads_global_configuration_but_cannot_change_it(world, client, name):
    model, get, column, value = GLOBAL_MODELS[name]
    obj = get()
    before = getattr(obj, column)
    urls = _urls(model, obj)
    client.force_login(world.county_office_admin)

    page = client.get(urls["changelist"])
    assert page.status_code == 200
    assert f'name="form-0-{column}"' not in page.content.decode()  # no editable column
    assert client.post(urls["changelist"], _list_editable_post(model, obj, column, value)).status_code == 403
    assert client.get(urls["change"]).status_code == 200  # read-only view
    assert client.post(urls["change"], {column: value}).status_code == 403
    assert client.get(urls["add"]).status_code == 403
    assert client.post(urls["delete"], {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, column) == before


@pytest.mark.parametrize("name", GLOBAL_MODELS)
def test_the_root_units_office_changes_global_configuration(world, client, name):
    model, get, column, value = GLOBAL_MODELS[name]
    obj = get()
    client.force_login(world.office_admin)  # the city's campaign office: the root unit
    urls = _urls(model, obj)
    assert f'name="form-0-{column}"' in client.get(urls["changelist"]).content.decode()
    data = admin_form_data(client.get(urls["changelist"]), "changelist-form")
    row = next(key.split("-")[1] for key, values in data.items() if key.endswith("-id") and values == [str(obj.pk)])
    data.update({f"form-{row}-{column}": [value], "_save": ["保存"]})
    data.pop("action", None)
    response = client.post(urls["changelist"], data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    obj.refresh_from_db()
    assert str(getattr(obj, column)) == value


def _change_url(account):
    return reverse("admin:auth_user_change", args=[account.pk])


def _post_change(client, account, **changes):
    data = admin_form_data(client.get(_change_url(account)), "user_form")
    data.update(changes)
    return client.post(_change_url(account), data)


def test_a_county_office_admin_cannot_grant_back_office_access_at_their_own_level(world, client):
    clerk = make_person("county_clerk", world.county_a, DATA_ENTRY)
    client.force_login(world.county_office_admin)
    for account in (clerk, world.county_office_admin):
        page = client.get(_change_url(account)).content.decode()
        assert 'name="is_staff"' not in page
    # The peer's account is the level above's to change: refused whole.
    assert _post_change(client, clerk, is_staff=["on"]).status_code == 403
    # Their own account: the form saves, the flag stays as it was.
    client.post(_change_url(world.county_office_admin), {"username": "county_office_admin", "is_active": "on"})
    clerk.refresh_from_db()
    assert not clerk.is_staff


def test_back_office_access_is_granted_from_the_level_above(world, client):
    county_clerk = make_person("county_clerk", world.county_a, DATA_ENTRY)
    client.force_login(world.office_admin)  # the city, above county A
    assert _post_change(client, county_clerk, is_staff=["on"]).status_code == 302
    county_clerk.refresh_from_db()
    assert county_clerk.is_staff
    # A county office admin is the level above a township's clerk.
    client.force_login(world.county_office_admin)
    assert _post_change(client, world.town_staff, is_staff=["on"]).status_code == 302
    world.town_staff.refresh_from_db()
    assert world.town_staff.is_staff


def test_a_county_office_admin_cannot_reset_a_peer_office_admins_password(world, client):
    peer = make_person("county_office_admin_2", world.county_a, OFFICE_ADMIN, is_staff=True)
    url = reverse("admin:auth_user_password_change", args=[peer.pk])
    client.force_login(world.county_office_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 403
    peer.refresh_from_db()
    assert peer.check_password("pw-for-tests")

    client.force_login(world.office_admin)  # the level above resets it
    assert client.post(url, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    peer.refresh_from_db()
    assert peer.check_password(PASSWORD)


def test_a_county_office_admin_still_resets_passwords_below_them(world, client):
    url = reverse("admin:auth_user_password_change", args=[world.town_staff.pk])
    client.force_login(world.county_office_admin)
    assert client.post(url, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    world.town_staff.refresh_from_db()
    assert world.town_staff.check_password(PASSWORD)
