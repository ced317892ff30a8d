"""The approval workflow (one service) and amendments after approval."""

import datetime

import pytest

from core.models import AuditEvent
from pledges.models import Pledge, PledgeAmendment
from pledges.services import (
    PledgeError,
    available_actions,
    pledge_amend,
    pledge_create,
    pledge_transition,
    pledge_update,
)
from tests.pledges.helpers import NEXT_YEAR, make_pledge, pledge_fields

S = Pledge.ApprovalState


def _events(pledge, action):
    return AuditEvent.objects.filter(object_id=str(pledge.pk), action=action)


def test_staff_create_a_draft_pledge_for_their_township(world):
    pledge, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=pledge_fields(world, world.village_a1)
    )
    assert pledge.approval_state == S.DRAFT
    assert pledge.status == Pledge.Status.NOT_STARTED
    assert pledge.created_by == world.town_staff
    assert _events(pledge, "ledgers.pledge_create").count() == 1


def test_staff_cannot_create_a_pledge_for_a_sibling_township(world):
    with pytest.raises(PledgeError, match="只能选择本单位及下级单位"):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=pledge_fields(world, world.village_a2)
        )


def test_a_village_cadre_may_not_create_pledges(world):
    with pytest.raises(PledgeError, match="没有录入承诺事项的权限"):
        pledge_create(
            filed_on=datetime.date(2026, 1, 5), user=world.village_cadre, fields=pledge_fields(world, world.village_a1)
        )


def test_public_text_with_a_phone_or_id_number_is_refused(world):
    fields = pledge_fields(world, world.village_a1, content="联系张大姐 13912345678 办理")
    with pytest.raises(PledgeError, match="不能包含手机号"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)
    fields = pledge_fields(world, world.village_a1, target="为 37160219680512002X 代办")
    with pytest.raises(PledgeError, match="不能包含手机号"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)


def test_full_workflow_submit_approve_publish_records_every_transition(world):
    pledge, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=pledge_fields(world, world.village_a1)
    )
    pledge = pledge_transition(pledge=pledge, user=world.town_staff, action="submit")
    assert pledge.approval_state == S.SUBMITTED
    assert pledge.submitted_at is not None
    pledge = pledge_transition(pledge=pledge, user=world.county_leader, action="approve")
    assert pledge.approval_state == S.APPROVED
    assert pledge.approved_by == world.county_leader
    assert pledge.approved_at is not None
    pledge = pledge_transition(pledge=pledge, user=world.county_leader, action="publish")
    assert pledge.approval_state == S.PUBLISHED
    assert pledge.published_at is not None
    for action in ("submit", "approve", "publish"):
        event = _events(pledge, f"ledgers.pledge_{action}").get()
        assert event.success
        assert event.unit == world.village_a1
    assert _events(pledge, "ledgers.pledge_approve").get().actor == world.county_leader


def test_leader_returns_a_pledge_with_a_comment_and_staff_resubmit(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    pledge = pledge_transition(pledge=pledge, user=world.county_leader, action="return", comment="目标不具体")
    assert pledge.approval_state == S.RETURNED
    assert pledge.return_comment == "目标不具体"
    pledge = pledge_update(pledge=pledge, user=world.town_staff, fields={"target": "年底前开放，每周三天"})
    pledge = pledge_transition(pledge=pledge, user=world.town_staff, action="submit")
    assert pledge.approval_state == S.SUBMITTED
    assert _events(pledge, "ledgers.pledge_return").get().detail["comment"] == "目标不具体"


def test_returning_without_a_comment_is_refused(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    with pytest.raises(PledgeError, match="必须填写退回意见"):
        pledge_transition(pledge=pledge, user=world.county_leader, action="return", comment="  ")


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "approve"),
        ("draft", "publish"),
        ("draft", "return"),
        ("submitted", "submit"),
        ("submitted", "publish"),
        ("approved", "approve"),
        ("approved", "submit"),
        ("approved", "return"),
        ("published", "publish"),
        ("published", "submit"),
        ("returned", "approve"),
        ("returned", "publish"),
    ],
)
def test_illegal_transitions_are_refused_in_chinese_and_audited(world, state, action):
    pledge = make_pledge(world, world.village_a1, state)
    with pytest.raises(PledgeError) as excinfo:
        pledge_transition(pledge=pledge, user=world.superuser, action=action, comment="意见")
    assert "不能执行" in excinfo.value.messages[0]
    pledge.refresh_from_db()
    assert pledge.approval_state == state
    refused = _events(pledge, f"ledgers.pledge_{action}").filter(success=False)
    assert refused.count() == 1


