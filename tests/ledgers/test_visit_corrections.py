"""Correcting and deleting visits: who may, stale forms, reasons, and visits that raised a demand."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.concurrency import StaleEdit
from core.models import AuditEvent
from ledgers.models import HelpGiven, Visit
from ledgers.services import visit_can_change, visit_delete, visit_update
from tests.ledgers.conftest import cadre_of


@pytest.fixture
def cadre_visit(world, ledger):
    """A visit the village cadre made, with one help item and no demand."""
    visit = Visit.objects.create(
        cadre=cadre_of(world.village_cadre),
        household=ledger.h_a1,
        visited_on=ledger.today - datetime.timedelta(days=1),
        method=Visit.Method.HOME,
        ledger_book="bangfu",
        learned="家里缺劳力",
    )
    HelpGiven.objects.create(visit=visit, kind="condolence", amount=200)
    return visit


def edit_data(visit, **overrides):
    data = {
        "version": visit.version,
        "member": "",
        "cadre": visit.cadre_id,
        "visited_on": visit.visited_on.isoformat(),
        "method": visit.method,
        "ledger_book": visit.ledger_book,
        "campaign": visit.campaign_id or "",
        "learned": visit.learned,
        "needs": visit.needs,
        "help-TOTAL_FORMS": "8",
        "help-INITIAL_FORMS": "0",
        "help-MIN_NUM_FORMS": "0",
        "help-MAX_NUM_FORMS": "8",
    }
    data.update(overrides)
    return data


def test_who_may_correct_a_visit(world, ledger, cadre_visit):
    allowed = {name: visit_can_change(user=user, visit=cadre_visit) for name, user in world.users.items()}
    assert allowed == {
        "anonymous": False,
        "superuser": True,
        "office_admin": True,
        "county_leader": False,
        "town_staff": True,  # the township's data-entry staff
        "sibling_town_staff": False,  # another township
        "village_cadre": True,  # the visit's own cadre
        "auditor": False,
    }
    # A cadre may correct their own visits only.
    assert not visit_can_change(user=world.village_cadre, visit=ledger.visit)


def test_the_own_cadre_corrects_a_visit_and_its_help(world, cadre_visit):
    visit = visit_update(
        actor=world.village_cadre,
        visit=cadre_visit,
        fields={"method": "night", "learned": "家里缺劳力，孩子上学难"},
        help_items=[{"kind": "education", "amount": 500, "description": "助学金"}, {"kind": "condolence"}],
        expected_version=cadre_visit.version,
    )
    visit.refresh_from_db()
    assert (visit.method, visit.learned) == ("night", "家里缺劳力，孩子上学难")
    assert sorted(visit.help_items.values_list("kind", flat=True)) == ["condolence", "education"]
    event = AuditEvent.objects.get(action="ledgers.visit_update", object_id=str(visit.pk))
    assert event.detail["changed"]["method"] == ["home", "night"]
    assert event.detail["changed"]["help"] == [1, 2]


def test_another_cadre_and_a_leader_may_not_correct_a_visit(world, ledger, cadre_visit):
    for user, visit in ((world.village_cadre, ledger.visit), (world.county_leader, cadre_visit)):
        with pytest.raises(PermissionDenied):
            visit_update(actor=user, visit=visit, fields={"learned": "改"})
    assert Visit.objects.get(pk=cadre_visit.pk).learned == "家里缺劳力"


def test_a_stale_correction_is_refused(world, cadre_visit):
    loaded = cadre_visit.version
    visit_update(actor=world.town_staff, visit=cadre_visit, fields={"needs": "修路"}, expected_version=loaded)
    with pytest.raises(StaleEdit, match="在您填写期间，town_staff 于"):
        visit_update(actor=world.village_cadre, visit=cadre_visit, fields={"needs": "饮水"}, expected_version=loaded)
    assert Visit.objects.get(pk=cadre_visit.pk).needs == "修路"


def test_a_correction_cannot_move_the_visit_into_the_future_or_exceed_eight_help_items(world, cadre_visit):
    with pytest.raises(ValidationError, match="走访日期不能晚于今天"):
        visit_update(
            actor=world.town_staff,
            visit=cadre_visit,
            fields={"visited_on": timezone.localdate() + datetime.timedelta(days=3)},
        )
    with pytest.raises(ValidationError, match="最多登记 8 项"):
        visit_update(actor=world.town_staff, visit=cadre_visit, fields={}, help_items=[{"kind": "other"}] * 9)
    assert cadre_visit.help_items.count() == 1


def test_deleting_a_visit_needs_a_reason_and_is_audited(world, cadre_visit):
    with pytest.raises(ValidationError, match="必须说明原因"):
        visit_delete(actor=world.town_staff, visit=cadre_visit, reason="  ")
    pk = cadre_visit.pk
    visit_delete(actor=world.town_staff, visit=cadre_visit, reason="录错了农户")
    assert not Visit.objects.filter(pk=pk).exists()
    assert not HelpGiven.objects.filter(visit_id=pk).exists()
    event = AuditEvent.objects.get(action="ledgers.visit_delete", object_id=str(pk))
    assert event.detail["reason"] == "录错了农户"
    assert event.detail["learned"] == "家里缺劳力"


def test_a_visit_that_raised_a_demand_cannot_be_deleted(world, ledger):
    with pytest.raises(ValidationError, match="已提出诉求，不能删除"):
        visit_delete(actor=world.office_admin, visit=ledger.visit, reason="误录")
    assert Visit.objects.filter(pk=ledger.visit.pk).exists()
    assert not AuditEvent.objects.filter(action="ledgers.visit_delete").exists()


# ---- pages


def test_the_edit_page_saves_a_correction(world, cadre_visit, client_for):
    client = client_for(world.village_cadre)
    url = reverse("ledgers:visit_edit", args=[cadre_visit.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["helps"].forms[0].initial["kind"] == "condolence"
    data = edit_data(cadre_visit, method="phone", **{"help-0-kind": "medical", "help-0-amount": "80"})
    response = client.post(url, data)
    assert response.status_code == 302
    cadre_visit.refresh_from_db()
    assert cadre_visit.method == "phone"
    assert list(cadre_visit.help_items.values_list("kind", "amount")) == [("medical", 80)]


def test_the_edit_page_refuses_a_stale_form_in_chinese(world, cadre_visit, client_for):
    client = client_for(world.town_staff)
    url = reverse("ledgers:visit_edit", args=[cadre_visit.pk])
    data = edit_data(cadre_visit, learned="我的修改")
    Visit.objects.filter(pk=cadre_visit.pk).update(learned="别人的修改", version=F("version") + 1)
    response = client.post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "在您填写期间，这条记录已被他人修改，您的修改尚未保存。" in page
    assert "我的修改" in page
    assert Visit.objects.get(pk=cadre_visit.pk).learned == "别人的修改"


def test_the_edit_page_checks_help_items(world, cadre_visit, client_for):
    url = reverse("ledgers:visit_edit", args=[cadre_visit.pk])
    response = client_for(world.town_staff).post(url, edit_data(cadre_visit, **{"help-0-amount": "-3"}))
    assert response.status_code == 200
    assert response.context["helps"].forms[0].errors["amount"] == ["金额不能为负数。"]
    response = client_for(world.town_staff).post(url, edit_data(cadre_visit, **{"help-1-amount": "30"}))
    assert response.context["helps"].forms[1].errors["kind"] == ["填写了金额或内容，请选择帮扶措施。"]
    assert cadre_visit.help_items.get().kind == "condolence"


def test_correcting_is_refused_across_units_and_to_another_cadre(world, ledger, cadre_visit, client_for):
    url = reverse("ledgers:visit_edit", args=[cadre_visit.pk])
    assert client_for(world.sibling_town_staff).post(url, edit_data(cadre_visit)).status_code == 404
    assert client_for(world.county_leader).post(url, edit_data(cadre_visit)).status_code == 403
    other = reverse("ledgers:visit_edit", args=[ledger.visit.pk])
    assert client_for(world.village_cadre).post(other, edit_data(ledger.visit, learned="x")).status_code == 403
    delete = reverse("ledgers:visit_delete", args=[cadre_visit.pk])
    assert client_for(world.sibling_town_staff).post(delete, {"reason": "x"}).status_code == 404
    assert Visit.objects.get(pk=ledger.visit.pk).learned == "了解家庭情况"
    assert Visit.objects.filter(pk=cadre_visit.pk).exists()


def test_the_delete_page_needs_a_reason(world, cadre_visit, client_for):
    client = client_for(world.town_staff)
    url = reverse("ledgers:visit_delete", args=[cadre_visit.pk])
    loaded = cadre_visit.version
    response = client.post(url, {"version": loaded, "reason": ""})
    assert response.status_code == 200
    assert "请说明删除原因。" in response.content.decode()
    response = client.post(url, {"version": loaded, "reason": "重复录入"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ledgers:household_timeline", args=[cadre_visit.household_id])
    assert not Visit.objects.filter(pk=cadre_visit.pk).exists()


def test_the_delete_page_refuses_a_visit_with_a_demand(world, ledger, client_for):
    client = client_for(world.town_staff)
    url = reverse("ledgers:visit_delete", args=[ledger.visit.pk])
    page = client.get(url)
    assert 'data-testid="has-demands"' in page.content.decode()
    response = client.post(url, {"version": ledger.visit.version, "reason": "误录"})
    assert response.status_code == 200
    assert "已提出诉求，不能删除" in response.content.decode()
    assert Visit.objects.filter(pk=ledger.visit.pk).exists()


def test_the_timeline_and_the_visit_page_link_to_corrections_for_those_who_may(world, ledger, client_for):
    timeline = reverse("ledgers:household_timeline", args=[ledger.h_a1.pk])
    edit = reverse("ledgers:visit_edit", args=[ledger.visit.pk])
    assert edit in client_for(world.town_staff).get(timeline).content.decode()
    assert edit not in client_for(world.county_leader).get(timeline).content.decode()
    detail = client_for(world.town_staff).get(reverse("ledgers:visit_detail", args=[ledger.visit.pk]))
    assert reverse("ledgers:visit_delete", args=[ledger.visit.pk]) in detail.content.decode()
    detail = client_for(world.village_cadre).get(reverse("ledgers:visit_detail", args=[ledger.visit.pk]))
    assert edit not in detail.content.decode()
