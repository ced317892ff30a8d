from django.db.models import Count, Q
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import dates
from core.files import file_url
from core.scoping import ancestor_paths, get_for_user_or_404, scope_for_user, sees_everything, user_scope_root
from org.models import Cadre, OrgUnit

from .files import STEP_EVIDENCE


def orgunit_tree_base_depth(*, user) -> int:
    """The depth of the top of what the user sees (their root unit; the tree's roots for superusers)."""
    root = None if sees_everything(user) else user_scope_root(user)
    return root.depth if root is not None else 1


def orgunit_tree_for_user(*, user, levels: int | None = None):
    """The units the user may see, in tree order, each with its number of cadres.

    ``levels`` limits the tree to that many levels below the user's root (a city has thousands
    of units); None gives the whole subtree, which callers paginate.
    """
    units = scope_for_user(OrgUnit.objects.all(), user)
    if levels is not None:
        units = units.filter(depth__lte=orgunit_tree_base_depth(user=user) + levels)
    return units.annotate(cadre_count=Count("cadres")).order_by("path")


def orgunit_get_for_user(*, user, code: str) -> OrgUnit:
    """One unit by code; 404 if it is outside the user's subtree."""
    return get_for_user_or_404(OrgUnit.objects.all(), user, code=code)


def orgunit_children(*, unit: OrgUnit):
    return OrgUnit.objects.get_children(unit).annotate(cadre_count=Count("cadres"))


def cadre_list_for_unit(*, unit: OrgUnit):
    """Cadres working directly in ``unit``."""
    return Cadre.objects.filter(org_unit=unit).select_related("user").order_by("-is_leader", "name")


def campaign_participants(campaign) -> list[OrgUnit]:
    """The units taking part in a campaign, in tree order.

    SUBTREE: the issuing unit and every unit below it whose level is in ``participating_kinds``
    (all units below the issuer when the list is empty). CHOSEN: the units picked by hand.
    """
    if campaign.is_template or campaign.issuing_unit_id is None:
        return []
    if campaign.participation == campaign.Participation.CHOSEN:
        return list(campaign.participating_units.order_by("path"))
    issuer = campaign.issuing_unit
    units = OrgUnit.objects.filter(issuer.subtree_q())
    if campaign.participating_kinds:
        units = units.filter(kind__in=campaign.participating_kinds)
    else:
        units = units.exclude(pk=issuer.pk)
    return list(units.order_by("path"))


