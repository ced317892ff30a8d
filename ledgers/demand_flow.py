"""The demand lifecycle: the one place a Demand changes state (件件有着落、事事有回音).

    received ──resolve_on_spot──▶ resolved ──reply──▶ replied ──close (campaign office)──▶ closed
        │                            ▲
        └─place_on_ledger─▶ on_ledger ─progress─▶ in_progress ─resolve─┘
    resolved / replied / closed ──reopen (with a reason)──▶ in_progress (or received if it has no owner)

Plan 003: problems that can be solved at once are handled on the spot; the rest go on a
rectification ledger by tier, category and deadline and are struck off (销号) when done; a
handled 信访稳定 matter gets a written reply in four copies (campaign office, liaison unit,
village, the person). ``DEMAND_FLOW`` is the table (core.workflow): every transition is one
transaction: the row is locked (``select_for_update``), the caller's ``expected_version`` (from
the page it acted on) must match, the version is bumped, a DemandEvent and an audit event are
written. Every refusal is a ``core.workflow.TransitionRefused``. Two people acting at once:
the second waits for the lock, then finds the version (or the state) moved and is refused.
"""

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core import dates
from core.audit import apply_field_changes, audit_record
from core.concurrency import create_once, stamp_version
from core.scoping import ancestor_paths
from core.workflow import Transition, TransitionRefused, Workflow
from org.leaders import nearest_leaders
from org.models import Cadre, OrgUnit
from reminders.services import reminders_sync_for

from .models import Demand, DemandEvent

S = Demand.Status


def _write_event(demand: Demand, *, actor, action: str, from_state: str, note: str) -> None:
    DemandEvent.objects.create(
        demand=demand, actor=actor, action=action, from_status=from_state, to_status=demand.status, note=note
    )


def _step(sources, target, label, *, permission="ledgers.change_demand", forbidden=None, action):
    return Transition(
        sources,
        target,
        permission=permission,
        audit_action=f"ledgers.demand_{action}",
        label=label,
        forbidden=forbidden,
    )


# The whole lifecycle; a target of None depends on the demand (assign keeps the state, reopen
# goes back to work or back to received).
DEMAND_FLOW = Workflow(
    model=Demand,
    transitions={
        "resolve_on_spot": _step(
            {S.RECEIVED}, S.RESOLVED, pgettext_lazy("demand action", "即时办结"), action="resolve_on_spot"
        ),
        "place_on_ledger": _step(
            {S.RECEIVED}, S.ON_LEDGER, pgettext_lazy("demand action", "列入整改台账"), action="place_on_ledger"
        ),
        "assign": _step(
            {S.RECEIVED, S.ON_LEDGER, S.IN_PROGRESS}, None, pgettext_lazy("demand action", "调整责任"), action="assign"
        ),
        "progress": _step(
            {S.ON_LEDGER, S.IN_PROGRESS}, S.IN_PROGRESS, pgettext_lazy("demand action", "报告进展"), action="progress"
        ),
        "resolve": _step(
            {S.ON_LEDGER, S.IN_PROGRESS}, S.RESOLVED, pgettext_lazy("demand action", "办结"), action="resolve"
        ),
        "reply": _step({S.RESOLVED}, S.REPLIED, pgettext_lazy("demand action", "书面回复"), action="reply"),
        # Only the campaign office strikes a demand off.
        "close": _step(
            {S.REPLIED},
            S.CLOSED,
            pgettext_lazy("demand action", "销号"),
            permission="ledgers.close_demand",
            forbidden=gettext_lazy("只有活动办公室可以销号。"),
            action="close",
        ),
        "reopen": _step(
            {S.RESOLVED, S.REPLIED, S.CLOSED}, None, pgettext_lazy("demand action", "重新办理"), action="reopen"
        ),
    },
    wrong_state=lambda *, state, action, target: (
        _("诉求当前状态为“%(status)s”，不能执行“%(action)s”。") % {"status": state, "action": action}
    ),
    stale=gettext_lazy("该诉求已被他人更新，请刷新页面后再操作。"),
    forbidden=gettext_lazy("您没有办理诉求的权限。"),
    history=_write_event,
    # Reminder rows change in this transaction: a moved deadline or a resolved demand never
    # waits for beat's sweep, and no broker is involved.
    after_save=reminders_sync_for,
    audit_version=True,
)

