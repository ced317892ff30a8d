"""Every demand transition, legal and illegal, through the one service module."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from core.models import AuditEvent
from core.workflow import StaleRecord, TransitionRefused, WrongState
from ledgers import demand_flow
from ledgers.models import Demand, DemandEvent
from tests.factories import make_person
from tests.ledgers.conftest import cadre_of

S = Demand.Status
DAY = datetime.timedelta(days=1)


def make_demand(world, ledger, status, **extra):
    """A demand sitting in ``status`` with the fields that state requires."""
    fields = {
        "unit": world.village_a1,
        "category": ledger.category,
        "title": f"状态{status}",
        "received_on": ledger.today - 10 * DAY,
        "status": status,
    }
    if status in (S.ON_LEDGER, S.IN_PROGRESS, S.RESOLVED, S.REPLIED, S.CLOSED):
        fields.update(deadline=ledger.today + 5 * DAY, responsible_unit=world.town_a1, tier="township")
    if status in (S.RESOLVED, S.REPLIED, S.CLOSED):
        fields.update(resolved_on=ledger.today - 2 * DAY, resolution="已解决")
    if status in (S.REPLIED, S.CLOSED):
        fields.update(replied_on=ledger.today - DAY, reply_channel="letter", reply_text="答复")
    fields.update(extra)
    return Demand.objects.create(**fields)


def place(demand, world, ledger, actor=None, **kw):
    return demand_flow.demand_place_on_ledger(
        demand=demand,
        actor=actor or world.town_staff,
        tier="township",
        deadline=kw.pop("deadline", ledger.today + 10 * DAY),
        responsible_unit=kw.pop("responsible_unit", world.town_a1),
        responsible_person=cadre_of(world.town_staff),
        **kw,
    )


def reply(demand, actor, ledger, **kw):
    return demand_flow.demand_reply(
        demand=demand,
        actor=actor,
        replied_on=kw.pop("replied_on", ledger.today),
        channel=kw.pop("channel", "letter"),
        reply_text=kw.pop("reply_text", "已书面答复"),
        copy_office=True,
        copy_liaison=True,
        copy_village=False,
        **kw,
    )


CALLS = {
    "resolve_on_spot": lambda d, w, lg: demand_flow.demand_resolve_on_spot(
        demand=d, actor=w.town_staff, resolution="当场解决"
    ),
    "place_on_ledger": lambda d, w, lg: place(d, w, lg),
    "assign": lambda d, w, lg: demand_flow.demand_assign(
        demand=d, actor=w.town_staff, responsible_unit=w.town_a1, deadline=lg.today + 20 * DAY
    ),
    "progress": lambda d, w, lg: demand_flow.demand_report_progress(demand=d, actor=w.town_staff, note="正在协调"),
    "resolve": lambda d, w, lg: demand_flow.demand_resolve(demand=d, actor=w.town_staff, resolution="办结"),
    "reply": lambda d, w, lg: reply(d, w.town_staff, lg),
    "close": lambda d, w, lg: demand_flow.demand_close(demand=d, actor=w.office_admin),
    "reopen": lambda d, w, lg: demand_flow.demand_reopen(demand=d, actor=w.town_staff, reason="群众不满意"),
}
ILLEGAL = [
    (action, status)
    for action, transition in demand_flow.DEMAND_FLOW.transitions.items()
    for status in S.values
    if status not in transition.sources
]
LEGAL = [
    (action, status)
    for action, transition in demand_flow.DEMAND_FLOW.transitions.items()
    for status in sorted(transition.sources)
]


@pytest.mark.parametrize(("action", "status"), ILLEGAL)
def test_an_illegal_transition_is_refused_with_a_chinese_message(world, ledger, action, status):
    demand = make_demand(world, ledger, status)
    with pytest.raises(WrongState) as excinfo:
        CALLS[action](demand, world, ledger)
    assert "不能执行" in str(excinfo.value)
    assert str(S(status).label) in str(excinfo.value)
    demand.refresh_from_db()
    assert demand.status == status
    assert demand.version == 0
    assert not DemandEvent.objects.filter(demand=demand).exists()


@pytest.mark.parametrize(("action", "status"), LEGAL)
def test_a_legal_transition_moves_the_demand_and_is_audited(world, ledger, action, status):
    demand = make_demand(world, ledger, status)
    result = CALLS[action](demand, world, ledger)
    result.refresh_from_db()
    assert result.version == 1
    target = demand_flow.DEMAND_FLOW[action].target
    if target is not None:
        assert result.status == target
    event = DemandEvent.objects.get(demand=demand)
    assert (event.action, event.from_status, event.to_status) == (action, status, result.status)
    audit = AuditEvent.objects.get(action=f"ledgers.demand_{action}", object_id=str(demand.pk))
    assert audit.detail["from"] == status
    assert audit.unit == world.village_a1


def test_the_whole_path_from_visit_to_closed(world, ledger):
    demand = ledger.demand
    assert demand.status == S.RECEIVED
    demand = place(demand, world, ledger)
    demand = demand_flow.demand_report_progress(demand=demand, actor=world.town_staff, note="已对接国土所")
    demand = demand_flow.demand_resolve(demand=demand, actor=world.town_staff, resolution="补偿已发放")
    demand = reply(demand, world.town_staff, ledger)
    demand = demand_flow.demand_close(demand=demand, actor=world.office_admin, note="同意销号")
    demand.refresh_from_db()
    assert demand.status == S.CLOSED
    assert demand.closed_by == world.office_admin
    assert demand.closed_on == ledger.today
    actions = list(DemandEvent.objects.filter(demand=demand).values_list("action", flat=True))
    assert actions == ["raise", "place_on_ledger", "progress", "resolve", "reply", "close"]


def test_resolving_on_the_spot_still_needs_a_reply_before_closing(world, ledger):
    demand = demand_flow.demand_resolve_on_spot(demand=ledger.demand, actor=world.town_staff, resolution="当场答复")
    assert demand.resolved_on_spot
    assert demand.status == S.RESOLVED
    with pytest.raises(WrongState):
        demand_flow.demand_close(demand=demand, actor=world.office_admin)


def test_only_the_campaign_office_closes_a_demand(world, ledger):
    demand = make_demand(world, ledger, S.REPLIED)
    with pytest.raises(PermissionDenied):
        demand_flow.demand_close(demand=demand, actor=world.town_staff)
    with pytest.raises(PermissionDenied):
        demand_flow.demand_close(demand=demand, actor=world.county_leader)
    demand_flow.demand_close(demand=demand, actor=world.office_admin)


def test_readers_cannot_move_a_demand(world, ledger):
    with pytest.raises(PermissionDenied):
        demand_flow.demand_resolve_on_spot(demand=ledger.demand, actor=world.auditor, resolution="x")


def test_placing_on_the_ledger_needs_a_deadline_and_an_owner(world, ledger):
    with pytest.raises(TransitionRefused, match="办结时限"):
        place(ledger.demand, world, ledger, deadline=None)
    with pytest.raises(TransitionRefused, match="责任单位"):
        place(ledger.demand, world, ledger, responsible_unit=None)
    with pytest.raises(TransitionRefused, match="不能早于受理日期"):
        place(ledger.demand, world, ledger, deadline=ledger.demand.received_on - DAY)
    with pytest.raises(TransitionRefused, match="整改层级"):
        demand_flow.demand_place_on_ledger(
            demand=ledger.demand, actor=world.town_staff, tier="", deadline=ledger.today, responsible_unit=world.town_a1
        )


def test_the_responsible_person_must_work_in_the_responsible_unit_or_below(world, ledger):
    # A cadre of the city (above the unit) or of a sibling township is not who finishes a village matter.
    for outsider in (cadre_of(world.office_admin), cadre_of(world.sibling_town_staff)):
        with pytest.raises(TransitionRefused, match="不属于责任单位甲一镇"):
            demand_flow.demand_place_on_ledger(
                demand=ledger.demand,
                actor=world.town_staff,
                tier="township",
                deadline=ledger.today + 5 * DAY,
                responsible_unit=world.town_a1,
                responsible_person=outsider,
            )
    ledger.demand.refresh_from_db()
    assert ledger.demand.status == S.RECEIVED
    # A cadre of a village below the unit is fine, and so is the unit's own cadre.
    demand = demand_flow.demand_place_on_ledger(
        demand=ledger.demand,
        actor=world.town_staff,
        tier="township",
        deadline=ledger.today + 5 * DAY,
        responsible_unit=world.town_a1,
        responsible_person=cadre_of(world.village_cadre),
    )
    assert demand.responsible_person == cadre_of(world.village_cadre)
    # Reassigning checks the same rule.
    with pytest.raises(TransitionRefused, match="不属于责任单位甲一村"):
        demand_flow.demand_assign(
            demand=demand,
            actor=world.town_staff,
            responsible_unit=world.village_a1,
            responsible_person=cadre_of(world.town_staff),
        )


def test_empty_texts_are_refused(world, ledger):
    with pytest.raises(TransitionRefused, match="办理结果"):
        demand_flow.demand_resolve_on_spot(demand=ledger.demand, actor=world.town_staff, resolution="  ")
    resolved = make_demand(world, ledger, S.RESOLVED)
    with pytest.raises(TransitionRefused, match="书面回复内容"):
        reply(resolved, world.town_staff, ledger, reply_text="")
    with pytest.raises(TransitionRefused, match="回复方式"):
        reply(resolved, world.town_staff, ledger, channel="carrier_pigeon")
    with pytest.raises(TransitionRefused, match="回复日期不能早于办结日期"):
        reply(resolved, world.town_staff, ledger, replied_on=resolved.resolved_on - DAY)
    closed = make_demand(world, ledger, S.CLOSED)
    with pytest.raises(TransitionRefused, match="说明原因"):
        demand_flow.demand_reopen(demand=closed, actor=world.town_staff, reason="")


def test_reopening_a_closed_demand_sends_it_back_to_work_with_the_reason(world, ledger):
    closed = make_demand(world, ledger, S.CLOSED, closed_on=ledger.today, closed_by=world.office_admin)
    demand = demand_flow.demand_reopen(demand=closed, actor=world.town_staff, reason="群众反映未落实")
    assert demand.status == S.IN_PROGRESS
    assert demand.reopened_count == 1
    assert demand.closed_on is None
    assert demand.replied_on is None
    assert DemandEvent.objects.get(demand=demand).note == "群众反映未落实"


def test_reopening_an_on_the_spot_answer_without_owner_returns_it_to_received(world, ledger):
    demand = demand_flow.demand_resolve_on_spot(demand=ledger.demand, actor=world.town_staff, resolution="当场答复")
    demand = demand_flow.demand_reopen(demand=demand, actor=world.town_staff, reason="问题复发")
    assert demand.status == S.RECEIVED
    assert not demand.resolved_on_spot


def test_an_action_on_an_outdated_page_is_refused(world, ledger):
    demand = ledger.demand
    place(demand, world, ledger, expected_version=0)
    with pytest.raises(StaleRecord, match="已被他人更新"):
        demand_flow.demand_resolve_on_spot(demand=demand, actor=world.town_staff, resolution="x", expected_version=0)


def test_overdue_demands_are_escalated_once_to_the_unit_above_the_owner(world, ledger):
    demand = place(ledger.demand, world, ledger, deadline=ledger.today + DAY)
    assert demand_flow.demand_escalate_overdue(as_of=ledger.today) == 0
    assert demand_flow.demand_escalate_overdue(as_of=ledger.today + 2 * DAY) == 1
    assert demand_flow.demand_escalate_overdue(as_of=ledger.today + 3 * DAY) == 0
    demand.refresh_from_db()
    assert demand.escalated_to == world.county_a
    assert demand.escalated_at is not None
    assert AuditEvent.objects.filter(action="ledgers.demand_escalate", object_id=str(demand.pk)).count() == 1


def test_escalation_never_goes_to_the_responsible_person_but_to_the_next_leader_up(world, ledger):
    # Demo demand 18: a township's demand owned by the county leader himself (recorded before the
    # owner had to belong to the responsible unit). Escalating to his own county chases nobody.
    mayor = make_person("city_mayor", world.city, is_leader=True, name="市长")
    demand = make_demand(
        world,
        ledger,
        S.IN_PROGRESS,
        responsible_person=cadre_of(world.county_leader),
        deadline=ledger.today - DAY,
    )
    assert demand_flow.demand_escalate_overdue(as_of=ledger.today) == 1
    demand.refresh_from_db()
    assert demand.escalated_to == world.city
    event = DemandEvent.objects.get(demand=demand, action="escalate")
    assert "测试市市长督办" in event.note
    audit = AuditEvent.objects.get(action="ledgers.demand_escalate", object_id=str(demand.pk))
    assert audit.detail["leader"] == cadre_of(mayor).pk


def test_escalation_with_no_other_leader_above_goes_to_the_campaign_office(world, ledger):
    demand = make_demand(
        world,
        ledger,
        S.ON_LEDGER,
        responsible_person=cadre_of(world.county_leader),
        deadline=ledger.today - DAY,
        campaign=ledger.campaign,
    )
    demand_flow.demand_escalate_overdue(as_of=ledger.today)
    demand.refresh_from_db()
    assert demand.escalated_to == ledger.campaign.issuing_unit == world.city
    note = DemandEvent.objects.get(demand=demand, action="escalate").note
    assert "没有责任人以外的领导干部" in note
    assert "活动办公室" in note


def test_a_new_deadline_clears_the_escalation(world, ledger):
    demand = place(ledger.demand, world, ledger, deadline=ledger.today)
    demand_flow.demand_escalate_overdue(as_of=ledger.today + DAY)
    demand.refresh_from_db()
    demand = demand_flow.demand_assign(
        demand=demand, actor=world.county_leader, responsible_unit=world.town_a1, deadline=ledger.today + 9 * DAY
    )
    assert demand.escalated_to is None
    assert demand.escalated_at is None


def test_resolved_and_replied_demands_are_not_escalated(world, ledger):
    make_demand(world, ledger, S.RESOLVED, deadline=ledger.today - 5 * DAY)
    assert demand_flow.demand_escalate_overdue(as_of=ledger.today) == 0


def test_raising_twice_with_one_token_records_one_demand(world, ledger):
    import uuid

    token = uuid.uuid4()
    kwargs = {"actor": world.town_staff, "unit": world.village_a1, "category": ledger.category, "title": "重复提交"}
    first = demand_flow.demand_raise(idempotency_key=token, **kwargs)
    second = demand_flow.demand_raise(idempotency_key=token, **kwargs)
    assert first.pk == second.pk
    assert Demand.objects.filter(title="重复提交").count() == 1
    assert first.received_by == cadre_of(world.town_staff)


def _race(action_for, monkeypatch):
    """Run two transitions at once; the first holds the row lock a moment before writing."""
    original = demand_flow._finish

    def slow_finish(*args, **kwargs):
        time.sleep(0.4)
        return original(*args, **kwargs)

    monkeypatch.setattr(demand_flow, "_finish", slow_finish)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker(n):
        try:
            barrier.wait()
            time.sleep(0.05 * n)
            action_for(n)
            outcomes.append("won")
        except TransitionRefused as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_people_resolving_at_once_cannot_both_win(world, ledger, monkeypatch):
    demand = place(ledger.demand, world, ledger)
    users = [world.town_staff, world.office_admin]

    outcomes = _race(
        lambda n: demand_flow.demand_resolve(demand=Demand(pk=demand.pk), actor=users[n], resolution=f"办结{n}"),
        monkeypatch,
    )
    assert outcomes.count("won") == 1, outcomes
    assert any("不能执行" in o for o in outcomes if o != "won"), outcomes
    assert DemandEvent.objects.filter(demand=demand, action="resolve").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_people_acting_on_the_same_page_version_cannot_both_win(world, ledger, monkeypatch):
    demand = place(ledger.demand, world, ledger)
    version = Demand.objects.get(pk=demand.pk).version
    users = [world.town_staff, world.office_admin]

    def act(n):
        if n == 0:
            demand_flow.demand_report_progress(
                demand=Demand(pk=demand.pk), actor=users[n], note="进展", expected_version=version
            )
        else:
            demand_flow.demand_assign(
                demand=Demand(pk=demand.pk),
                actor=users[n],
                responsible_unit=world.town_a1,
                deadline=ledger.today + 30 * DAY,
                expected_version=version,
            )

    outcomes = _race(act, monkeypatch)
    assert outcomes.count("won") == 1, outcomes
    assert any("已被他人更新" in o for o in outcomes), outcomes
    assert Demand.objects.get(pk=demand.pk).version == version + 1


def test_the_escalation_command_and_task_can_run_twice(world, ledger):
    from django.core.management import call_command

    from ledgers.tasks import escalate_overdue_demands

    demand = make_demand(world, ledger, S.IN_PROGRESS, deadline=ledger.today - DAY)
    call_command("escalate_overdue_demands")
    assert escalate_overdue_demands() == 0
    demand.refresh_from_db()
    assert demand.escalated_to == world.county_a
