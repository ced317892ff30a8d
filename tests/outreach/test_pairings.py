import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEvent
from outreach.models import Pairing
from outreach.selectors import (
    cadres_below_pairing_requirement,
    must_visit_households_unreached,
    pairing_rules_for,
    pairing_suggestions,
)
from outreach.services import pairing_bulk_assign
from tests.factories import build_campaign, make_person
from tests.outreach.helpers import cadre_of, category, household_in, member_in, pairing_for

pytestmark = pytest.mark.django_db


def _must_visit(village, n, start=1):
    households = []
    for i in range(start, start + n):
        h = household_in(village, f"{i:04d}")
        h.categories.add(category("liushou_jiating"))
        households.append(h)
    return households


def test_bulk_assignment_previews_then_pairs_every_ticked_household_once(world, staff_client, campaign):
    households = _must_visit(world.village_a1, 4)
    cadre = cadre_of(world.village_cadre)
    url = reverse("outreach:pairing_bulk") + f"?campaign={campaign.pk}&village={world.village_a1.pk}&unpaired=on"
    page = staff_client.get(url)
    assert [h.pk for h in page.context["households"]] == [h.pk for h in households]
    form = {
        "campaign": campaign.pk,
        "cadre": cadre.pk,
        "kind": "support",
        "start_date": "2026-04-10",
        "households": [h.pk for h in households[:3]],
    }
    preview = staff_client.post(url, {**form, "step": "preview"})
    assert preview.status_code == 200
    assert "确认批量结对" in preview.content.decode()
    assert not Pairing.objects.exists()

    staff_client.post(url, {**form, "step": "confirm"})
    staff_client.post(url, {**form, "step": "confirm"})  # double submit

    assert Pairing.objects.filter(cadre=cadre, campaign=campaign).count() == 3
    assert AuditEvent.objects.filter(action="outreach.pairing_bulk_assign").count() == 2
    remaining = staff_client.get(url).context["households"]
    assert [h.pk for h in remaining] == [households[3].pk]


def test_bulk_assignment_refuses_households_outside_the_subtree_and_writes_nothing(world, staff_client, campaign):
    mine = _must_visit(world.village_a1, 1)[0]
    theirs = _must_visit(world.village_a2, 1)[0]
    response = staff_client.post(
        reverse("outreach:pairing_bulk"),
        {
            "campaign": campaign.pk,
            "cadre": cadre_of(world.town_staff).pk,
            "kind": "support",
            "start_date": "2026-04-10",
            "households": [mine.pk, theirs.pk],
            "step": "confirm",
        },
    )
    assert response.status_code == 200  # the form refuses the unknown choice
    assert not Pairing.objects.exists()
    with pytest.raises(Http404):
        pairing_bulk_assign(
            actor=world.town_staff,
            campaign=campaign,
            assignments=[(mine.pk, cadre_of(world.town_staff).pk), (theirs.pk, cadre_of(world.town_staff).pk)],
            kind="support",
            start_date=datetime.date(2026, 4, 1),
        )
    assert not Pairing.objects.exists()


def test_auto_suggest_balances_unpaired_must_visit_households_across_the_townships_cadres(world, campaign):
    _must_visit(world.village_a1, 5)
    _must_visit(world.village_a1b, 3, start=10)
    _must_visit(world.village_a2, 4)  # another township: never proposed
    plain = household_in(world.village_a1, "0099")  # no must-visit category
    already = _must_visit(world.village_a1, 1, start=50)[0]
    pairing_for(world, already, cadre=cadre_of(world.town_staff))
    # town_staff already carries one pairing, so the other cadre gets the odd household.
    proposal = pairing_suggestions(township=world.town_a1, campaign=campaign)
    households = {s.household.pk for s in proposal}
    assert len(proposal) == 8
    assert plain.pk not in households
    assert already.pk not in households
    loads = {}
    for s in proposal:
        loads[s.cadre.name] = loads.get(s.cadre.name, 0) + 1
    assert loads == {"town_staff": 4, "village_cadre": 4}
    assert max(s.load_after for s in proposal) == 5