def test_unknown_action_is_refused(world):
    pledge = make_pledge(world, world.village_a1, "draft")
    with pytest.raises(PledgeError, match="未知的操作"):
        pledge_transition(pledge=pledge, user=world.superuser, action="delete")


def test_an_unknown_action_is_audited_as_a_refused_unknown_step(world):
    pledge = make_pledge(world, world.village_a1, "draft")
    with pytest.raises(PledgeError):
        pledge_transition(pledge=pledge, user=world.superuser, action="delete")
    refused = AuditEvent.objects.get(action="ledgers.pledge_unknown_step", object_id=str(pledge.pk))
    assert not refused.success
    assert refused.detail["action"] == "delete"
    assert refused.action_label == "承诺事项：未知的操作（已拒绝）"


def test_staff_cannot_approve_even_in_their_own_unit(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    with pytest.raises(PledgeError, match="只有本单位领导"):
        pledge_transition(pledge=pledge, user=world.town_staff, action="approve")


def test_a_leader_cannot_approve_a_pledge_of_another_county(world):
    pledge = make_pledge(world, world.village_b1, "submitted")
    with pytest.raises(PledgeError, match="本单位以外"):
        pledge_transition(pledge=pledge, user=world.county_leader, action="approve")


def test_an_internal_pledge_is_approved_but_never_published(world):
    pledge = make_pledge(world, world.village_a1, "approved", visibility=Pledge.Visibility.INTERNAL)
    with pytest.raises(PledgeError, match="内部事项不能在公示栏公开"):
        pledge_transition(pledge=pledge, user=world.county_leader, action="publish")


def test_a_stale_copy_cannot_approve_twice(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    stale = Pledge.objects.get(pk=pledge.pk)
    pledge_transition(pledge=pledge, user=world.county_leader, action="approve")
    with pytest.raises(PledgeError, match="已审批"):
        pledge_transition(pledge=stale, user=world.county_leader, action="approve")
    assert _events(pledge, "ledgers.pledge_approve").filter(success=True).count() == 1


def test_available_actions_follow_role_and_state(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    assert available_actions(pledge=pledge, user=world.town_staff) == []
    assert available_actions(pledge=pledge, user=world.county_leader) == ["approve", "return"]
    draft = make_pledge(world, world.village_a1, "draft")
    assert available_actions(pledge=draft, user=world.town_staff) == ["submit"]


def test_after_approval_content_cannot_be_edited_directly(world):
    pledge = make_pledge(world, world.village_a1, "approved")
    with pytest.raises(PledgeError, match="变更程序"):
        pledge_update(pledge=pledge, user=world.town_staff, fields={"content": "改了"})


def test_submitted_pledges_are_locked_too(world):
    pledge = make_pledge(world, world.village_a1, "submitted")
    with pytest.raises(PledgeError):
        pledge_update(pledge=pledge, user=world.town_staff, fields={"title": "改名"})


def test_an_amendment_after_approval_records_old_new_reason_and_who(world):
    pledge = make_pledge(world, world.village_a1, "published")
    amendment = pledge_amend(
        pledge=pledge,
        user=world.county_leader,
        field="deadline",
        new_value=datetime.date(NEXT_YEAR, 8, 31),
        reason="汛期施工困难，延后两个月",
    )
    pledge.refresh_from_db()
    assert pledge.deadline == datetime.date(NEXT_YEAR, 8, 31)
    assert (amendment.old_value, amendment.new_value) == ("2026-06-30", f"{NEXT_YEAR}-08-31")
    assert amendment.amended_by == world.county_leader
    assert amendment.reason == "汛期施工困难，延后两个月"
    event = _events(pledge, "ledgers.pledge_amend").get()
    assert event.detail["old"] == "2026-06-30"


def test_amending_content_keeps_the_old_text(world):
    pledge = make_pledge(world, world.village_a1, "approved")
    pledge_amend(pledge=pledge, user=world.county_leader, field="content", new_value="新内容", reason="群众建议")
    amendment = PledgeAmendment.objects.get(pledge=pledge)
    assert amendment.old_value == "修缮妇女之家活动室，添置图书。"
    assert amendment.new_value == "新内容"


@pytest.mark.parametrize(
    ("field", "value", "reason", "message"),
    [
        ("title", "新名字", "理由", "只能变更"),
        ("content", "新内容", "", "变更理由"),
        ("content", "", "理由", "不能为空"),
        ("content", "修缮妇女之家活动室，添置图书。", "理由", "相同"),
        ("content", "联系 13912345678", "理由", "不能包含手机号"),
    ],
)
def test_bad_amendments_are_refused(world, field, value, reason, message):
    pledge = make_pledge(world, world.village_a1, "approved")
    with pytest.raises(PledgeError, match=message):
        pledge_amend(pledge=pledge, user=world.county_leader, field=field, new_value=value, reason=reason)
    assert not PledgeAmendment.objects.exists()


def test_amendments_are_for_approved_pledges_and_for_leaders(world):
    draft = make_pledge(world, world.village_a1, "draft")
    with pytest.raises(PledgeError, match="直接修改"):
        pledge_amend(pledge=draft, user=world.county_leader, field="content", new_value="x", reason="y")
    approved = make_pledge(world, world.village_a1, "approved")
    with pytest.raises(PledgeError, match="只有本单位领导"):
        pledge_amend(pledge=approved, user=world.town_staff, field="content", new_value="x", reason="y")


def test_origin_kind_none_drops_a_stray_origin_id(world):
    pledge, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5),
        user=world.town_staff,
        fields=pledge_fields(world, world.village_a1, origin_kind="none", origin_object_id=5),
    )
    assert pledge.origin_object_id is None
    assert pledge.origin_object() is None


def test_an_origin_id_that_names_no_forum_is_refused(world):
    fields = pledge_fields(world, world.village_a1, origin_kind="forum", origin_object_id=7, origin_note="6月座谈会")
    with pytest.raises(PledgeError, match="来源编号不存在"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)


def test_a_plan_step_is_a_pledge_origin_when_the_user_sees_it(world):
    from campaigns.models import Milestone
    from tests.pledges.helpers import make_campaign

    step = Milestone.objects.create(
        campaign=make_campaign(world), number=4, name="明确为妇女儿童办实事项目", due_date=datetime.date(2026, 4, 30)
    )
    fields = pledge_fields(world, world.village_a1, origin_kind="milestone", origin_object_id=step.pk)
    pledge, _created = pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)
    assert pledge.origin_object() == step
    other = make_campaign(world, title="乙县方案", document_number="乙", issuing_unit=world.county_b)
    hidden = Milestone.objects.create(campaign=other, number=1, name="乙县环节", due_date=datetime.date(2026, 4, 30))
    fields = pledge_fields(world, world.village_a1, origin_kind="milestone", origin_object_id=hidden.pk)
    with pytest.raises(PledgeError, match="来源编号不存在"):
        pledge_create(filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=fields)