# Every step a demand's history can show: the transitions, and the two that are not one
# (receiving it, and the overdue sweep chasing it).
ACTION_LABELS = {
    "raise": pgettext_lazy("demand action", "受理"),
    **DEMAND_FLOW.labels(),
    "escalate": pgettext_lazy("demand action", "逾期督办"),
}


def allowed_actions(demand: Demand, user) -> list[str]:
    """The actions the page may offer for ``demand`` to ``user`` (no queries): forward steps
    first, then changing the owner and reopening; nothing at all without the right to handle it."""
    if not user.has_perm("ledgers.change_demand"):
        return []
    forward_first = sorted(DEMAND_FLOW.available(demand, user), key=lambda a: a in ("assign", "reopen"))
    return forward_first


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied(DEMAND_FLOW.forbidden)


def _cadre_of(user):
    return Cadre.objects.filter(user_id=user.pk).first()


def _lock(demand: Demand, action: str, expected_version: int | None) -> Demand:
    return DEMAND_FLOW.lock(demand, action, expected_version=expected_version)


def _finish(demand: Demand, *, actor, action: str, from_status: str, note: str = "", detail=None) -> Demand:
    return DEMAND_FLOW.finish(demand, actor=actor, action=action, from_state=from_status, note=note, detail=detail)


@transaction.atomic
def demand_raise(
    *,
    actor,
    unit,
    category,
    title: str,
    description: str = "",
    source: str = Demand.Source.VISIT,
    household=None,
    member=None,
    person_name: str = "",
    person_phone: str = "",
    visit=None,
    forum=None,
    reception_day=None,
    campaign=None,
    received_on: datetime.date | None = None,
    received_by=None,
    idempotency_key: uuid.UUID | None = None,
) -> Demand:
    """Record a new demand as received (受理) by ``received_by`` (default: ``actor``'s cadre).

    A repeated ``idempotency_key`` returns the demand already recorded. Writes an audit event.
    """
    _require(actor, "ledgers.add_demand")
    demand, _created = create_once(
        Demand,
        idempotency_key,
        lambda: _demand_raise(
            actor=actor,
            unit=unit,
            category=category,
            title=title,
            description=description,
            source=source,
            household=household,
            member=member,
            person_name=person_name,
            person_phone=person_phone,
            visit=visit,
            forum=forum,
            reception_day=reception_day,
            campaign=campaign,
            received_on=received_on,
            received_by=received_by,
            idempotency_key=idempotency_key,
        ),
    )
    return demand


def _demand_raise(*, actor, source, title, received_on, received_by, **fields) -> Demand:
    demand = Demand(
        **fields,
        title=title,
        source=source,
        received_on=received_on or dates.today(),
        received_by=received_by or _cadre_of(actor),
    )
    stamp_version(demand, actor=actor, created=True)
    demand.save()
    DemandEvent.objects.create(demand=demand, actor=actor, action="raise", to_status=demand.status, note=title)
    audit_record(action="ledgers.demand_raise", actor=actor, obj=demand, detail={"source": source})
    return demand


@DEMAND_FLOW.service("resolve_on_spot")
@transaction.atomic
def demand_resolve_on_spot(
    *, demand: Demand, actor, resolution: str, resolved_on=None, expected_version: int | None = None
) -> Demand:
    """Received → resolved at once (即时办理); the reply and 销号 still follow."""
    DEMAND_FLOW.require_permission(actor, "resolve_on_spot")
    if not resolution.strip():
        raise TransitionRefused(_("请填写办理结果。"))
    demand = _lock(demand, "resolve_on_spot", expected_version)
    from_status = demand.status
    demand.status = S.RESOLVED
    demand.resolved_on_spot = True
    demand.resolution = resolution
    demand.resolved_on = resolved_on or dates.today()
    if demand.responsible_person_id is None:
        demand.responsible_person = _cadre_of(actor)
    return _finish(demand, actor=actor, action="resolve_on_spot", from_status=from_status, note=resolution)