def campaign_family_ids(campaign) -> list[int]:
    """The campaign, the superior plans it implements and every plan cascaded from it.

    Data recorded against a county's implementing campaign counts for the city's plan and back.
    """
    from .models import Campaign

    cached = getattr(campaign, "_family_ids", None)
    if cached is not None:
        return cached
    ids = {campaign.pk}
    node = campaign
    while node.parent_id is not None and node.parent_id not in ids:
        ids.add(node.parent_id)
        node = Campaign.objects.only("id", "parent_id").get(pk=node.parent_id)
    frontier = [campaign.pk]
    while frontier:
        children = list(
            Campaign.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.update(children)
        frontier = children
    campaign._family_ids = sorted(ids)
    return campaign._family_ids


def unit_takes_part(*, campaign, unit: OrgUnit) -> bool:
    """Whether ``unit`` works under ``campaign``: it is the issuing unit, a participant, or lies
    below a participant (a village works under its township's part of the plan). Templates: never."""
    if campaign.is_template or campaign.issuing_unit_id is None or unit is None:
        return False
    if campaign.issuing_unit_id == unit.pk:
        return True
    chain = ancestor_paths(unit) + [unit.path]
    if campaign.participation == campaign.Participation.CHOSEN:
        return campaign.participating_units.filter(path__in=chain).exists()
    issuer_path = campaign.issuing_unit.path
    if not unit.path.startswith(issuer_path):
        return False
    if not campaign.participating_kinds:
        return True
    below_issuer = [path for path in chain if path.startswith(issuer_path)]
    return OrgUnit.objects.filter(path__in=below_issuer, kind__in=campaign.participating_kinds).exists()


def campaign_choices_for_user(*, user, active_only: bool = True, keep=None):
    """The campaigns a form offers: real plans (never templates) the user may read.

    Operational forms (visits, pairings, pledges, forums, reception days, imports) get running
    campaigns only (``active_only``), plus ``keep``: the campaign an edited object already points at.
    """
    from .models import Campaign

    campaigns = scope_for_user(Campaign.objects.plans(), user)
    if active_only:
        campaigns = campaigns.filter(status=Campaign.Status.ACTIVE)
    if keep:
        campaigns = campaigns | Campaign.objects.filter(pk=getattr(keep, "pk", keep))
    return campaigns.select_related("issuing_unit").order_by("-start_date", "issuing_unit__path", "title")


# ---- campaign plans -----------------------------------------------------------------------

STATE_ORDER = ["overdue", "open", "done_late", "done_on_time"]
STATE_CSS = {
    "done_on_time": "success",
    "done_late": "warning",
    "open": "primary",
    "overdue": "danger",
}


def campaign_list_for_user(*, user, status: str = ""):
    """Campaign plans the user may read (own subtree and the path above), newest first."""
    from .models import Campaign

    queryset = scope_for_user(Campaign.objects.plans(), user).select_related("issuing_unit", "parent__issuing_unit")
    if status:
        queryset = queryset.filter(status=status)
    # Newest year first; within a year the superior plan before the plans implementing it.
    return queryset.annotate(
        milestone_count=Count("milestones", distinct=True), phase_count=Count("phases", distinct=True)
    ).order_by("-start_date__year", "issuing_unit__path", "-start_date", "title")


def campaign_get_for_user(*, user, pk: int):
    """One campaign plan (not a template) the user may read; 404 otherwise."""
    from .models import Campaign

    return get_for_user_or_404(
        Campaign.objects.plans().select_related("issuing_unit", "parent", "template"), user, pk=pk
    )


TIMELINE_PAD_LEFT, TIMELINE_PAD_RIGHT = 8, 36  # room for the last step's label at the end date


def _x(day, start, total_days, width):
    inner = width - TIMELINE_PAD_LEFT - TIMELINE_PAD_RIGHT
    return round(TIMELINE_PAD_LEFT + (day - start).days / total_days * inner, 1)


def campaign_timeline(*, campaign, phases, milestones, states_by_milestone, today, width=1000):
    """Geometry of the timeline (phases as bars, steps as dated points, today's line) in SVG units."""
    import datetime

    start, end = campaign.start_date, campaign.end_date
    total = max((end - start).days + 1, 1)
    bars = []
    for index, phase in enumerate(phases):
        x1 = _x(phase.start_date, start, total, width)
        x2 = _x(phase.end_date + datetime.timedelta(days=1), start, total, width)
        bars.append({"phase": phase, "x": x1, "w": max(x2 - x1, 2), "tone": index % 3})
    points = []
    lanes_end = []  # staggered label rows, so close deadlines do not overprint each other
    for milestone in milestones:
        counts = states_by_milestone.get(milestone.pk, {})
        if counts.get("overdue"):
            state = "overdue"
        elif counts.get("open"):
            state = "open"
        elif counts.get("done_late"):
            state = "done_late"
        elif counts.get("done_on_time"):
            state = "done_on_time"
        else:
            state = "overdue" if milestone.due_date < today else "open"
        x = _x(milestone.due_date, start, total, width) + round((width - 44) / total / 2, 1)
        lane = next((i for i, last in enumerate(lanes_end) if x - last > 64), None)
        if lane is None:
            lane = len(lanes_end)
            lanes_end.append(x)
        else:
            lanes_end[lane] = x
        points.append({"milestone": milestone, "x": x, "state": state, "lane": lane, "css": STATE_CSS[state]})
    for point in points:
        point["y"] = 118 + point["lane"] * 22
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        if cursor >= start:
            # Translators: a Django date format for the month ticks of the plan timeline ("3月").
            months.append({"x": _x(cursor, start, total, width), "label": dateformat.format(cursor, _("n月"))})
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    today_x = _x(today, start, total, width) if start <= today <= end else None
    height = 118 + max(len(lanes_end), 1) * 22 + 10
    return {"bars": bars, "points": points, "months": months, "today_x": today_x, "width": width, "height": height}


def campaign_plan_for_user(*, user, campaign, unit: OrgUnit | None = None, today=None):
    """Everything the plan page shows, in a fixed number of queries whatever the number of units.

    The campaign (from campaign_get_for_user), its phases and steps, the timeline geometry,
    the per-unit completion matrix limited to units the user may see, the implementing plans
    below it, and the requirement results for one unit (``unit``, else the user's own).
    """
    from .models import MilestoneAssignment
    from .requirements import requirement_evaluator

    today = today or dates.today()
    phases = list(campaign.phases.order_by("order"))
    milestones = list(campaign.milestones.select_related("phase", "responsible_unit").order_by("number"))
    assignments = list(
        scope_for_user(MilestoneAssignment.objects.filter(milestone__campaign=campaign), user)
        .select_related("unit")
        .order_by("unit__path")
    )
    by_pk = {m.pk: m for m in milestones}
    units, cells, states_by_milestone = {}, {}, {}
    totals = dict.fromkeys(STATE_ORDER, 0)
    # URLs and labels are made here once, not per cell in the template (a city plan has ~1,000 cells).
    complete_url = reverse("campaigns:assignment_complete", kwargs={"pk": 0}).replace("/0/", "/{pk}/")
    evidence_url = file_url(STEP_EVIDENCE, 0).replace("/0/", "/{pk}/")
    labels = {state: str(label) for state, label in MilestoneAssignment.State.choices}
    labels[MilestoneAssignment.State.OPEN] = _("待完成")
    for assignment in assignments:
        assignment.milestone = by_pk[assignment.milestone_id]
        state = assignment.state(today)
        assignment.state_value = state
        assignment.state_css = STATE_CSS[state]
        assignment.state_label = labels[state]
        assignment.complete_url = complete_url.format(pk=assignment.pk)
        assignment.evidence_url = evidence_url.format(pk=assignment.pk) if assignment.evidence else ""
        units.setdefault(assignment.unit_id, assignment.unit)
        cells[(assignment.unit_id, assignment.milestone_id)] = assignment
        states_by_milestone.setdefault(assignment.milestone_id, {}).setdefault(state, 0)
        states_by_milestone[assignment.milestone_id][state] += 1
        totals[state] += 1
    matrix = [
        {"unit": unit, "cells": [cells.get((unit.pk, m.pk)) for m in milestones]}
        for unit in sorted(units.values(), key=lambda u: u.path)
    ]
    for milestone in milestones:
        milestone.state_counts = states_by_milestone.get(milestone.pk, {})
    children = list(
        scope_for_user(campaign.children.all(), user).select_related("issuing_unit").order_by("issuing_unit__path")
    )

    # Requirements are evaluated for one unit: the user's own if it is in the campaign's
    # branch, else the issuing unit; ?unit=CODE (the caller's ``unit``) picks another below it.
    if unit is None:
        issuer = campaign.issuing_unit
        root = None if user.is_superuser else user_scope_root(user)
        unit = root if root is not None and root.path.startswith(issuer.path) else issuer
    requirements = list(campaign.requirements.order_by("order", "pk"))
    # Scoring lives in evaluations, above this app: it is reached through the evaluator it registers.
    evaluate_requirement = requirement_evaluator()
    results = []
    for requirement in requirements:
        requirement.campaign = campaign  # share one instance: the family lookup is cached on it
        results.append(
            {"requirement": requirement, "result": evaluate_requirement(requirement, unit=unit, as_of=today)}
        )
    return {
        "campaign": campaign,
        "phases": phases,
        "milestones": milestones,
        "timeline": campaign_timeline(
            campaign=campaign,
            phases=phases,
            milestones=milestones,
            states_by_milestone=states_by_milestone,
            today=today,
        ),
        "matrix": matrix,
        "totals": totals,
        "children": children,
        "requirement_unit": unit,
        "requirement_results": results,
        "today": today,
    }


def assignment_get_for_user(*, user, pk: int):
    """One owed step of one unit, if the unit is in the user's subtree; 404 otherwise."""
    from .models import MilestoneAssignment

    return get_for_user_or_404(
        MilestoneAssignment.objects.select_related("milestone__campaign", "unit").filter(
            milestone__campaign__is_template=False
        ),
        user,
        pk=pk,
    )


# --- the search behind the unit and cadre pickers (core.widgets.SearchSelect) -----------------

PICKER_RESULTS = 30
PICKER_QUERY_MAX = 50


def _picker_condition(q: str, *fields: str) -> Q:
    # Prefixes use the pattern indexes; from two characters a name may match anywhere.
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__startswith": q})
    if len(q) >= 2:
        condition |= Q(**{f"{fields[0]}__contains": q})
    return condition


def unit_options_for_user(*, user, q: str, kinds=(), by_code: bool = False) -> list[tuple]:
    """(pk, name) of at most PICKER_RESULTS units of the user's subtree matching ``q`` (name or
    code), of the given kinds; (code, name) ``by_code``; nothing for a blank query."""
    q = (q or "").strip()[:PICKER_QUERY_MAX]
    if not q:
        return []
    units = scope_for_user(OrgUnit.objects.all(), user)
    if kinds:
        units = units.filter(kind__in=list(kinds))
    units = units.filter(_picker_condition(q, "name", "code")).order_by("path")[:PICKER_RESULTS]
    return [(unit.code if by_code else unit.pk, unit.name) for unit in units]


def cadre_options_for_user(*, user, q: str, leaders_only: bool = False) -> list[tuple[int, str]]:
    """(pk, "name（unit）") of at most PICKER_RESULTS cadres of the user's subtree matching ``q``."""
    q = (q or "").strip()[:PICKER_QUERY_MAX]
    if not q:
        return []
    cadres = scope_for_user(Cadre.objects.select_related("org_unit"), user)
    if leaders_only:
        cadres = cadres.filter(is_leader=True)
    cadres = cadres.filter(_picker_condition(q, "name")).order_by("org_unit__path", "name")[:PICKER_RESULTS]
    return [
        (cadre.pk, pgettext("name (detail)", "%(name)s（%(detail)s）") % {"name": cadre.name, "detail": cadre.org_unit})
        for cadre in cadres
    ]