def test_auto_suggest_saves_only_the_reviewed_rows(world, staff_client, campaign):
    _must_visit(world.village_a1, 4)
    url = reverse("outreach:pairing_suggest")
    params = {"campaign": campaign.pk, "township": world.town_a1.pk, "kind": "support", "start_date": "2026-04-10"}
    proposal = staff_client.get(url, params).context["proposal"]
    assert len(proposal) == 4
    picks = [f"{s.household.pk}:{s.cadre.pk}" for s in proposal[:2]]
    staff_client.post(url, {**params, "pick": picks})
    assert Pairing.objects.count() == 2
    assert len(staff_client.get(url, params).context["proposal"]) == 2


def test_auto_suggest_refuses_a_tampered_cadre_from_another_township(world, staff_client, campaign):
    household = _must_visit(world.village_a1, 1)[0]
    params = {"campaign": campaign.pk, "township": world.town_a1.pk, "kind": "support", "start_date": "2026-04-10"}
    county_cadre = cadre_of(world.county_leader)  # visible? no: above town_staff's subtree
    response = staff_client.post(
        reverse("outreach:pairing_suggest"), {**params, "pick": [f"{household.pk}:{county_cadre.pk}"]}
    )
    assert response.status_code == 404
    assert not Pairing.objects.exists()


def test_the_status_page_lists_cadres_below_the_plans_default_rules(world, campaign):
    senior = cadre_of(world.county_leader)  # 正处级: 副处级以上
    junior = cadre_of(world.town_staff)
    poor = household_in(world.village_a1, "0001")
    poor.categories.add(category("tekun"))
    woman = member_in(poor, "李大姐", is_poor_woman=True)
    child = member_in(poor, "小宝", is_poor_child=True)
    hardship, women, children = pairing_rules_for(campaign=campaign)

    def short(unit, *rules):
        return {c.name for c in cadres_below_pairing_requirement(unit=unit, campaign=campaign, rules=rules)}

    assert short(world.county_a, hardship) == {"county_leader"}, "only 副处级以上 owe a hardship household"
    pairing_for(world, household_in(world.village_a1, "0002"), cadre=senior, kind="poor_kin")
    assert short(world.county_a, hardship) == {"county_leader"}, "a household that is not a hardship one"
    pairing_for(world, poor, cadre=senior, kind="poor_kin")
    assert short(world.county_a, hardship) == set()

    Pairing.objects.create(
        campaign=campaign, cadre=junior, household=poor, member=woman, kind="poor_woman", start_date=campaign.start_date
    )
    assert short(world.town_a1, women, children) == {"town_staff", "village_cadre"}
    Pairing.objects.create(
        campaign=campaign, cadre=junior, household=poor, member=child, kind="poor_child", start_date=campaign.start_date
    )
    assert short(world.town_a1, women, children) == {"village_cadre"}
    # An ended pairing does not count.
    Pairing.objects.filter(cadre=junior, kind="poor_child").update(is_active=False)
    assert short(world.town_a1, women, children) == {"town_staff", "village_cadre"}


def test_the_status_page_follows_the_campaigns_pairing_requirements(world, staff_client, campaign):
    from campaigns.models import Requirement

    Requirement.objects.create(
        campaign=campaign,
        title="每名党员联系3名群众",
        kind="pairings_per_cadre",
        params={"min": 3},
        scope="all_cadres",
        period="campaign",
    )
    rules = pairing_rules_for(campaign=campaign)
    assert [(r.label, r.minimum, r.senior_only) for r in rules] == [("每名党员联系3名群众", 3, False)]
    for n in range(3):
        pairing_for(world, household_in(world.village_a1, f"{n:04d}"), cadre=cadre_of(world.town_staff))
    response = staff_client.get(reverse("outreach:pairing_status", args=[world.town_a1.code]))
    assert [row["cadre"].name for row in response.context["cadre_rows"]] == ["village_cadre"]
    assert "每名党员联系3名群众" in response.content.decode()


def test_the_status_page_lists_must_visit_households_with_no_pairing(world, staff_client, campaign):
    reached, unreached = _must_visit(world.village_a1, 2)
    household_in(world.village_a1, "0077")  # not must-visit
    pairing_for(world, reached, cadre=cadre_of(world.town_staff))
    assert list(must_visit_households_unreached(unit=world.town_a1, campaign=campaign)) == [unreached]
    response = staff_client.get(reverse("outreach:pairing_status", args=[world.town_a1.code]))
    assert [h.pk for h in response.context["household_page"]] == [unreached.pk]
    assert {row["cadre"].name for row in response.context["cadre_rows"]} == {"town_staff", "village_cadre"}


