"""The demand lifecycle: the one place a Demand changes state (件件有着落、事事有回音).

    received ──resolve_on_spot──▶ resolved ──reply──▶ replied ──close (campaign office)──▶ closed
        │                            ▲
        └─place_on_ledger─▶ on_ledger ─progress─▶ in_progress ─resolve─┘
    resolved / replied / closed ──reopen (with a reason)──▶ in_progress (or received if it has no owner)

Plan 003: problems that can be solved at once are handled on the spot; the rest go on a
rectification ledger by tier, category and deadline and are struck off (销号) when done; a
handled 信访稳定 matter gets a written reply in four copies (campaign office, liaison unit,
village, the person). Every transition is one transaction: the row is locked
(``select_for_update``), the caller's ``expected_version`` (from the page it acted on) must match,
the version is bumped, a DemandEvent and an audit event are written. Two people acting at once:
the second waits for the lock, then finds the version (or the state) moved and is refused.
"""

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core import dates
from core.audit import apply_field_changes, audit_record
from core.concurrency import StaleEdit, create_once, lock_version, stamp_version
from core.scoping import ancestor_paths
from org.leaders import nearest_leaders
from org.models import OrgUnit
from reminders.services import reminders_sync_for

from .models import Demand, DemandEvent

S = Demand.Status

# action → (allowed source states, target state or None when it depends on the demand)
TRANSITIONS = {
    "resolve_on_spot": ({S.RECEIVED}, S.RESOLVED),
    "place_on_ledger": ({S.RECEIVED}, S.ON_LEDGER),
    "assign": ({S.RECEIVED, S.ON_LEDGER, S.IN_PROGRESS}, None),
    "progress": ({S.ON_LEDGER, S.IN_PROGRESS}, S.IN_PROGRESS),
    "resolve": ({S.ON_LEDGER, S.IN_PROGRESS}, S.RESOLVED),
    "reply": ({S.RESOLVED}, S.REPLIED),
    "close": ({S.REPLIED}, S.CLOSED),
    "reopen": ({S.RESOLVED, S.REPLIED, S.CLOSED}, None),
}

ACTION_LABELS = {
    "raise": pgettext_lazy("demand action", "受理"),
    "resolve_on_spot": pgettext_lazy("demand action", "即时办结"),
    "place_on_ledger": pgettext_lazy("demand action", "列入整改台账"),
    "assign": pgettext_lazy("demand action", "调整责任"),
    "progress": pgettext_lazy("demand action", "报告进展"),
    "resolve": pgettext_lazy("demand action", "办结"),
    "reply": pgettext_lazy("demand action", "书面回复"),
    "close": pgettext_lazy("demand action", "销号"),
    "reopen": pgettext_lazy("demand action", "重新办理"),
    "escalate": pgettext_lazy("demand action", "逾期督办"),
}


class DemandFlowError(Exception):
    """A refused demand action; ``str(error)`` is the Chinese message shown to the user."""


class IllegalTransition(DemandFlowError):
    pass


class StaleDemand(DemandFlowError):
    pass


def allowed_actions(demand: Demand, user) -> list[str]:
    """The actions the page may offer for ``demand`` to ``user`` (no queries)."""
    forward_first = sorted(TRANSITIONS, key=lambda a: a in ("assign", "reopen"))
    actions = [a for a in forward_first if demand.status in TRANSITIONS[a][0]]
    if not user.has_perm("ledgers.change_demand"):
        return []
    if not user.has_perm("ledgers.close_demand"):
        actions = [a for a in actions if a != "close"]
    return actions


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied(_("您没有办理诉求的权限。"))


def _cadre_of(user):
    from org.models import Cadre

    return Cadre.objects.filter(user_id=user.pk).first()


def _lock_version(demand: Demand, expected_version: int | None) -> Demand:
    """The one lock-and-version step (core.concurrency.lock_version), refused as a demand refusal."""
    try:
        return lock_version(Demand.objects.all(), pk=demand.pk, expected_version=expected_version)
    except StaleEdit as exc:
        raise StaleDemand(_("该诉求已被他人更新，请刷新页面后再操作。") + exc.messages[0]) from exc


def _lock(demand: Demand, action: str, expected_version: int | None) -> Demand:
    locked = _lock_version(demand, expected_version)
    sources, _target = TRANSITIONS[action]
    if locked.status not in sources:
        raise IllegalTransition(
            _("诉求当前状态为“%(status)s”，不能执行“%(action)s”。")
            % {"status": locked.get_status_display(), "action": ACTION_LABELS[action]}
        )
    return locked


def _finish(demand: Demand, *, actor, action: str, from_status: str, note: str = "", detail=None) -> Demand:
    stamp_version(demand, actor=actor)
    demand.save()
    # Reminder rows change in this transaction: a moved deadline or a resolved demand never
    # waits for beat's sweep, and no broker is involved.
    reminders_sync_for(demand)
    DemandEvent.objects.create(
        demand=demand, actor=actor, action=action, from_status=from_status, to_status=demand.status, note=note
    )
    audit_record(
        action=f"ledgers.demand_{action}",
        actor=actor,
        obj=demand,
        detail={"from": from_status, "to": demand.status, "version": demand.version, **(detail or {})},
    )
    return demand


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


