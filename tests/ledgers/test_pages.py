"""Ledger pages: query budgets, filters, exports, forum warnings, the chase page, HTTP transitions."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import Campaign
from ledgers import demand_flow
from ledgers.models import Demand, DemandEvent, HelpGiven, Visit
from org.models import Cadre
from outreach.models import Forum, Household, ReceptionDay
from tests.factories import UserFactory
from tests.ledgers.conftest import cadre_of

DAY = datetime.timedelta(days=1)


def add_visits(world, ledger, n, **fields):
    start = Household.objects.count()
    households = Household.objects.bulk_create(
        [
            Household(village=world.village_a1, number=f"9{start + i:04d}", head_name=f"李{i}", phone="13800001234")
            for i in range(n)
        ]
    )
    visits = Visit.objects.bulk_create(
        [
            Visit(
                cadre=cadre_of(world.town_staff),
                household=h,
                visited_on=ledger.today,
                method="home",
                ledger_book=fields.get("ledger_book", "minqing"),
                learned=fields.get("learned", "情况"),
                campaign=ledger.campaign,
            )
            for h in households
        ]
    )
    HelpGiven.objects.bulk_create([HelpGiven(visit=v, kind="condolence", amount=100) for v in visits])
    for i, h in enumerate(households[:n]):
        demand_flow.demand_raise(
            actor=world.superuser, unit=world.village_a1, category=ledger.category, title=f"诉求{i}", household=h
        )
    return visits


LIST_PAGES = [
    ("ledgers:visit_list", {}),
    ("ledgers:ledger_books", {}),
    ("ledgers:ledger_books", {"book": "minqing", "q": "情"}),
    ("ledgers:ledger_book_print", {}),
    ("ledgers:demand_list", {"status": "received"}),
    ("ledgers:demand_chase", {}),
    ("ledgers:my_diary", {}),
]


@pytest.mark.parametrize(("name", "params"), LIST_PAGES)
def test_list_pages_stay_within_a_query_budget_that_does_not_grow(
    world, ledger, client_for, django_assert_max_num_queries, name, params
):
    client = client_for(world.town_staff)
    add_visits(world, ledger, 3)
    ReceptionDay.objects.create(leader=cadre_of(world.town_staff), held_on=ledger.today)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(name), params).status_code == 200
    add_visits(world, ledger, 12)
    Forum.objects.bulk_create(
        [Forum(village=world.village_a1, held_at=timezone.now(), place=f"会场{i}", attendance=i) for i in range(8)]
    )
    ReceptionDay.objects.bulk_create(
        [ReceptionDay(leader=cadre_of(world.town_staff), held_on=ledger.today) for _ in range(8)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name), params).status_code == 200


def test_lists_show_only_the_users_subtree(world, ledger, client_for):
    html = client_for(world.town_staff).get(reverse("ledgers:visit_list")).content.decode()
    assert "了解家庭情况" in html
    assert "甲二村的走访" not in html
    html = client_for(world.town_staff).get(reverse("ledgers:demand_list")).content.decode()
    assert "承包地补偿" in html
    assert "甲二村的诉求" not in html


def test_a_unit_filter_outside_the_subtree_is_a_404(world, ledger, client_for):
    client = client_for(world.town_staff)
    assert client.get(reverse("ledgers:ledger_books"), {"unit": world.town_a2.code}).status_code == 404
    assert client.get(reverse("ledgers:ledger_book_export"), {"unit": world.town_a2.code}).status_code == 404
    assert client.get(reverse("ledgers:demand_chase"), {"unit": world.town_a2.code}).status_code == 404


def test_lists_are_paginated(world, ledger, client_for):
    add_visits(world, ledger, 30)
    page = client_for(world.town_staff).get(reverse("ledgers:visit_list")).context["page_obj"]
    assert page.paginator.num_pages == 2
    assert len(page.object_list) == 25


@pytest.mark.parametrize("book", ["minqing", "bangfu", "zuzhi", "wending"])
def test_each_book_exports_to_xlsx_that_openpyxl_opens(world, ledger, client_for, book):
    add_visits(world, ledger, 2, ledger_book=book, learned='=HYPERLINK("http://evil","点我")')
    response = client_for(world.town_staff).get(reverse("ledgers:ledger_book_export"), {"book": book})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "甲一镇" in rows[0][0]
    assert rows[2][:4] == ("序号", "走访日期", "村/社区", "户主")
    data = [r for r in rows[3:] if isinstance(r[0], int) and r[3].startswith("李")]
    assert len(data) == 2
    assert all(r[9].startswith("=HYPERLINK") for r in data)  # stored as text, quote-prefixed
    assert all(c.quotePrefix for c in sheet["J"] if isinstance(c.value, str) and c.value.startswith("="))
    assert all(r[5] == "138****1234" for r in data)  # phone masked
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert not any("13800001234" in str(cell) for row in rows for cell in row)
    total = next(r for r in rows if r[0] == "合计")
    assert total[12] == 200
    assert rows[-1][0] == "填表人："


def test_every_formula_trigger_is_escaped(world, ledger):
    from core.xlsx_write import escape_formula

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
        assert escape_formula(text) == "'" + text
    assert escape_formula("正常文本") == "正常文本"
    assert escape_formula(5) == 5


def test_the_rectification_ledger_exports_with_escaping_and_masking(world, ledger, client_for):
    demand_flow.demand_raise(
        actor=world.town_staff,
        unit=world.village_a1,
        category=ledger.category,
        title="=cmd|' /C calc'!A0",
        person_name="张三",
        person_phone="13912345678",
    )
    response = client_for(world.town_staff).get(reverse("ledgers:demand_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = next(r for r in rows if r[3] == "张三")
    assert row[6] == "=cmd|' /C calc'!A0"
    assert all(c.quotePrefix and c.data_type == "s" for c in sheet["G"] if c.value == row[6])
    assert row[4] == "139****5678"


def test_the_printable_book_has_the_office_layout(world, ledger, client_for):
    html = client_for(world.town_staff).get(reverse("ledgers:ledger_book_print")).content.decode()
    assert "填表人" in html
    assert "审核人" in html
    assert "民情账" in html
    assert "13812345678" not in html


def test_the_household_timeline_shows_visits_help_and_demands(world, ledger, client_for, django_assert_max_num_queries):
    HelpGiven.objects.create(visit=ledger.visit, kind="education", amount=800)
    client = client_for(world.town_staff)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("ledgers:household_timeline", args=[ledger.h_a1.pk])).content.decode()
    assert "了解家庭情况" in html
    assert "承包地补偿" in html
    assert "助学" in html
    assert "800" in html


def test_the_diary_groups_a_month_of_visits(world, ledger, client_for):
    month = ledger.today.strftime("%Y-%m")
    response = client_for(world.town_staff).get(reverse("ledgers:my_diary"), {"month": month})
    assert ledger.visit in response.context["visits"]
    previous = (ledger.today.replace(day=1) - DAY).strftime("%Y-%m")
    response = client_for(world.town_staff).get(reverse("ledgers:my_diary"), {"month": previous})
    assert ledger.visit not in response.context["visits"]


def test_moving_a_demand_through_the_pages(world, ledger, client_for):
    demand = ledger.demand
    staff, office = client_for(world.town_staff), None
    url = lambda action: reverse("ledgers:demand_action", args=[demand.pk, action])  # noqa: E731
    staff.post(
        url("place_on_ledger"),
        {
            "place_on_ledger-version": 0,
            "place_on_ledger-tier": "township",
            "place_on_ledger-deadline": (ledger.today + 10 * DAY).isoformat(),
            "place_on_ledger-responsible_unit": world.town_a1.pk,
            "place_on_ledger-responsible_person": cadre_of(world.town_staff).pk,
        },
    )
    staff.post(url("progress"), {"progress-version": 1, "progress-note": "已协调"})
    staff.post(url("resolve"), {"resolve-version": 2, "resolve-resolution": "已解决"})
    staff.post(
        url("reply"),
        {
            "reply-version": 3,
            "reply-replied_on": ledger.today.isoformat(),
            "reply-channel": "letter",
            "reply-reply_text": "书面答复",
            "reply-copy_office": "on",
        },
    )
    response = staff.post(url("close"), {"close-version": 4})
    assert response.status_code == 403
    office = client_for(world.office_admin)
    office.post(url("close"), {"close-version": 4})
    demand.refresh_from_db()
    assert demand.status == Demand.Status.CLOSED
    assert demand.reply_copy_office
    assert not demand.reply_copy_village
    html = office.get(demand.get_absolute_url()).content.decode()
    assert "已销号" in html
    assert "销号" in html


def test_a_refused_transition_comes_back_as_a_chinese_message(world, ledger, client_for):
    client = client_for(world.town_staff)
    response = client.post(
        reverse("ledgers:demand_action", args=[ledger.demand.pk, "resolve"]),
        {"resolve-version": 0, "resolve-resolution": "x"},
        follow=True,
    )
    assert "不能执行“办结”" in response.content.decode()
    response = client.post(
        reverse("ledgers:demand_action", args=[ledger.demand.pk, "reply"]), {"reply-version": 0}, follow=True
    )
    assert "请填写书面回复内容" in response.content.decode()


def test_a_stale_page_cannot_overwrite(world, ledger, client_for):
    client = client_for(world.town_staff)
    url = reverse("ledgers:demand_action", args=[ledger.demand.pk, "resolve_on_spot"])
    client.post(url, {"resolve_on_spot-version": 0, "resolve_on_spot-resolution": "第一个人"})
    ledger.demand.refresh_from_db()
    demand_flow.demand_reopen(demand=ledger.demand, actor=world.town_staff, reason="再办")
    response = client.post(url, {"resolve_on_spot-version": 0, "resolve_on_spot-resolution": "第二个人"}, follow=True)
    assert "已被他人更新" in response.content.decode()


def _progress_demand(world, ledger):
    """The fixture demand placed on the ledger (version 1), ready for progress notes and 办结."""
    return demand_flow.demand_place_on_ledger(
        demand=ledger.demand,
        actor=world.town_staff,
        tier="township",
        deadline=ledger.today + 10 * DAY,
        responsible_unit=world.town_a1,
        responsible_person=cadre_of(world.town_staff),
    )


def test_losing_a_race_keeps_the_typed_text_on_the_current_version(world, ledger, client_for):
    demand = _progress_demand(world, ledger)
    # Someone else reports progress while this user types the 办结 result on the version-1 page.
    demand_flow.demand_report_progress(demand=demand, actor=world.office_admin, note="他人的进展")
    client = client_for(world.town_staff)
    url = reverse("ledgers:demand_action", args=[demand.pk, "resolve"])
    response = client.post(url, {"resolve-version": 1, "resolve-resolution": "已协调修好道路，群众满意"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "该诉求已被他人更新" in html
    assert "他人的进展" in html  # the page shows the demand as it is now
    form = dict((a, f) for a, _label, f in response.context["action_forms"])["resolve"]
    assert form["resolution"].value() == "已协调修好道路，群众满意"
    assert "已协调修好道路，群众满意</textarea>" in html
    assert form["version"].value() == "2"
    demand.refresh_from_db()
    assert demand.status == Demand.Status.IN_PROGRESS
    # Submitting the kept form again, now that the user has seen the current state, succeeds.
    again = client.post(url, {"resolve-version": form["version"].value(), "resolve-resolution": "已协调修好道路"})
    assert again.status_code == 302
    demand.refresh_from_db()
    assert (demand.status, demand.resolution) == (Demand.Status.RESOLVED, "已协调修好道路")


def test_text_of_an_action_no_longer_possible_is_still_shown(world, ledger, client_for):
    demand = _progress_demand(world, ledger)
    demand_flow.demand_resolve(demand=demand, actor=world.office_admin, resolution="他人已办结")
    response = client_for(world.town_staff).post(
        reverse("ledgers:demand_action", args=[demand.pk, "progress"]),
        {"progress-version": 1, "progress-note": "我写了很长的进展说明"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "该诉求已被他人更新" in html
    assert 'data-testid="kept-input"' in html
    assert "我写了很长的进展说明</textarea>" in html
    assert 'data-testid="action-progress"' not in html  # 办结 already: no progress form to post


def test_bad_input_is_shown_next_to_the_field_with_the_rest_kept(world, ledger, client_for):
    demand = ledger.demand
    demand_flow.demand_resolve_on_spot(demand=demand, actor=world.town_staff, resolution="当场解决")
    response = client_for(world.town_staff).post(
        reverse("ledgers:demand_action", args=[demand.pk, "reply"]),
        {"reply-version": 1, "reply-channel": "letter", "reply-reply_text": "书面答复全文"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "书面答复全文</textarea>" in html
    form = dict((a, f) for a, _label, f in response.context["action_forms"])["reply"]
    assert "replied_on" in form.errors
    demand.refresh_from_db()
    assert demand.status == Demand.Status.RESOLVED


def test_the_chase_page_lists_the_three_things_to_chase_and_escalations(world, ledger, client_for):
    late = demand_flow.demand_raise(
        actor=world.town_staff,
        unit=world.village_a1,
        category=ledger.category,
        title="逾期",
        received_on=ledger.today - 9 * DAY,
    )
    overdue = demand_flow.demand_place_on_ledger(
        demand=late,
        actor=world.town_staff,
        tier="township",
        deadline=ledger.today - DAY,
        responsible_unit=world.town_a1,
        responsible_person=cadre_of(world.town_staff),
    )
    unowned = demand_flow.demand_raise(
        actor=world.town_staff, unit=world.village_a1, category=ledger.category, title="没人管"
    )
    answered = demand_flow.demand_raise(
        actor=world.town_staff, unit=world.village_a1, category=ledger.category, title="未回复"
    )
    demand_flow.demand_resolve_on_spot(demand=answered, actor=world.town_staff, resolution="当场解决")
    demand_flow.demand_escalate_overdue()
    chase = client_for(world.town_staff).get(reverse("ledgers:demand_chase")).context["chase"]
    assert overdue in chase.overdue
    assert unowned in chase.no_owner
    assert answered in chase.unreplied
    assert overdue not in chase.no_owner
    assert chase.escalated == []  # escalated to the county, not to the township
    leader = client_for(world.county_leader).get(reverse("ledgers:demand_chase")).context["chase"]
    assert [d.pk for d in leader.escalated] == [overdue.pk]
    assert leader.counts["overdue"] == 1


def test_a_standalone_demand_needs_a_person_or_household(world, ledger, client_for):
    client = client_for(world.town_staff)
    token = client.get(reverse("ledgers:demand_new")).context["form"].initial["token"]
    base = {
        "token": token,
        "source": "mailbox",
        "unit": world.village_a1.pk,
        "received_on": ledger.today.isoformat(),
        "category": ledger.category.pk,
        "title": "信件反映",
    }
    response = client.post(reverse("ledgers:demand_new"), base)
    assert response.context["form"].errors["person_name"] == ["请填写当事人姓名或户号。"]
    response = client.post(reverse("ledgers:demand_new"), {**base, "person_name": "钱五"})
    assert response.status_code == 302
    assert Demand.objects.get(title="信件反映").received_by == cadre_of(world.town_staff)


def test_navigation_offers_the_ledger_pages(world, ledger, client_for):
    html = client_for(world.town_staff).get(reverse("ledgers:visit_list")).content.decode()
    for label in ("录入走访", "四本账", "群众诉求", "访谈日", "接待日"):
        assert label in html
    assert Campaign.objects.exists()


def test_detail_pages_stay_within_a_query_budget(world, ledger, client_for, django_assert_max_num_queries):
    client = client_for(world.town_staff)
    for i in range(5):
        demand_flow.demand_raise(
            actor=world.town_staff,
            unit=world.village_a1,
            category=ledger.category,
            title=f"访谈{i}",
            forum=ledger.forum,
        )
    pages = [
        reverse("ledgers:demand_detail", args=[ledger.demand.pk]),
        reverse("ledgers:visit_detail", args=[ledger.visit.pk]),
        reverse("ledgers:visit_entry"),
    ]
    for url in pages:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_owner_choices_come_from_around_the_demand(world, ledger, client_for):
    response = client_for(world.office_admin).get(reverse("ledgers:demand_detail", args=[ledger.demand.pk]))
    form = dict((a, f) for a, _label, f in response.context["action_forms"])["place_on_ledger"]
    people = set(form.fields["coordinator"].queryset)
    assert cadre_of(world.town_staff) in people
    assert cadre_of(world.county_leader) in people  # the units above may coordinate
    assert cadre_of(world.sibling_town_staff) not in people
    # Who must finish it: the cadres of the unit proposed (the demand's village) until another is chosen.
    assert set(form.fields["responsible_person"].queryset) == {cadre_of(world.village_cadre)}
    units = set(form.fields["responsible_unit"].queryset)
    assert world.town_a1 in units
    assert world.town_b1 not in units


def test_the_printable_book_leads_back_to_the_same_book(world, ledger, client_for):
    response = client_for(world.town_staff).get(reverse("ledgers:ledger_book_print"), {"book": "bangfu"})
    back = f'href="{reverse("ledgers:ledger_books")}?book=bangfu"'
    assert back in response.content.decode()


def test_the_ledger_form_offers_the_chosen_units_cadres_and_refuses_an_outsider(world, ledger, client_for):
    client = client_for(world.office_admin)
    demand = ledger.demand
    html = client.get(demand.get_absolute_url()).content.decode()
    options = reverse("ledgers:demand_person_options", args=[demand.pk])
    assert f'hx-get="{options}"' in html
    assert 'hx-target="#id_place_on_ledger-responsible_person"' in html
    # The select reloads with the cadres of the unit chosen: the township and its villages only.
    town = client.get(options, {"place_on_ledger-responsible_unit": world.town_a1.pk}).content.decode()
    assert cadre_of(world.town_staff).name in town
    assert f'value="{cadre_of(world.village_cadre).pk}"' in town
    assert f'value="{cadre_of(world.county_leader).pk}"' not in town
    assert f'value="{cadre_of(world.sibling_town_staff).pk}"' not in town
    # Posting a cadre from above the unit is refused in Chinese and nothing changes.
    response = client.post(
        reverse("ledgers:demand_action", args=[demand.pk, "place_on_ledger"]),
        {
            "place_on_ledger-version": 0,
            "place_on_ledger-tier": "township",
            "place_on_ledger-deadline": (ledger.today + 10 * DAY).isoformat(),
            "place_on_ledger-responsible_unit": world.town_a1.pk,
            "place_on_ledger-responsible_person": cadre_of(world.county_leader).pk,
            "place_on_ledger-note": "请尽快办理",
        },
    )
    assert response.status_code == 200
    assert "所选责任人不属于责任单位或其下级单位" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == Demand.Status.RECEIVED


def test_the_demand_history_names_people_not_accounts(world, ledger, client_for):
    Cadre.objects.filter(user=world.town_staff).update(name="李镇干")
    Cadre.objects.filter(user=world.office_admin).update(name="王主任")
    world.superuser.first_name = "张办公"  # no cadre profile: the full name
    world.superuser.save()
    demand = ledger.demand  # raised (受理) by the superuser
    demand = demand_flow.demand_resolve_on_spot(demand=demand, actor=world.town_staff, resolution="当场解决")
    demand = reply_now(demand, world.town_staff, ledger)
    demand_flow.demand_close(demand=demand, actor=world.office_admin)
    plain = UserFactory(username="night_clerk")  # neither cadre nor name: the username
    DemandEvent.objects.create(demand=demand, actor=plain, action="progress", note="值班记录")
    html = client_for(world.office_admin).get(demand.get_absolute_url()).content.decode()
    assert "张办公 · " in html
    assert "李镇干 · " in html
    assert "王主任 · " in html
    assert "night_clerk · " in html
    assert "town_staff" not in html
    assert "office_admin" not in html
    assert "root · " not in html
    # 销号 line: who closed it, by name.
    assert f"{ledger.today:%Y-%m-%d} · 王主任</dd>" in html


def reply_now(demand, actor, ledger):
    return demand_flow.demand_reply(
        demand=demand,
        actor=actor,
        replied_on=ledger.today,
        channel="letter",
        reply_text="答复",
        copy_office=True,
        copy_liaison=False,
        copy_village=False,
    )


def test_closing_asks_for_confirmation_first(world, ledger, client_for):
    demand = demand_flow.demand_resolve_on_spot(demand=ledger.demand, actor=world.town_staff, resolution="当场解决")
    reply_now(demand, world.town_staff, ledger)
    html = client_for(world.office_admin).get(demand.get_absolute_url()).content.decode()
    close_form = html[html.index('data-testid="action-close"') - 200 : html.index('data-testid="action-close"') + 300]
    assert 'onsubmit="return confirm(this.dataset.confirm)"' in close_form
    assert "确定销号吗" in close_form
    assert html.count("return confirm(") == 1  # only the irreversible step asks