def test_the_status_page_queries_do_not_grow_with_rows(world, staff_client, campaign):
    url = reverse("outreach:pairing_status", args=[world.town_a1.code])
    _must_visit(world.village_a1, 2)
    with CaptureQueriesContext(connection) as few:
        staff_client.get(url)
    _must_visit(world.village_a1, 30, start=100)
    for i in range(5):
        make_person(f"extra{i}", world.village_a1b)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_ending_a_pairing_keeps_it_in_history(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    pairing = pairing_for(world, household, cadre=cadre_of(world.town_staff))
    staff_client.post(reverse("outreach:pairing_end", args=[pairing.pk]), {"end_date": "2026-05-01"})
    pairing.refresh_from_db()
    assert (pairing.is_active, pairing.end_date) == (False, datetime.date(2026, 5, 1))


def test_a_single_pairing_is_created_from_the_household_page(world, staff_client, campaign):
    household = household_in(world.village_a1, "0001")
    child = member_in(household, "小宝", is_poor_child=True)
    data = {
        "campaign": campaign.pk,
        "cadre": cadre_of(world.village_cadre).pk,
        "kind": "poor_child",
        "member": child.pk,
        "start_date": "2026-04-02",
    }
    staff_client.post(reverse("outreach:pairing_create", args=[household.pk]), data)
    response = staff_client.post(reverse("outreach:pairing_create", args=[household.pk]), data)
    assert "已与此对象以相同形式结对" in response.content.decode()
    assert Pairing.objects.get().member == child


def test_liaison_points_are_added_for_villages_in_the_subtree(world, staff_client, campaign):
    response = staff_client.post(
        reverse("outreach:liaison_create"),
        {"campaign": campaign.pk, "village": world.village_a1.pk, "unit": world.town_a1.pk},
    )
    assert response.status_code == 302
    refused = staff_client.post(
        reverse("outreach:liaison_create"),
        {"campaign": campaign.pk, "village": world.village_a2.pk, "unit": world.town_a1.pk},
    )
    assert refused.status_code == 200
    from outreach.models import LiaisonPoint

    assert list(LiaisonPoint.objects.values_list("village__code", flat=True)) == ["CA1V1"]


def test_a_county_copy_without_rules_reads_the_city_plans_rules_once(world, campaign):
    import datetime as dt

    from campaigns.models import Campaign, Requirement

    Requirement.objects.create(
        campaign=campaign,
        title="每名妇联干部结对帮扶一名贫困妇女",
        kind="pairings_per_cadre",
        params={"min": 1, "member_flag": "is_poor_woman"},
        scope="all_cadres",
        period="campaign",
    )
    county = build_campaign(
        world.county_a,
        title="甲县实施方案",
        parent=campaign,
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 12, 31),
        status=Campaign.Status.DRAFT,
    )
    assert [r.label for r in pairing_rules_for(campaign=county)] == ["每名妇联干部结对帮扶一名贫困妇女"]
    Requirement.objects.create(
        campaign=county,
        title="同一要求的县级副本",
        kind="pairings_per_cadre",
        params={"min": 1, "member_flag": "is_poor_woman"},
        scope="all_cadres",
        period="campaign",
    )
    assert [r.label for r in pairing_rules_for(campaign=campaign)] == ["每名妇联干部结对帮扶一名贫困妇女"]


def test_the_bulk_confirm_page_repeats_the_chosen_kind_cadre_and_campaign(world, staff_client, campaign):
    households = _must_visit(world.village_a1, 2)
    cadre = cadre_of(world.village_cadre)
    url = reverse("outreach:pairing_bulk") + f"?campaign={campaign.pk}&village={world.village_a1.pk}&unpaired=on"
    form = {
        "campaign": campaign.pk,
        "cadre": cadre.pk,
        "kind": Pairing.Kind.POOR_CHILD,
        "start_date": "2026-04-10",
        "households": [h.pk for h in households],
        "step": "preview",
    }

    page = staff_client.post(url, form).content.decode()

    choices = page[page.index('data-testid="bulk-confirm-choices"') :]
    assert f'data-choice="kind"><strong>{Pairing.Kind.POOR_CHILD.label}</strong>' in choices
    assert f'data-choice="cadre">{cadre.name}' in choices
    assert f'data-choice="campaign">{campaign.title}<' in choices
    assert 'data-choice="start_date">2026-04-10<' in choices
    assert not Pairing.objects.exists()
