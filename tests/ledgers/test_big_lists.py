"""Lists of millions of visits and demands: never a full COUNT(*), no date_hierarchy scan, a
query count that does not grow with the rows, and the same subtree as before."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.paginators import CappedPaginator
from tests.factories import DemandFactory, HouseholdFactory, VisitFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _visits(world, n, *, village=None, head_name=None):
    village = village or world.village_a1
    household = HouseholdFactory(village=village, **({"head_name": head_name} if head_name else {}))
    cadre = world.town_staff.cadre
    return [
        VisitFactory(cadre=cadre, household=household, visited_on=D(2026, 4, 1) + datetime.timedelta(days=i))
        for i in range(n)
    ]


def _demands(world, n):
    household = HouseholdFactory(village=world.village_a1)
    return [DemandFactory(household=household, received_on=D(2026, 5, 1)) for _ in range(n)]


BIG_CHANGELISTS = ["ledgers_visit", "ledgers_demand", "core_auditevent", "reminders_reminder", "reminders_delivery"]


# The county office sees its subtree's rows through the scoping join; the audit trail is the
# auditors' (and a superuser's) alone.
CASES = [(c, "superuser") for c in BIG_CHANGELISTS] + [
    (c, "county_office_admin") for c in BIG_CHANGELISTS if c != "core_auditevent"
]


@pytest.mark.parametrize(("changelist", "who"), CASES)
def test_big_changelists_count_at_most_a_cap_and_skip_date_hierarchy(world, client_for, changelist, who):
    _visits(world, 3)
    _demands(world, 2)
    client = client_for(getattr(world, who))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(f"admin:{changelist}_changelist"))
    assert response.status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the page still says how many (capped)"
    assert all("LIMIT" in sql.upper() for sql in counts), counts
    assert not [q["sql"] for q in ctx.captured_queries if "DATE_TRUNC" in q["sql"].upper() or "DISTINCT" in q["sql"]]


@pytest.mark.parametrize("changelist", ["ledgers_visit", "ledgers_demand"])
def test_big_changelists_take_the_same_queries_with_more_rows(
    world, client_for, django_assert_max_num_queries, changelist
):
    client = client_for(world.county_office_admin)
    _visits(world, 2)
    _demands(world, 2)
    url = reverse(f"admin:{changelist}_changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _visits(world, 20)
    _demands(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_admin_visit_search_finds_by_the_start_of_a_name_within_the_subtree(world, client_for):
    mine = _visits(world, 1, head_name="王秀英")[0]
    theirs = _visits(world, 1, village=world.village_b1, head_name="王秀英")[0]
    _visits(world, 1, head_name="李建国")
    url = reverse("admin:ledgers_visit_changelist")

    response = client_for(world.county_office_admin).get(url, {"q": "王秀"})

    shown = list(response.context["cl"].result_list)
    assert shown == [mine]
    assert theirs not in list(client_for(world.county_office_admin).get(url, {"q": "王秀英"}).context["cl"].result_list)
    everyone = client_for(world.superuser).get(url, {"q": "王秀英"}).context["cl"].result_list
    assert set(everyone) == {mine, theirs}
    assert client_for(world.superuser).get(url, {"q": "  "}).status_code == 200


@pytest.mark.parametrize("name", ["ledgers:visit_list", "ledgers:demand_list"])
def test_staff_lists_say_more_than_the_cap_instead_of_counting_everything(world, client_for, monkeypatch, name):
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    _visits(world, 6)
    _demands(world, 6)
    client = client_for(world.town_staff)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse(name)).content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "ledgers_" in q["sql"]]
    assert counts
    assert all("LIMIT" in sql.upper() for sql in counts), counts
    if name == "ledgers:visit_list":
        assert "超过 4 条，请用筛选缩小范围" in html
    # 4 counted rows, 25 a page: one page, no pager past the cap.
    assert "下一页" not in html


def test_the_pager_marks_a_capped_page_count(world, client_for, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 30)
    _visits(world, 31)
    html = client_for(world.town_staff).get(reverse("ledgers:visit_list")).content.decode()
    assert "第 1 / 2+ 页" in html
    assert "下一页" in html
    # The sibling township's staff see none of them, capped or not.
    html = client_for(world.sibling_town_staff).get(reverse("ledgers:visit_list")).content.decode()
    assert "共 0 条" in html


def test_an_admin_visit_search_counts_to_a_smaller_cap(world, client_for, monkeypatch):
    from ledgers import admin as ledgers_admin

    monkeypatch.setattr(ledgers_admin, "SEARCH_CAP", 2)
    _visits(world, 3, head_name="王秀英")
    url = reverse("admin:ledgers_visit_changelist")
    searched = client_for(world.superuser).get(url, {"q": "王秀英"}).context["cl"].paginator
    assert (searched.count, searched.capped) == (2, True)
    everything = client_for(world.superuser).get(url).context["cl"].paginator
    assert (everything.count, everything.capped) == (3, False)