def test_a_double_submitted_new_pledge_makes_one_draft(world):
    first, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=pledge_fields(world, world.village_a1)
    )
    again, _created = pledge_create(
        filed_on=datetime.date(2026, 1, 5), user=world.town_staff, fields=pledge_fields(world, world.village_a1)
    )
    assert first.pk == again.pk
    assert Pledge.objects.count() == 1
    assert _events(first, "ledgers.pledge_create").count() == 1


def test_withdrawing_is_a_row_of_the_table_but_not_an_approval_step(world):
    from core.workflow import WORKFLOWS, TransitionRefused
    from pledges.services import PLEDGE_FLOW

    assert PLEDGE_FLOW in WORKFLOWS
    assert PLEDGE_FLOW["withdraw"].sources == {S.APPROVED, S.PUBLISHED}
    pledge = make_pledge(world, world.village_a1, "published")
    # Withdrawing needs its reason and its own page: the approval buttons never offer it.
    assert "withdraw" not in available_actions(pledge=pledge, user=world.county_leader)
    with pytest.raises(TransitionRefused, match="未知的操作"):
        pledge_transition(pledge=pledge, user=world.county_leader, action="withdraw")
    pledge.refresh_from_db()
    assert pledge.approval_state == S.PUBLISHED
    assert _events(pledge, "ledgers.pledge_unknown_step").get().detail["action"] == "withdraw"
