"""Writes of campaign plans: status, owed steps, cascading, templates, date shifts, completions.

Every function here is keyword-only, atomic and audited; views, admin actions, import resources
and commands call these instead of saving plan rows themselves. Services that change a plan
check ``permissions.campaign_require_edit`` (a lower unit reads a superior's plan, never edits it);
recording a unit's own step completion is not a change of the plan.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates
from core.audit import audit_record
from core.scoping import user_can_see_unit
from core.workflow import Transition, TransitionRefused, Workflow, WrongState
from org.models import OrgUnit
from reminders.services import reminders_sync_for

from .models import Campaign, Milestone, MilestoneAssignment, Phase, Requirement
from .permissions import campaign_require_edit
from .selectors import campaign_participants
from .validation import validate_milestone_dates, validate_phase_ranges

# A campaign's status moves draft → active → closed, nothing else. Who may move it is the plan's
# editor (permissions.campaign_require_edit), an object rule, so the table names no permission.
CAMPAIGN_FLOW = Workflow(
    model=Campaign,
    transitions={
        "activate": Transition(
            {Campaign.Status.DRAFT},
            Campaign.Status.ACTIVE,
            permission=None,
            audit_action="campaigns.campaign_status",
            label=gettext_lazy("启动"),
        ),
        "close": Transition(
            {Campaign.Status.ACTIVE},
            Campaign.Status.CLOSED,
            permission=None,
            audit_action="campaigns.campaign_status",
            label=gettext_lazy("结束"),
        ),
    },
    wrong_state=lambda *, state, action, target: (
        _("主题活动不能从“%(old)s”改为“%(new)s”：只能 草稿→进行中→已结束。") % {"old": state, "new": target}
    ),
    lock_related=("issuing_unit",),
)

# Requirement parameters that hold dates and move with the plan.
_DATE_PARAMS = ("first_due",)


@transaction.atomic
def campaign_set_status(*, campaign: Campaign, status: str, actor) -> Campaign:
    """Move a campaign along draft → active → closed.

    Raises TransitionRefused (Chinese) for any other move and for templates, ValidationError
    for activating a plan whose phases or steps are invalid; PermissionDenied for an actor who may only read the
    plan (permissions.campaign_can_edit). Audited as ``campaigns.campaign_status``.
    """
    campaign = CAMPAIGN_FLOW.lock(campaign)
    if campaign.is_template:
        raise TransitionRefused(_("方案模板不能启动或结束，请先由模板新建主题活动。"))
    campaign_require_edit(actor, campaign)
    action = CAMPAIGN_FLOW.action_to(status)
    if action is None:
        # Nothing moves a campaign back to draft.
        raise WrongState(
            CAMPAIGN_FLOW.wrong_state(
                state=CAMPAIGN_FLOW.state_label(campaign.status), action="", target=Campaign.Status(status).label
            )
        )
    CAMPAIGN_FLOW.check_state(campaign, action)
    if status == Campaign.Status.ACTIVE:
        _validate_plan_dates(campaign)
    old = campaign.status
    campaign.status = status
    CAMPAIGN_FLOW.finish(campaign, actor=actor, action=action, from_state=old, update_fields=["status", "updated_at"])
    if status == Campaign.Status.ACTIVE:
        campaign_sync_assignments(campaign=campaign)
    return campaign


def _validate_plan_dates(campaign: Campaign) -> None:
    phases = list(campaign.phases.all())
    validate_phase_ranges(
        campaign_start=campaign.start_date,
        campaign_end=campaign.end_date,
        phases=[(p.name, p.order, p.start_date, p.end_date) for p in phases],
    )
    by_pk = {p.pk: p for p in phases}
    for milestone in campaign.milestones.all():
        validate_milestone_dates(
            name=milestone.name,
            due_date=milestone.due_date,
            campaign_start=campaign.start_date,
            campaign_end=campaign.end_date,
            phase=by_pk.get(milestone.phase_id),
        )


@transaction.atomic
def campaign_sync_assignments(*, campaign: Campaign) -> dict:
    """Make the owed rows match the plan: one MilestoneAssignment per (step, owing unit).

    A step with a responsible unit is owed by that unit; otherwise by every participating unit.
    Rows of units that no longer owe a step are removed unless they already hold a completion.
    Returns {"created": n, "removed": n}.
    """
    if campaign.is_template:
        return {"created": 0, "removed": 0}
    participants = [u.pk for u in campaign_participants(campaign)]
    milestones = list(campaign.milestones.all())
    wanted = set()
    for milestone in milestones:
        owing = [milestone.responsible_unit_id] if milestone.responsible_unit_id else participants
        wanted.update((milestone.pk, unit_id) for unit_id in owing)
    existing = set(
        MilestoneAssignment.objects.filter(milestone__campaign=campaign).values_list("milestone_id", "unit_id")
    )
    missing = wanted - existing
    MilestoneAssignment.objects.bulk_create(
        [MilestoneAssignment(milestone_id=m, unit_id=u) for m, u in sorted(missing)], ignore_conflicts=True
    )
    removed = 0
    stale = existing - wanted
    if stale:
        for milestone_id, unit_id in stale:
            removed += MilestoneAssignment.objects.filter(
                milestone_id=milestone_id, unit_id=unit_id, completed_on__isnull=True
            ).delete()[0]
    return {"created": len(missing), "removed": removed}


def _copy_plan(*, source: Campaign, target: Campaign, delta: datetime.timedelta, unit_map=None) -> None:
    """Copy phases, steps and requirements of ``source`` into ``target``, dates moved by ``delta``."""
    phase_map = {}
    for phase in source.phases.order_by("order"):
        phase_map[phase.pk] = Phase.objects.create(
            campaign=target,
            name=phase.name,
            order=phase.order,
            start_date=phase.start_date + delta,
            end_date=phase.end_date + delta,
            source_text=phase.source_text,
        )
    milestones = []
    for milestone in source.milestones.order_by("number"):
        responsible = milestone.responsible_unit_id
        if unit_map is not None:
            responsible = unit_map(milestone.responsible_unit)
        milestones.append(
            Milestone(
                campaign=target,
                phase=phase_map.get(milestone.phase_id),
                number=milestone.number,
                name=milestone.name,
                deliverable=milestone.deliverable,
                due_date=milestone.due_date + delta,
                due_text=milestone.due_text,
                responsible_unit_id=responsible,
            )
        )
    Milestone.objects.bulk_create(milestones)
    Requirement.objects.bulk_create(
        Requirement(
            campaign=target,
            order=req.order,
            title=req.title,
            kind=req.kind,
            params=_shift_params(req.params, delta),
            scope=req.scope,
            period=req.period,
            unit_kinds=list(req.unit_kinds),
            source_text=req.source_text,
        )
        for req in source.requirements.order_by("order", "pk")
    )


def _shift_params(params: dict, delta: datetime.timedelta) -> dict:
    shifted = dict(params)
    for key in _DATE_PARAMS:
        if shifted.get(key):
            shifted[key] = (datetime.date.fromisoformat(shifted[key]) + delta).isoformat()
    return shifted


def _check_unit_allowed(actor, unit) -> None:
    if actor is not None and not user_can_see_unit(actor, unit):
        raise PermissionDenied(_("无权为该单位创建主题活动。"))


@transaction.atomic
def campaign_start_from_template(
    *,
    template: Campaign,
    issuing_unit: OrgUnit,
    start_date: datetime.date,
    actor,
    title: str = "",
    document_number: str = "",
) -> Campaign:
    """Start a new draft campaign from a template, every date shifted so the plan starts on ``start_date``.

    One date moves the whole plan (phases, step deadlines, report schedule) to another year.
    Raises PermissionDenied when ``issuing_unit`` is outside the actor's subtree.
    """
    if not template.is_template:
        raise ValidationError(_("只能从方案模板新建。"))
    _check_unit_allowed(actor, issuing_unit)
    delta = start_date - template.start_date
    campaign = Campaign.objects.create(
        title=title or template.title,
        theme=template.theme,
        document_number=document_number,
        issuing_unit=issuing_unit,
        issue_date=None,
        start_date=template.start_date + delta,
        end_date=template.end_date + delta,
        guiding_text=template.guiding_text,
        status=Campaign.Status.DRAFT,
        participation=template.participation,
        participating_kinds=list(template.participating_kinds),
        template=template,
    )
    _copy_plan(source=template, target=campaign, delta=delta)
    campaign_sync_assignments(campaign=campaign)
    audit_record(
        action="campaigns.campaign_from_template",
        actor=actor,
        obj=campaign,
        detail={"template": template.template_key, "shift_days": delta.days},
    )
    return campaign


@transaction.atomic
def campaign_apply_template(*, campaign: Campaign, template: Campaign, actor) -> Campaign:
    """Fill an existing campaign that has no plan yet with a template's phases, steps and requirements.

    Dates move so the template's start falls on the campaign's start. Raises ValidationError if
    the campaign already has phases or steps, PermissionDenied if the actor may only read it.
    """
    if not template.is_template:
        raise ValidationError(_("只能套用方案模板。"))
    campaign_require_edit(actor, campaign)
    if campaign.phases.exists() or campaign.milestones.exists():
        raise ValidationError(_("该主题活动已有阶段或环节，不能再套用模板。"))
    campaign.template = template
    if not campaign.guiding_text:
        campaign.guiding_text = template.guiding_text
    campaign.save(update_fields=["template", "guiding_text", "updated_at"])
    delta = campaign.start_date - template.start_date
    _copy_plan(source=template, target=campaign, delta=delta)
    campaign_sync_assignments(campaign=campaign)
    audit_record(
        action="campaigns.campaign_apply_template",
        actor=actor,
        obj=campaign,
        detail={"template": template.template_key, "shift_days": delta.days},
    )
    return campaign


@transaction.atomic
def campaign_shift_dates(*, campaign: Campaign, start_date: datetime.date, actor) -> Campaign:
    """Move this campaign's whole plan so it starts on ``start_date``; no other campaign changes.

    A county adapting the city's plan shifts only its own copy. Completed steps keep their
    completion dates. PermissionDenied if the actor may only read it. Audited as
    ``campaigns.campaign_shift``.
    """
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("issuing_unit").get(pk=campaign.pk)
    campaign_require_edit(actor, campaign)
    delta = start_date - campaign.start_date
    if not delta:
        return campaign
    campaign.start_date += delta
    campaign.end_date += delta
    if campaign.issue_date is not None and campaign.is_template:
        campaign.issue_date += delta
    campaign.save(update_fields=["start_date", "end_date", "issue_date", "updated_at"])
    Phase.objects.bulk_update(
        list(_shifted(campaign.phases.all(), delta, "start_date", "end_date")), ["start_date", "end_date"]
    )
    Milestone.objects.bulk_update(list(_shifted(campaign.milestones.all(), delta, "due_date")), ["due_date"])
    requirements = list(campaign.requirements.all())
    for requirement in requirements:
        requirement.params = _shift_params(requirement.params, delta)
    Requirement.objects.bulk_update(requirements, ["params"])
    audit_record(action="campaigns.campaign_shift", actor=actor, obj=campaign, detail={"shift_days": delta.days})
    return campaign


def _shifted(rows, delta, *fields):
    for row in rows:
        for name in fields:
            setattr(row, name, getattr(row, name) + delta)
        yield row


@transaction.atomic
def campaign_cascade(*, campaign: Campaign, units, actor) -> list[Campaign]:
    """Create the implementing campaigns of chosen subordinate units in one go.

    Each child copies the parent's phases, steps and requirements (same dates, then free to
    shift), is issued by the unit, implements ``campaign`` (parent) and takes part with the
    same levels, the unit itself included, so the copied steps are owed by that unit. Raises
    ValidationError for a unit that already implements the campaign (naming its plan) or is
    not below the issuing unit, and creates nothing then; PermissionDenied for a unit outside
    the actor's subtree and for an actor who may only read ``campaign`` (a county cannot
    cascade the city's plan).
    """
    if campaign.is_template:
        raise ValidationError(_("方案模板不能下发，请先由模板新建主题活动。"))
    campaign_require_edit(actor, campaign)
    issuer = campaign.issuing_unit
    already = {child.issuing_unit_id: child for child in campaign.children.all()}
    duplicates = [
        _("“%(unit)s”已有实施方案“%(title)s”，不能重复下发。") % {"unit": unit, "title": already[unit.pk].title}
        for unit in units
        if unit.pk in already
    ]
    if duplicates:
        raise ValidationError(duplicates)
    children = []
    for unit in units:
        if unit.pk == issuer.pk or not unit.path.startswith(issuer.path):
            raise ValidationError(_("“%(unit)s”不是“%(issuer)s”的下级单位。") % {"unit": unit, "issuer": issuer})
        _check_unit_allowed(actor, unit)
        # The same levels take part below the unit, and the unit itself owes the copied steps.
        kinds = list(campaign.participating_kinds) or list(OrgUnit.Kind.values)
        if unit.kind not in kinds:
            kinds.append(unit.kind)
        child = Campaign.objects.create(
            title=campaign.title,
            theme=campaign.theme,
            document_number="",
            issuing_unit=unit,
            issue_date=None,
            start_date=campaign.start_date,
            end_date=campaign.end_date,
            guiding_text=campaign.guiding_text,
            status=Campaign.Status.DRAFT,
            participation=Campaign.Participation.SUBTREE,
            participating_kinds=kinds,
            parent=campaign,
            template=campaign.template,
        )

        def unit_map(responsible, unit=unit):
            # A step the parent put on one unit stays on it if that unit is in this branch.
            if responsible is not None and responsible.path.startswith(unit.path):
                return responsible.pk
            return None

        _copy_plan(source=campaign, target=child, delta=datetime.timedelta(0), unit_map=unit_map)
        campaign_sync_assignments(campaign=child)
        audit_record(action="campaigns.campaign_cascade", actor=actor, obj=child, detail={"parent": campaign.pk})
        children.append(child)
    return children


@transaction.atomic
def milestone_record_completion(
    *,
    assignment: MilestoneAssignment,
    completed_on: datetime.date,
    actor,
    note: str = "",
    evidence=None,
) -> MilestoneAssignment:
    """Record that a unit completed a step: date, note and an optional evidence file.

    Raises ValidationError (Chinese) for a date in the future or before the campaign began,
    and for evidence of a wrong type or size. Audited as ``campaigns.milestone_complete``.
    """
    assignment = (
        MilestoneAssignment.objects.select_for_update()
        .select_related("milestone__campaign", "unit")
        .get(pk=assignment.pk)
    )
    campaign = assignment.milestone.campaign
    errors = {}
    if completed_on > dates.today():
        errors["completed_on"] = [_("完成日期不能晚于今天。")]
    elif completed_on < campaign.start_date:
        errors["completed_on"] = [_("完成日期不能早于活动开始日期。")]
    if campaign.status == Campaign.Status.CLOSED:
        errors.setdefault("completed_on", []).append(_("活动已结束，不能再填报。"))
    if evidence:
        from .validation import validate_evidence_file

        try:
            validate_evidence_file(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages
    if errors:
        raise ValidationError(errors)
    assignment.completed_on = completed_on
    assignment.note = note
    assignment.completed_by = actor
    if evidence:
        assignment.evidence = evidence
    assignment.save()
    reminders_sync_for(assignment)
    audit_record(
        action="campaigns.milestone_complete",
        actor=actor,
        obj=assignment,
        detail={
            "milestone": assignment.milestone_id,
            "completed_on": completed_on.isoformat(),
            "state": assignment.state(),
        },
    )
    return assignment


@transaction.atomic
def milestone_reopen(*, assignment: MilestoneAssignment, actor) -> MilestoneAssignment:
    """Clear a recorded completion (entered by mistake). Audited as ``campaigns.milestone_reopen``."""
    assignment = MilestoneAssignment.objects.select_for_update().get(pk=assignment.pk)
    old = assignment.completed_on
    assignment.completed_on = None
    assignment.completed_by = None
    assignment.save(update_fields=["completed_on", "completed_by", "updated_at"])
    reminders_sync_for(assignment)
    audit_record(
        action="campaigns.milestone_reopen",
        actor=actor,
        obj=assignment,
        detail={"was": old.isoformat() if old else None},
    )
    return assignment