@transaction.atomic
def demand_resolve_on_spot(
    *, demand: Demand, actor, resolution: str, resolved_on=None, expected_version: int | None = None
) -> Demand:
    """Received → resolved at once (即时办理); the reply and 销号 still follow."""
    _require(actor, "ledgers.change_demand")
    if not resolution.strip():
        raise DemandFlowError(_("请填写办理结果。"))
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
        raise DemandFlowError(_("列入整改台账必须明确办结时限。"))
    if responsible_unit is None:
        raise DemandFlowError(_("列入整改台账必须明确责任单位。"))
    if deadline < received_on:
        raise DemandFlowError(_("办结时限不能早于受理日期。"))


def _check_person_in_unit(*, responsible_person, responsible_unit):
    """The person who must finish a demand works in its responsible unit or a unit below it."""
    if responsible_person is None or responsible_unit is None:
        return
    if not responsible_person.org_unit.path.startswith(responsible_unit.path):
        raise DemandFlowError(
            _("责任人%(person)s（%(their_unit)s）不属于责任单位%(unit)s，请选择该单位或其下级单位的干部。")
            % {
                "person": responsible_person.name,
                "their_unit": responsible_person.org_unit.name,
                "unit": responsible_unit.name,
            }
        )


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
    _require(actor, "ledgers.change_demand")
    if tier not in Demand.Tier.values:
        raise DemandFlowError(_("请选择整改层级。"))
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
    _require(actor, "ledgers.change_demand")
    demand = _lock(demand, "assign", expected_version)
    if demand.status != S.RECEIVED:
        _check_owner(
            deadline=deadline or demand.deadline, responsible_unit=responsible_unit, received_on=demand.received_on
        )
    elif deadline is not None and deadline < demand.received_on:
        raise DemandFlowError(_("办结时限不能早于受理日期。"))
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


@transaction.atomic
def demand_report_progress(*, demand: Demand, actor, note: str, expected_version: int | None = None) -> Demand:
    """Add a progress note; a demand on the ledger moves to in progress."""
    _require(actor, "ledgers.change_demand")
    if not note.strip():
        raise DemandFlowError(_("请填写进展情况。"))
    demand = _lock(demand, "progress", expected_version)
    from_status = demand.status
    demand.status = S.IN_PROGRESS
    return _finish(demand, actor=actor, action="progress", from_status=from_status, note=note)


@transaction.atomic
def demand_resolve(
    *, demand: Demand, actor, resolution: str, resolved_on=None, expected_version: int | None = None
) -> Demand:
    """On the ledger / in progress → resolved (办结)."""
    _require(actor, "ledgers.change_demand")
    if not resolution.strip():
        raise DemandFlowError(_("请填写办理结果。"))
    demand = _lock(demand, "resolve", expected_version)
    resolved_on = resolved_on or dates.today()
    if resolved_on < demand.received_on:
        raise DemandFlowError(_("办结日期不能早于受理日期。"))
    from_status = demand.status
    demand.status = S.RESOLVED
    demand.resolution = resolution
    demand.resolved_on = resolved_on
    return _finish(demand, actor=actor, action="resolve", from_status=from_status, note=resolution)


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
    _require(actor, "ledgers.change_demand")
    if channel not in Demand.ReplyChannel.values:
        raise DemandFlowError(_("请选择回复方式。"))
    if not reply_text.strip():
        raise DemandFlowError(_("请填写书面回复内容。"))
    demand = _lock(demand, "reply", expected_version)
    if demand.resolved_on and replied_on < demand.resolved_on:
        raise DemandFlowError(_("回复日期不能早于办结日期。"))
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


@transaction.atomic
def demand_close(*, demand: Demand, actor, note: str = "", expected_version: int | None = None) -> Demand:
    """Replied → closed (销号); only the campaign office (permission ledgers.close_demand)."""
    if not actor.has_perm("ledgers.close_demand"):
        raise PermissionDenied(_("只有活动办公室可以销号。"))
    demand = _lock(demand, "close", expected_version)
    from_status = demand.status
    demand.status = S.CLOSED
    demand.closed_on = dates.today()
    demand.closed_by = actor
    return _finish(demand, actor=actor, action="close", from_status=from_status, note=note)


@transaction.atomic
def demand_reopen(*, demand: Demand, actor, reason: str, expected_version: int | None = None) -> Demand:
    """Resolved / replied / closed → back to work, with a reason (the person was not satisfied…)."""
    _require(actor, "ledgers.change_demand")
    if not reason.strip():
        raise DemandFlowError(_("重新办理必须说明原因。"))
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
    writes an audit event with the old and new values. Raises StaleDemand, DemandFlowError.
    """
    _require(actor, "ledgers.change_demand")
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not a demand detail field: {sorted(unknown)}")
    locked = _lock_version(demand, expected_version)
    changed = apply_field_changes(locked, fields)
    member, household = locked.member, locked.household
    if member is not None and (household is None or member.household_id != household.pk):
        raise DemandFlowError(_("当事人不是该户的家庭成员。"))
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