def _check_owner(*, deadline, responsible_unit, received_on):
    if deadline is None:
        raise TransitionRefused(_("列入整改台账必须明确办结时限。"))
    if responsible_unit is None:
        raise TransitionRefused(_("列入整改台账必须明确责任单位。"))
    if deadline < received_on:
        raise TransitionRefused(_("办结时限不能早于受理日期。"))


def _check_person_in_unit(*, responsible_person, responsible_unit):
    """The person who must finish a demand works in its responsible unit or a unit below it."""
    if responsible_person is None or responsible_unit is None:
        return
    if not responsible_person.org_unit.path.startswith(responsible_unit.path):
        raise TransitionRefused(
            _("责任人%(person)s（%(their_unit)s）不属于责任单位%(unit)s，请选择该单位或其下级单位的干部。")
            % {
                "person": responsible_person.name,
                "their_unit": responsible_person.org_unit.name,
                "unit": responsible_unit.name,
            }
        )


@DEMAND_FLOW.service("place_on_ledger")
@transaction.atomic
def demand_place_on_ledger(
    *,
    demand: Demand,
    actor,
    tier: str,
    deadline: datetime.date,
    responsible_unit,
    responsible_person=None,
    coordinator=None,
    note: str = "",
    expected_version: int | None = None,
) -> Demand:
    """Received → on the rectification ledger (整改台账) with tier, deadline and owner (四包).

    The responsible person, if named, must work in the responsible unit or below it.
    """
    DEMAND_FLOW.require_permission(actor, "place_on_ledger")
    if tier not in Demand.Tier.values:
        raise TransitionRefused(_("请选择整改层级。"))
    demand = _lock(demand, "place_on_ledger", expected_version)
    _check_owner(deadline=deadline, responsible_unit=responsible_unit, received_on=demand.received_on)
    _check_person_in_unit(responsible_person=responsible_person, responsible_unit=responsible_unit)
    from_status = demand.status
    demand.status = S.ON_LEDGER
    demand.tier = tier
    demand.deadline = deadline
    demand.responsible_unit = responsible_unit
    demand.responsible_person = responsible_person
    demand.coordinator = coordinator
    return _finish(
        demand,
        actor=actor,
        action="place_on_ledger",
        from_status=from_status,
        note=note,
        detail={"deadline": deadline, "tier": tier, "responsible_unit": responsible_unit.pk},
    )


