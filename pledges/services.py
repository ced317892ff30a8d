"""Writes for pledges (承诺事项): the only code that changes a Pledge, its progress or amendments.

The approval workflow is the table ``PLEDGE_FLOW`` (core.workflow): draft → submitted → approved
/ returned → published, and withdrawn from approved or published (a leader's or the office's act,
``pledge_withdraw``). ``pledge_transition`` takes the four approval steps. Status (未启动, 办理中,
已完成, 已逾期) is derived by ``derive_status`` and stored by these services and by the daily sweep
``pledge_refresh_statuses``.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from campaigns.selectors import unit_takes_part
from core import dates
from core.audit import audit_record
from core.concurrency import create_once, lock_version, stamp_version
from core.masking import validate_public_text
from core.scoping import user_can_see_unit
from core.workflow import Transition, TransitionRefused, Workflow
from reminders.services import reminders_sync_for

from .audit import PledgesAudit
from .models import Pledge, PledgeAmendment, PledgeProgress
from .origins import origin_queryset
from .validators import validate_pledge_deadline

State = Pledge.ApprovalState
Status = Pledge.Status

# Fields staff fill in before approval (pledge_create / pledge_update).
EDITABLE_FIELDS = (
    "campaign",
    "org_unit",
    "category",
    "title",
    "content",
    "target",
    "deadline",
    "responsible_unit",
    "responsible_person",
    "measures",
    "audience",
    "recipients",
    "visibility",
    "origin_kind",
    "origin_object_id",
    "origin_note",
)


class PledgeError(TransitionRefused):
    """A refused pledge operation; the message is Chinese and meant for the user."""


# Text that the public board shows must not carry a phone or ID number (个人信息不上墙), in any
# spelling: one validator (core.masking.validate_public_text) for the form, this service and the admin.
PUBLIC_TEXT_FIELDS = ("title", "content", "target", "measures")


def _check_public_text(name: str, value) -> None:
    try:
        validate_public_text(value)
    except ValidationError as exc:
        raise PledgeError(
            _("“%(field)s”将在公示栏公开，不能包含手机号、电话或身份证号。")
            % {"field": Pledge._meta.get_field(name).verbose_name if name != "reason" else _("变更理由")}
        ) from exc


def _return_needs_comment(pledge, user, *, comment=None, **context) -> str | None:
    # Offering the button asks without a comment; the step itself needs one.
    if comment is not None and not comment.strip():
        return _("退回时必须填写退回意见。")
    return None


def _publish_only_public(pledge, user, **context) -> str | None:
    if pledge.visibility != Pledge.Visibility.PUBLIC:
        return _("内部事项不能在公示栏公开。")
    return None


def _withdraw_unfinished(pledge, user, *, reason=None, **context) -> str | None:
    if pledge.status == Status.COMPLETED:
        # A fulfilled promise is the record of work done: it stays on the board and in 三查三看.
        return _("已完成的承诺事项不能撤回。")
    if reason is not None and not reason.strip():
        return _("请填写撤回理由。")
    return None


_APPROVER_ONLY = gettext_lazy("只有本单位领导可以审批、退回或公开承诺事项。")

# The whole approval workflow. A pledge has no history table of its own: the audit trail is its
# history (one event per step, refused attempts included).
PLEDGE_FLOW = Workflow(
    model=Pledge,
    state_field="approval_state",
    transitions={
        "submit": Transition(
            {State.DRAFT, State.RETURNED},
            State.SUBMITTED,
            permission="pledges.change_pledge",
            audit_action="ledgers.pledge_submit",
            label=pgettext_lazy("pledge action", "提交审批"),
            forbidden=gettext_lazy("您没有提交承诺事项的权限。"),
        ),
        "approve": Transition(
            {State.SUBMITTED},
            State.APPROVED,
            permission="pledges.approve_pledge",
            audit_action="ledgers.pledge_approve",
            label=pgettext_lazy("pledge action", "审批通过"),
            forbidden=_APPROVER_ONLY,
        ),
        "return": Transition(
            {State.SUBMITTED},
            State.RETURNED,
            permission="pledges.approve_pledge",
            audit_action="ledgers.pledge_return",
            label=pgettext_lazy("pledge action", "退回修改"),
            forbidden=_APPROVER_ONLY,
            guard=_return_needs_comment,
        ),
        "publish": Transition(
            {State.APPROVED},
            State.PUBLISHED,
            permission="pledges.approve_pledge",
            audit_action="ledgers.pledge_publish",
            label=pgettext_lazy("pledge action", "公开"),
            forbidden=_APPROVER_ONLY,
            guard=_publish_only_public,
        ),
        "withdraw": Transition(
            {State.APPROVED, State.PUBLISHED},
            State.WITHDRAWN,
            permission="pledges.withdraw_pledge",
            audit_action="ledgers.pledge_withdraw",
            label=pgettext_lazy("pledge action", "撤回"),
            forbidden=gettext_lazy("只有本单位领导或活动办公室可以撤回承诺事项。"),
            guard=_withdraw_unfinished,
            wrong_state=lambda *, state, action, target: (
                _("当前状态为“%(state)s”，不能撤回；只有已审批或已公开的承诺事项可以撤回。") % {"state": state}
            ),
        ),
    },
    stale=gettext_lazy("该承诺事项已被他人更新，请刷新页面后再操作。"),
    forbidden_raises=PledgeError,
    # Reminder rows follow the pledge in the same transaction (a withdrawn one's are cancelled).
    after_save=reminders_sync_for,
    lock_related=("org_unit",),
)

# The steps of approval (the page's buttons); withdrawing has its own page and service.
APPROVAL_ACTIONS = ("submit", "approve", "return", "publish")
ACTION_LABELS = {action: PLEDGE_FLOW[action].label for action in APPROVAL_ACTIONS}


def derive_status(*, percent: int, completed_on, deadline: datetime.date, today: datetime.date) -> str:
    """The status a committed pledge has on ``today``; the deadline day itself is not overdue."""
    if completed_on is not None:
        return Status.COMPLETED
    if today > deadline:
        return Status.OVERDUE
    if percent > 0:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def available_actions(*, pledge: Pledge, user) -> list[str]:
    """The approval steps ``user`` may take on ``pledge`` now (for buttons)."""
    return [action for action in APPROVAL_ACTIONS if _refusal(pledge=pledge, user=user, action=action) is None]


def _refusal(*, pledge: Pledge, user, action: str, **context) -> str | None:
    """Why ``user`` may not take ``action`` on ``pledge`` now: outside their units, then the table."""
    if not user_can_see_unit(user, pledge.org_unit):
        return _("无权处理本单位以外的承诺事项。")
    return PLEDGE_FLOW.refusal(pledge, user, action, **context)


def campaign_refusal(*, campaign, org_unit) -> str | None:
    """Why a pledge of ``org_unit`` may not be filed under ``campaign`` (None if it may).

    The one rule for form and services: the campaign is a real plan (not a template) that the
    unit takes part in; a county's cascaded plan is not another county's, even with the same title.
    """
    if campaign is None or org_unit is None:
        return None
    if campaign.is_template:
        return _("方案模板不能用于承诺事项，请选择正在开展的主题活动。")
    if not unit_takes_part(campaign=campaign, unit=org_unit):
        return _("“%(unit)s”不参加“%(campaign)s”（%(issuer)s），请选择本单位参加的主题活动。") % {
            "unit": org_unit.name,
            "campaign": campaign.title,
            "issuer": campaign.issuing_unit.name if campaign.issuing_unit_id else "",
        }
    return None


def _check_campaign(pledge: Pledge) -> None:
    refusal = campaign_refusal(campaign=pledge.campaign, org_unit=pledge.org_unit)
    if refusal:
        raise PledgeError(refusal)


def _check_fields(*, user, fields: dict) -> None:
    for key in fields:
        if key not in EDITABLE_FIELDS:
            raise PledgeError(_("字段 %(field)s 不能在此修改。") % {"field": key})
    for key in ("org_unit", "responsible_unit"):
        unit = fields.get(key)
        if unit is not None and not user_can_see_unit(user, unit):
            raise PledgeError(_("只能选择本单位及下级单位。"))
    for name in PUBLIC_TEXT_FIELDS:
        _check_public_text(name, fields.get(name))
    person = fields.get("responsible_person")
    if person is not None and not user_can_see_unit(user, person.org_unit):
        raise PledgeError(_("责任人须为本单位或下级单位的干部。"))
    unit = fields.get("responsible_unit")
    if person is not None and unit is not None and not person.org_unit.path.startswith(unit.path):
        raise PledgeError(_("责任人须为责任单位（或其下级单位）的干部。"))
    kind = fields.get("origin_kind", Pledge.OriginKind.NONE)
    object_id = fields.get("origin_object_id")
    if kind == Pledge.OriginKind.NONE:
        fields["origin_object_id"] = None
    elif object_id is not None:
        # The same set the form's select offers: the user's subtree (plan steps: visible plans).
        candidates = origin_queryset(kind=kind, user=user)
        if candidates is not None and not candidates.filter(pk=object_id).exists():
            raise PledgeError(_("来源编号不存在，或不在本单位及下级单位范围内。"))


def _check_deadline(deadline, *, new: bool, today: datetime.date | None = None) -> None:
    """The one deadline rule (ledgers.date_rules) as a pledge refusal; a deadline set now is ``new``."""
    if deadline is None:
        return
    try:
        validate_pledge_deadline(deadline, new=new, today=today)
    except ValidationError as exc:
        raise PledgeError(exc.messages[0]) from exc


def _full_clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise PledgeError(pgettext("message separator", "；").join(exc.messages)) from exc


@transaction.atomic
def pledge_create(
    *, user, fields: dict, idempotency_key=None, filed_on: datetime.date | None = None
) -> tuple[Pledge, bool]:
    """Record a draft pledge for one of the user's units; returns (pledge, created).

    A form sent twice (a double tap on a slow village connection) makes one draft: the same
    ``idempotency_key`` returns the first draft (a unique constraint, also between concurrent
    requests), and so does the same content from the same user within two minutes (the twin
    check, for a form opened twice), which runs under a lock on the user's row so that two
    concurrent twins cannot both pass it. ``filed_on`` (default today) is the day the pledge was
    filed, which its deadline may not precede; only a back-filled register (the demo's history)
    passes an earlier day. Audit: ``ledgers.pledge_create``. Raises PledgeError without
    ``pledges.add_pledge``, when a unit or person lies outside the user's subtree, or for a
    deadline outside validate_pledge_deadline.
    """
    if not user.has_perm("pledges.add_pledge"):
        raise PledgeError(_("您没有录入承诺事项的权限。"))
    fields = dict(fields)
    _check_fields(user=user, fields=fields)
    if idempotency_key is not None:
        replayed = Pledge.objects.filter(idempotency_key=idempotency_key).first()
        if replayed is not None:
            return replayed, False
    _check_deadline(fields.get("deadline"), new=True, today=filed_on)
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    recent = timezone.now() - datetime.timedelta(minutes=2)
    twin = Pledge.objects.filter(
        created_by=user,
        created_at__gte=recent,
        approval_state=State.DRAFT,
        **{key: fields.get(key) for key in ("org_unit", "campaign", "title", "content", "deadline")},
    ).first()
    if twin is not None:
        return twin, False

    def create():
        pledge = Pledge(
            **fields,
            created_by=user,
            approval_state=State.DRAFT,
            status=Status.NOT_STARTED,
            idempotency_key=idempotency_key,
        )
        _check_campaign(pledge)
        _full_clean(pledge)
        stamp_version(pledge, actor=user, created=True)
        pledge.save()
        audit_record(action="ledgers.pledge_create", actor=user, obj=pledge, detail={"title": pledge.title})
        return pledge

    return create_once(Pledge, idempotency_key, create)


@transaction.atomic
def pledge_update(*, pledge: Pledge, user, fields: dict, expected_version: int | None = None) -> Pledge:
    """Change a draft or returned pledge. After approval only ``pledge_amend`` may change it.

    Locks the row; a form loaded at an older ``expected_version`` raises StaleEdit (a
    colleague saved, submitted or returned it meanwhile). Audit: ``ledgers.pledge_update`` with
    the changed field names.
    """
    if not user.has_perm("pledges.change_pledge") or not user_can_see_unit(user, pledge.org_unit):
        raise PledgeError(_("您没有修改该承诺事项的权限。"))
    pledge = lock_version(Pledge.objects.all(), pk=pledge.pk, expected_version=expected_version)
    if not pledge.is_editable:
        raise PledgeError(_("承诺事项已提交或已审批，不能直接修改；审批后的变更请走变更程序。"))
    fields = dict(fields)
    _check_fields(user=user, fields=fields)
    changed = [key for key, value in fields.items() if getattr(pledge, key) != value]
    for key, value in fields.items():
        setattr(pledge, key, value)
    if {"campaign", "org_unit"} & set(changed):
        _check_campaign(pledge)
    if "deadline" in changed:
        _check_deadline(pledge.deadline, new=True)
    _full_clean(pledge)
    stamp_version(pledge, actor=user)
    pledge.save()
    audit_record(action="ledgers.pledge_update", actor=user, obj=pledge, detail={"fields": changed})
    return pledge


def pledge_transition(*, pledge: Pledge, user, action: str, comment: str = "") -> Pledge:
    """Move a pledge through its approval: submit, approve, return (with a comment), publish.

    Audit: one event per step (the step's ``audit_action`` in PLEDGE_FLOW); a refused attempt is
    recorded with success=False (an action approval does not have as
    ``ledgers.pledge_unknown_step``) and raises PledgeError with the reason in Chinese.
    """
    try:
        if action not in APPROVAL_ACTIONS:
            raise PledgeError(_("未知的操作。"))
        return _take_step(pledge=pledge, user=user, action=action, comment=comment.strip(), comment_given=comment)
    except PledgeError as exc:
        _record_refusal(pledge=pledge, user=user, action=action, exc=exc, known=action in APPROVAL_ACTIONS)
        raise


def _record_refusal(*, pledge: Pledge, user, action: str, exc: PledgeError, known: bool = True) -> None:
    detail = {"refused": exc.messages[0], "state": pledge.approval_state}
    if not known:
        detail["action"] = action[:64]
    audit_record(
        action=PLEDGE_FLOW[action].audit_action if known else PledgesAudit.UNKNOWN_STEP,
        actor=user,
        obj=pledge,
        success=False,
        detail=detail,
    )


@transaction.atomic
def _take_step(*, pledge: Pledge, user, action: str, comment: str = "", comment_given=None, reason=None) -> Pledge:
    # The row is locked: two leaders pressing "approve" at once must not both succeed.
    locked = PLEDGE_FLOW.lock(pledge)
    refusal = _refusal(pledge=locked, user=user, action=action, comment=comment_given, reason=reason)
    if refusal is not None:
        pledge.approval_state = locked.approval_state
        raise PledgeError(refusal)
    previous = locked.approval_state
    now = timezone.now()
    locked.approval_state = PLEDGE_FLOW[action].target
    detail = {"comment": comment}
    if action == "submit":
        locked.submitted_at = now
    elif action == "approve":
        locked.approved_at = now
        locked.approved_by = user
        locked.return_comment = ""
        locked.status = derive_status(percent=0, completed_on=None, deadline=locked.deadline, today=dates.today())
    elif action == "return":
        locked.return_comment = comment
    elif action == "publish":
        locked.published_at = now
    elif action == "withdraw":
        locked.withdrawn_at = now
        locked.withdrawn_by = user
        locked.withdrawal_reason = reason.strip()
        detail = {"reason": locked.withdrawal_reason}
    return PLEDGE_FLOW.finish(locked, actor=user, action=action, from_state=previous, detail=detail)


def _replayed(model, idempotency_key):
    """The record a replayed form already made. Called with the pledge's row locked, so a
    concurrent replay waits for the first post to commit and then finds its record here; the
    key's unique constraint stands behind it."""
    if idempotency_key is None:
        return None
    return model.objects.filter(idempotency_key=idempotency_key).first()


@transaction.atomic
def pledge_amend(*, pledge: Pledge, user, field: str, new_value, reason: str, idempotency_key=None) -> PledgeAmendment:
    """Change an approved pledge's content, target or deadline, keeping old value, new, reason, who.

    A replayed form (same ``idempotency_key``) returns the amendment it made. Audit:
    ``ledgers.pledge_amend``. The status is re-derived (a later deadline can lift 逾期).
    """
    if not user.has_perm("pledges.add_pledgeamendment") or not user_can_see_unit(user, pledge.org_unit):
        raise PledgeError(_("只有本单位领导或活动办公室可以变更已审批的承诺。"))
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    replayed = _replayed(PledgeAmendment, idempotency_key)
    if replayed is not None:
        return replayed
    if not locked.is_committed:
        raise PledgeError(_("尚未审批的承诺事项请直接修改，无需变更记录。"))
    if field not in Pledge.AMENDABLE_FIELDS:
        raise PledgeError(_("只能变更承诺内容、完成目标或办理时限。"))
    if locked.status == Status.COMPLETED:
        raise PledgeError(_("已完成的承诺事项不能再变更。"))
    if not (reason or "").strip():
        raise PledgeError(_("请填写变更理由。"))
    if isinstance(new_value, str):
        new_value = new_value.strip()
    if new_value in (None, ""):
        raise PledgeError(_("新内容不能为空。"))
    _check_public_text(field, new_value)
    _check_public_text("reason", reason)
    if field == "deadline":
        _check_deadline(new_value, new=True)
    old_value = getattr(locked, field)
    if old_value == new_value:
        raise PledgeError(_("新内容与原内容相同。"))
    setattr(locked, field, new_value)
    locked.status = derive_status(
        percent=locked.percent, completed_on=locked.completed_on, deadline=locked.deadline, today=dates.today()
    )
    stamp_version(locked, actor=user)
    locked.save()
    reminders_sync_for(locked)  # a moved deadline moves its pending reminders now
    amendment = PledgeAmendment.objects.create(
        pledge=locked,
        field=field,
        old_value=_as_text(old_value),
        new_value=_as_text(new_value),
        reason=reason.strip(),
        amended_by=user,
        idempotency_key=idempotency_key,
    )
    audit_record(
        action="ledgers.pledge_amend",
        actor=user,
        obj=locked,
        detail={"field": field, "old": _as_text(old_value), "new": _as_text(new_value), "reason": reason.strip()},
    )
    return amendment


def withdrawal_refusal(*, pledge: Pledge, user) -> str | None:
    """Why ``user`` may not withdraw ``pledge`` now (Chinese, for the user), or None if they may."""
    return _refusal(pledge=pledge, user=user, action="withdraw")


def pledge_withdraw(*, pledge: Pledge, user, reason: str) -> Pledge:
    """Take an approved or published, unfinished pledge back (off the public board), with a reason.

    A withdrawn pledge leaves the public board entirely (its title may be the very thing that
    should not be public), stops counting as committed (三查三看, status sweep), keeps its
    progress for the record, and its pending reminders are cancelled in the same transaction.
    Audit: ``ledgers.pledge_withdraw``; a refused attempt is recorded with success=False and
    raises PledgeError with the reason in Chinese.
    """
    try:
        return _take_step(pledge=pledge, user=user, action="withdraw", reason=reason or "")
    except PledgeError as exc:
        _record_refusal(pledge=pledge, user=user, action="withdraw", exc=exc)
        raise


def _as_text(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@transaction.atomic
def pledge_report_progress(
    *,
    pledge: Pledge,
    user,
    reported_on: datetime.date,
    percent: int,
    note: str,
    photo=None,
    idempotency_key=None,
) -> PledgeProgress:
    """Add a progress update; 100% completes the pledge (the note and photo are its evidence).

    A 0% update explains why work has not started (三查三看: 看条件成熟不成熟). A replayed form
    (same ``idempotency_key``), or the same update sent again, returns the existing one.
    Audit: ``ledgers.pledge_progress`` (and ``ledgers.pledge_complete`` when it completes).
    Raises PledgeError on a refused update.
    """
    if not user.has_perm("pledges.add_pledgeprogress") or not user_can_see_unit(user, pledge.org_unit):
        raise PledgeError(_("您没有填报该承诺事项进展的权限。"))
    locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
    replayed = _replayed(PledgeProgress, idempotency_key)
    if replayed is not None:
        return replayed
    if not locked.is_committed:
        raise PledgeError(_("承诺事项经领导审批后才能填报进展。"))
    if locked.status == Status.COMPLETED:
        raise PledgeError(_("该承诺事项已完成，不能再填报进展。"))
    today = dates.today()
    if reported_on > today:
        raise PledgeError(_("进展日期不能晚于今天。"))
    if locked.last_progress_on is not None and reported_on < locked.last_progress_on:
        raise PledgeError(_("进展日期不能早于上一次进展（%(date)s）。") % {"date": locked.last_progress_on})
    if not 0 <= percent <= 100:
        raise PledgeError(_("完成进度须在 0 到 100 之间。"))
    if percent < locked.percent:
        raise PledgeError(_("完成进度不能低于上一次填报的 %(percent)s%%。") % {"percent": locked.percent})
    note = (note or "").strip()
    if not note:
        raise PledgeError(_("请填写进展情况。"))
    latest = locked.progress_updates.order_by("-reported_on", "-id").first()
    if latest is not None and (latest.reported_on, latest.percent, latest.note) == (reported_on, percent, note):
        return latest  # a double-submitted form

    update = PledgeProgress(
        pledge=locked,
        reported_on=reported_on,
        percent=percent,
        note=note,
        reported_by=user,
        photo=photo or "",
        idempotency_key=idempotency_key,
    )
    _full_clean(update)
    update.save()
    locked.percent = percent
    locked.last_progress_on = reported_on
    if percent == 100:
        locked.completed_on = reported_on
        locked.completion_note = note
    locked.status = derive_status(
        percent=percent, completed_on=locked.completed_on, deadline=locked.deadline, today=today
    )
    stamp_version(locked, actor=user)
    locked.save()
    reminders_sync_for(locked)
    audit_record(
        action="ledgers.pledge_progress",
        actor=user,
        obj=locked,
        detail={"reported_on": reported_on, "percent": percent, "photo": bool(photo)},
    )
    if percent == 100:
        audit_record(action="ledgers.pledge_complete", actor=user, obj=locked, detail={"completed_on": reported_on})
    return update


@transaction.atomic
def pledge_refresh_statuses(*, today: datetime.date | None = None) -> int:
    """Store the status every committed, unfinished pledge has today (the daily sweep).

    Flips 办理中/未启动 to 已逾期 after the deadline and back if a deadline moved. Idempotent;
    returns how many rows changed. Audit: one ``ledgers.pledge_status_refresh`` event per
    changed pledge.
    """
    today = today or dates.today()
    open_pledges = Pledge.objects.committed().exclude(status=Status.COMPLETED)
    changed = 0
    for target, condition in (
        (Status.OVERDUE, {"deadline__lt": today}),
        (Status.IN_PROGRESS, {"deadline__gte": today, "percent__gt": 0}),
        (Status.NOT_STARTED, {"deadline__gte": today, "percent": 0}),
    ):
        stale = open_pledges.filter(**condition).exclude(status=target).select_related("org_unit")
        for pledge in stale.select_for_update():
            audit_record(
                action="ledgers.pledge_status_refresh",
                obj=pledge,
                actor_repr="system",
                detail={"from": pledge.status, "to": target, "as_of": today},
            )
        changed += stale.update(status=target)
    return changed
