"""The visit entry page's cadre picker: bounded, and any cadre of the subtree still accepted."""

import re

import pytest
from django.urls import reverse

from ledgers.models import Visit
from org.models import Cadre
from tests.factories import make_person
from tests.ledgers.conftest import cadre_of
from tests.ledgers.test_visits import entry_data

pytestmark = pytest.mark.django_db


def _options(html):
    return re.findall(r"<option[^>]*>([^<]*)</option>", html)


def test_the_entry_page_shows_a_bounded_cadre_picker_and_accepts_any_cadre_of_the_subtree(
    world, ledger, client_for, monkeypatch
):
    from core.widgets import SearchSelect

    monkeypatch.setattr(SearchSelect, "__init__", _limited(SearchSelect.__init__, 2))
    for i in range(4):
        make_person(f"cun_ganbu{i}", world.village_a1, name=f"村干部{i}")
    client = client_for(world.town_staff)
    html = client.get(reverse("ledgers:visit_entry")).content.decode()
    picker = re.search(r'<select name="cadre".*?</select>', html, re.S).group(0)
    assert len(_options(picker)[1:]) == 2  # after the blank choice
    assert reverse("campaigns:cadre_options") in html
    # A cadre the select did not list, found by the search, is accepted: the form checks the subtree.
    last = Cadre.objects.get(name="村干部3")
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, cadre=last.pk, learned="搜到的"))
    assert response.status_code == 302
    assert Visit.objects.get(learned="搜到的").cadre == last
    # One of another township is refused, however it was put in the form.
    stranger = cadre_of(world.sibling_town_staff)
    response = client.post(reverse("ledgers:visit_entry"), entry_data(ledger, world, cadre=stranger.pk))
    assert "cadre" in response.context["form"].errors


def _limited(init, limit):
    def __init__(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.limit = limit

    return __init__