@DEMAND_FLOW.service("assign")
@transaction.atomic
def demand_assign(
    *,
    demand: Demand,
    actor,
    responsible_unit,
    responsible_person=None,
    coordinator=None,
    deadline: datetime.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Demand:
    """Change who coordinates and who must finish an open demand (and its deadline)."""
    DEMAND_FLOW.require_permission(actor, "assign")
    demand = _lock(demand, "assign", expected_version)
    if demand.status != S.RECEIVED:
        _check_owner(
            deadline=deadline or demand.deadline, responsible_unit=responsible_unit, received_on=demand.received_on
        )
    elif deadline is not None and deadline < demand.received_on:
        raise TransitionRefused(_("办结时限不能早于受理日期。"))
    _check_person_in_unit(responsible_person=responsible_person, responsible_unit=responsible_unit)
    from_status = demand.status
    demand.responsible_unit = responsible_unit
    demand.responsible_person = responsible_person
    demand.coordinator = coordinator
    if deadline is not None:
        if deadline != demand.deadline:
            demand.escalated_at = None
            demand.escalated_to = None
        demand.deadline = deadline
    return _finish(demand, actor=actor, action="assign", from_status=from_status, note=note)


@DEMAND_FLOW.service("progress")
@transaction.atomic
def demand_report_progress(*, demand: Demand, actor, note: str, expected_version: int | None = None) -> Demand:
    """Add a progress note; a demand on the ledger moves to in progress."""
    DEMAND_FLOW.require_permission(actor, "progress")
    if not note.strip():
        raise TransitionRefused(_("请填写进展情况。"))
    demand = _lock(demand, "progress", expected_version)
    from_status = demand.status
    demand.status = S.IN_PROGRESS
    return _finish(demand, actor=actor, action="progress", from_status=from_status, note=note)


@DEMAND_FLOW.service("resolve")
@transaction.atomic
def demand_resolve(
    *, demand: Demand, actor, resolution: str, resolved_on=None, expected_version: int | None = None
) -> Demand:
    """On the ledger / in progress → resolved (办结)."""
    DEMAND_FLOW.require_permission(actor, "resolve")
    if not resolution.strip():
        raise TransitionRefused(_("请填写办理结果。"))
    demand = _lock(demand, "resolve", expected_version)
    resolved_on = resolved_on or dates.today()
    if resolved_on < demand.received_on:
        raise TransitionRefused(_("办结日期不能早于受理日期。"))
    from_status = demand.status
    demand.status = S.RESOLVED
    demand.resolution = resolution
    demand.resolved_on = resolved_on
    return _finish(demand, actor=actor, action="resolve", from_status=from_status, note=resolution)


@DEMAND_FLOW.service("reply")
@transaction.atomic
def demand_reply(
    *,
    demand: Demand,
    actor,
    replied_on: datetime.date,
    channel: str,
    reply_text: str,
    copy_office: bool,
    copy_liaison: bool,
    copy_village: bool,
    expected_version: int | None = None,
) -> Demand:
    """Resolved → replied: the written reply to the person, with its copies (一式四份)."""
    DEMAND_FLOW.require_permission(actor, "reply")
    if channel not in Demand.ReplyChannel.values:
        raise TransitionRefused(_("请选择回复方式。"))
    if not reply_text.strip():
        raise TransitionRefused(_("请填写书面回复内容。"))
    demand = _lock(demand, "reply", expected_version)
    if demand.resolved_on and replied_on < demand.resolved_on:
        raise TransitionRefused(_("回复日期不能早于办结日期。"))
    from_status = demand.status
    demand.status = S.REPLIED
    demand.replied_on = replied_on
    demand.reply_channel = channel
    demand.reply_text = reply_text
    demand.reply_copy_office = copy_office
    demand.reply_copy_liaison = copy_liaison
    demand.reply_copy_village = copy_village
    return _finish(
        demand,
        actor=actor,
        action="reply",
        from_status=from_status,
        note=reply_text,
        detail={"channel": channel, "copies": [copy_office, copy_liaison, copy_village]},
    )


@DEMAND_FLOW.service("close")
@transaction.atomic
def demand_close(*, demand: Demand, actor, note: str = "", expected_version: int | None = None) -> Demand:
    """Replied → closed (销号); only the campaign office (permission ledgers.close_demand)."""
    DEMAND_FLOW.require_permission(actor, "close")
    demand = _lock(demand, "close", expected_version)
    from_status = demand.status
    demand.status = S.CLOSED
    demand.closed_on = dates.today()
    demand.closed_by = actor
    return _finish(demand, actor=actor, action="close", from_status=from_status, note=note)


@DEMAND_FLOW.service("reopen")
@transaction.atomic
def demand_reopen(*, demand: Demand, actor, reason: str, expected_version: int | None = None) -> Demand:
    """Resolved / replied / closed → back to work, with a reason (the person was not satisfied…)."""
    DEMAND_FLOW.require_permission(actor, "reopen")
    if not reason.strip():
        raise TransitionRefused(_("重新办理必须说明原因。"))
    demand = _lock(demand, "reopen", expected_version)
    from_status = demand.status
    has_owner = demand.responsible_unit_id is not None and demand.deadline is not None
    demand.status = S.IN_PROGRESS if has_owner else S.RECEIVED
    demand.reopened_count += 1
    demand.resolved_on = None
    demand.resolved_on_spot = False
    demand.replied_on = None
    demand.closed_on = None
    demand.closed_by = None
    return _finish(demand, actor=actor, action="reopen", from_status=from_status, note=reason)


# What a back-office user may correct on a demand without a transition: what it is about and
# who raised it. Everything the lifecycle sets (status, owner, deadline, dates, reply) is not here.
DETAIL_FIELDS = (
    "campaign",
    "category",
    "title",
    "description",
    "person_name",
    "person_phone",
    "household",
    "member",
)


@transaction.atomic
def demand_update_details(*, demand: Demand, actor, fields: dict, expected_version: int | None = None) -> Demand:
    """Correct a demand's descriptive fields (typos, category); never its lifecycle.

    Locks the row and checks ``expected_version`` like a transition, saves only the named fields
    (a stale copy of the row cannot roll back a transition made meanwhile), bumps the version and
    writes an audit event with the old and new values. Raises TransitionRefused (StaleRecord when the version moved).
    """
    _require(actor, "ledgers.change_demand")
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not a demand detail field: {sorted(unknown)}")
    locked = DEMAND_FLOW.lock(demand, expected_version=expected_version)
    changed = apply_field_changes(locked, fields)
    member, household = locked.member, locked.household
    if member is not None and (household is None or member.household_id != household.pk):
        raise TransitionRefused(_("当事人不是该户的家庭成员。"))
    if not changed:
        return locked
    locked.full_clean(exclude=["idempotency_key"])
    stamped = stamp_version(locked, actor=actor)
    locked.save(update_fields=[*changed, *stamped, "updated_at"])
    audit_record(action="ledgers.demand_update", actor=actor, obj=locked, detail={"changed": changed})
    return locked


def escalation_target(demand: Demand):
    """Where an overdue demand goes (逾期督办): ``(unit, leader)``, the leader being who chases it.

    Walks up from the responsible unit (else the demand's unit) to the nearest unit with an active
    leader who is not the demand's responsible person: escalating to the person who already owns
    it chases nobody. The responsible unit's own other leaders are the last resort. With no such
    leader anywhere above, it goes to the campaign office (the campaign's issuing unit, else the
    top unit) with no leader named. Two queries.
    """
    base = demand.responsible_unit or demand.unit
    paths = [*reversed(ancestor_paths(base)), base.path]  # nearest first, the unit itself last
    found = nearest_leaders({demand.pk: (paths, demand.responsible_person_id)})[demand.pk]
    if found:
        return found[0].org_unit, found[0]
    office = demand.campaign.issuing_unit if demand.campaign_id else None
    return office or OrgUnit.objects.get(path=paths[0]), None


@transaction.atomic
def demand_escalate_overdue(*, as_of: datetime.date | None = None, actor=None) -> int:
    """Mark open demands past their deadline as escalated to the next unit up (逾期督办).

    Idempotent: a demand already escalated is not escalated again (a new deadline resets it).
    Returns how many demands were escalated now; each one gets an event and an audit record.
    """
    as_of = as_of or dates.today()
    due = (
        Demand.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status__in=[S.ON_LEDGER, S.IN_PROGRESS], deadline__lt=as_of, escalated_at__isnull=True)
        .select_related("responsible_unit", "unit", "campaign__issuing_unit")
    )
    count = 0
    now = timezone.now()
    for demand in due:
        unit, leader = escalation_target(demand)
        demand.escalated_at = now
        demand.escalated_to = unit
        stamped = stamp_version(demand, actor=actor)
        demand.save(update_fields=["escalated_at", "escalated_to", *stamped, "updated_at"])
        if leader is not None:
            note = _("超过办结时限（%(deadline)s），报送%(unit)s%(leader)s督办。") % {
                "deadline": demand.deadline.isoformat(),
                "unit": unit.name,
                "leader": leader.name,
            }
        else:
            note = _("超过办结时限（%(deadline)s），上级单位没有责任人以外的领导干部，报送%(unit)s活动办公室督办。") % {
                "deadline": demand.deadline.isoformat(),
                "unit": unit.name,
            }
        DemandEvent.objects.create(
            demand=demand, actor=actor, action="escalate", from_status=demand.status, to_status=demand.status, note=note
        )
        audit_record(
            action="ledgers.demand_escalate",
            actor=actor,
            obj=demand,
            detail={
                "deadline": demand.deadline,
                "escalated_to": demand.escalated_to_id,
                "leader": leader.pk if leader is not None else None,
            },
        )
        count += 1
    return count
