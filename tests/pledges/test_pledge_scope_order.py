"""A pledge of a sibling township answers 404 on every page, whatever the user's permissions."""

import pytest
from django.urls import reverse

from tests.pledges.helpers import make_pledge

PAGES = ["pledge_detail", "pledge_edit", "pledge_amend", "pledge_withdraw", "pledge_progress"]


@pytest.mark.parametrize("name", PAGES)
def test_a_sibling_townships_pledge_is_not_found_not_forbidden(client_for, world, name):
    published = make_pledge(world, world.village_a1, title="甲一村的承诺")
    draft = make_pledge(world, world.village_a1, state="draft", title="甲一村的草稿")
    pledge = draft if name == "pledge_edit" else published
    response = client_for(world.sibling_town_staff).get(reverse(f"pledges:{name}", args=[pledge.pk]))
    assert response.status_code == 404


def test_in_scope_without_the_permission_is_forbidden(client_for, world):
    pledge = make_pledge(world, world.village_a2)
    response = client_for(world.sibling_town_staff).get(reverse("pledges:pledge_amend", args=[pledge.pk]))
    assert response.status_code == 403
