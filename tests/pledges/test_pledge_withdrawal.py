"""Withdrawing an approved or published pledge from the public board (pledge_withdraw)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent
from core.roles import LEADER
from pledges.models import Pledge
from pledges.services import PledgeError, pledge_withdraw
from reminders.models import Reminder
from tests.factories import make_person
from tests.pledges.helpers import make_pledge

S = Pledge.ApprovalState


def _events(pledge, action, *, success=True):
    return AuditEvent.objects.filter(object_id=str(pledge.pk), action=action, success=success)


@pytest.mark.parametrize("state", ["approved", "published"])
def test_the_units_leader_withdraws_an_approved_or_published_pledge_with_a_reason(world, state):
    pledge = make_pledge(world, world.village_a1, state, progress=[(datetime.date(2026, 6, 1), 30, "已动工")])
    pledge = pledge_withdraw(pledge=pledge, user=world.county_leader, reason="  与县级项目重复，并入县级项目  ")
    pledge.refresh_from_db()
    assert pledge.approval_state == S.WITHDRAWN
    assert pledge.withdrawn_by == world.county_leader
    assert pledge.withdrawn_at is not None
    assert pledge.withdrawal_reason == "与县级项目重复，并入县级项目"
    assert pledge.percent == 30  # the progress stays on record
    event = _events(pledge, "ledgers.pledge_withdraw").get()
    assert event.detail["from"] == state
    assert event.detail["reason"] == "与县级项目重复，并入县级项目"


def test_the_campaign_office_may_withdraw(world):
    pledge = make_pledge(world, world.village_a2)
    assert pledge_withdraw(pledge=pledge, user=world.office_admin, reason="误公开").approval_state == S.WITHDRAWN


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_a_pledge_not_yet_approved_cannot_be_withdrawn(world, state):
    pledge = make_pledge(world, world.village_a1, state)
    with pytest.raises(PledgeError, match="只有已审批或已公开的承诺事项可以撤回"):
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="不做了")
    pledge.refresh_from_db()
    assert pledge.approval_state == state
    assert _events(pledge, "ledgers.pledge_withdraw", success=False).count() == 1


def test_withdrawing_twice_is_refused(world):
    pledge = make_pledge(world, world.village_a1)
    pledge_withdraw(pledge=pledge, user=world.county_leader, reason="重复")
    with pytest.raises(PledgeError, match="已撤回"):
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="再撤一次")


def test_a_completed_pledge_cannot_be_withdrawn(world):
    pledge = make_pledge(world, world.village_a1, progress=[(datetime.date(2026, 6, 1), 100, "已完工验收")])
    with pytest.raises(PledgeError, match="已完成的承诺事项不能撤回"):
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="撤回")


def test_a_reason_is_required(world):
    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(PledgeError, match="请填写撤回理由"):
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="   ")
    pledge.refresh_from_db()
    assert pledge.approval_state == S.PUBLISHED


def test_staff_without_the_permission_cannot_withdraw(world):
    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(PledgeError, match="只有本单位领导或活动办公室"):
        pledge_withdraw(pledge=pledge, user=world.town_staff, reason="撤回")


def test_a_leader_of_another_county_cannot_withdraw_and_the_page_is_404(world, client_for):
    other_leader = make_person("county_b_leader", world.county_b, LEADER, is_leader=True)
    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(PledgeError, match="无权处理本单位以外"):
        pledge_withdraw(pledge=pledge, user=other_leader, reason="撤回")
    client = client_for(other_leader)
    url = reverse("pledges:pledge_withdraw", args=[pledge.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "撤回"}).status_code == 404
    pledge.refresh_from_db()
    assert pledge.approval_state == S.PUBLISHED


def test_withdrawal_cancels_pending_reminders(world):
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        pledge = make_pledge(world, world.village_a1)
        pending = Reminder.objects.filter(kind="ledgers.pledge", object_id=pledge.pk, status="pending")
        assert pending.exists()
        pledge_withdraw(pledge=pledge, user=world.county_leader, reason="并入县级项目")
    assert not pending.exists()
    assert Reminder.objects.filter(kind="ledgers.pledge", object_id=pledge.pk, status="cancelled").exists()


def test_the_board_and_notice_no_longer_show_a_withdrawn_pledge(world, client):
    pledge = make_pledge(world, world.village_a1, title="村道路灯安装")
    board = reverse("pledges:public_board", args=[world.village_a1.code])
    notice = reverse("pledges:public_notice", args=[world.village_a1.code])
    assert "村道路灯安装" in client.get(board).content.decode()
    etag = client.get(board)["ETag"]
    pledge_withdraw(pledge=pledge, user=world.county_leader, reason="误公开")
    response = client.get(board, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200  # the board changed: no 304 on the old ETag
    assert "村道路灯安装" not in response.content.decode()
    assert "误公开" not in response.content.decode()
    assert "村道路灯安装" not in client.get(notice).content.decode()


def test_the_confirmation_page_withdraws_on_post_and_the_detail_page_shows_it(world, client_for):
    pledge = make_pledge(world, world.village_a1)
    client = client_for(world.county_leader)
    detail = client.get(pledge.get_absolute_url()).content.decode()
    assert 'data-testid="withdraw"' in detail
    url = reverse("pledges:pledge_withdraw", args=[pledge.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="confirm-withdraw"' in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200  # the form again, nothing changed
    pledge.refresh_from_db()
    assert pledge.approval_state == S.PUBLISHED
    response = client.post(url, {"reason": "并入县级项目"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.approval_state == S.WITHDRAWN
    detail = client.get(pledge.get_absolute_url()).content.decode()
    assert 'data-testid="withdrawn"' in detail
    assert "并入县级项目" in detail
    assert 'data-testid="withdraw"' not in detail
    # The page of an already withdrawn pledge explains why it cannot be withdrawn again.
    assert 'data-testid="withdraw-refused"' in client.get(url).content.decode()


def test_staff_see_no_withdraw_button(world, client_for):
    pledge = make_pledge(world, world.village_a1)
    detail = client_for(world.town_staff).get(pledge.get_absolute_url()).content.decode()
    assert 'data-testid="withdraw"' not in detail
    assert client_for(world.town_staff).get(reverse("pledges:pledge_withdraw", args=[pledge.pk])).status_code == 403


def test_the_database_refuses_a_withdrawn_pledge_without_its_record(world):
    from django.db import IntegrityError, transaction

    pledge = make_pledge(world, world.village_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(approval_state=S.WITHDRAWN)
