from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRefresh

from core.access import view_access
from core.params import unit_param
from org.models import OrgUnit

from .forms import MilestoneCompletionForm
from .models import Campaign, MilestoneAssignment
from .permissions import campaign_can_edit
from .selectors import (
    assignment_get_for_user,
    cadre_list_for_unit,
    cadre_options_for_user,
    campaign_get_for_user,
    campaign_list_for_user,
    campaign_plan_for_user,
    orgunit_children,
    orgunit_get_for_user,
    orgunit_tree_base_depth,
    orgunit_tree_for_user,
    unit_options_for_user,
)
from .services import milestone_record_completion
from .validation import limit_evidence_upload

# The tree opens two levels below the user's root; a city has thousands of units below that.
TREE_LEVELS = 2
TREE_PAGE_SIZE = 300


def _tree_rows(units, *, base_depth: int, expandable_depth: int | None):
    """Rows for the tree template; nodes at ``expandable_depth`` with children get an expand control."""
    return [
        {
            "unit": unit,
            "indent": unit.depth - base_depth,
            "expandable": expandable_depth is not None and unit.depth >= expandable_depth and unit.numchild > 0,
        }
        for unit in units
    ]


@view_access()
def orgunit_tree(request):
    base_depth = orgunit_tree_base_depth(user=request.user)
    show_all = request.GET.get("all") == "1"
    context = {"show_all": show_all, "page_size": TREE_PAGE_SIZE}
    if show_all:
        page = Paginator(orgunit_tree_for_user(user=request.user), TREE_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page_obj"] = page
        context["rows"] = _tree_rows(page.object_list, base_depth=base_depth, expandable_depth=None)
    else:
        units = orgunit_tree_for_user(user=request.user, levels=TREE_LEVELS)
        context["rows"] = _tree_rows(units, base_depth=base_depth, expandable_depth=base_depth + TREE_LEVELS)
    return render(request, "campaigns/orgunit_tree.html", context)


@view_access(lookup=orgunit_get_for_user, kwarg="code")
def orgunit_tree_children(request, unit):
    """The next level below one node, as rows for htmx to insert under it; 404 outside the subtree."""
    children = list(orgunit_children(unit=unit))
    base_depth = orgunit_tree_base_depth(user=request.user)
    rows = _tree_rows(children, base_depth=base_depth, expandable_depth=unit.depth + 1)
    return render(request, "campaigns/partials/_orgunit_children.html", {"unit": unit, "rows": rows})


@view_access(lookup=orgunit_get_for_user, kwarg="code")
def orgunit_detail(request, unit):
    context = {
        "unit": unit,
        "ancestors": OrgUnit.objects.get_ancestors(unit),
        "children": orgunit_children(unit=unit),
        "cadres": cadre_list_for_unit(unit=unit),
    }
    return render(request, "campaigns/orgunit_detail.html", context)


@view_access("campaigns.view_campaign")
def campaign_list(request):
    status = request.GET.get("status", "")
    if status not in Campaign.Status.values:
        status = ""
    page = Paginator(campaign_list_for_user(user=request.user, status=status), 20).get_page(request.GET.get("page"))
    templates = []
    if request.user.is_staff and request.user.has_perm("campaigns.add_campaign"):
        templates = list(Campaign.objects.templates().order_by("start_date"))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"page_obj": page, "status": status, "statuses": Campaign.Status.choices, "templates": templates},
    )


@view_access(gate="campaigns.view_campaign", lookup=campaign_get_for_user)
def campaign_plan(request, campaign):
    unit = unit_param(request, within=campaign.issuing_unit)
    context = campaign_plan_for_user(user=request.user, campaign=campaign, unit=unit)
    context["can_record"] = request.user.has_perm("campaigns.change_milestoneassignment")
    context["can_record_here"] = context["can_record"] and context["campaign"].status != Campaign.Status.CLOSED
    # The back-office link only for those who may change this plan (its issuing office and above).
    context["can_edit"] = request.user.is_staff and campaign_can_edit(request.user, context["campaign"])
    context["evidence_label"] = _("佐证材料")
    context["states"] = MilestoneAssignment.State
    return render(request, "campaigns/campaign_plan.html", context)


def _completion_recorded(request, form, assignment) -> bool:
    """Record the completion from a valid form; a refusal goes onto the form (False)."""
    try:
        milestone_record_completion(
            assignment=assignment,
            completed_on=form.cleaned_data["completed_on"],
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
            actor=request.user,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return False
    return True


@view_access("campaigns.change_milestoneassignment", lookup=assignment_get_for_user)
@limit_evidence_upload
def assignment_complete(request, assignment):
    plan_url = assignment.milestone.campaign.get_absolute_url()
    if request.method == "POST":
        form = MilestoneCompletionForm(request.POST, request.FILES)
        if request.size_limit.exceeded:
            # Cut off while streaming: nothing is recorded, and the form says why.
            form.add_error("evidence", request.size_limit.message())
        if form.is_valid() and _completion_recorded(request, form, assignment):
            messages.success(
                request,
                _("已记录“%(unit)s”完成“%(step)s”。") % {"unit": assignment.unit, "step": assignment.milestone.name},
            )
            return HttpResponseClientRefresh() if request.htmx else redirect(plan_url)
    else:
        done = {"completed_on": assignment.completed_on, "note": assignment.note}
        form = MilestoneCompletionForm(initial=done if assignment.completed_on else None)
    template = "campaigns/partials/_completion_form.html" if request.htmx else "campaigns/assignment_form.html"
    return render(request, template, {"form": form, "assignment": assignment, "plan_url": plan_url})


# --- the unit and cadre pickers' search (core.widgets.SearchSelect) ---------------------------


def _picker_options(request, options):
    context = {"options": options, "more": request.GET.get("more") == "1"}
    return render(request, "campaigns/partials/_picker_options.html", context)


@view_access()
@require_GET
def unit_options(request):
    """htmx: units of the user's subtree matching ?q= (name or code), of ?kinds=village,…"""
    kinds = [kind for kind in request.GET.get("kinds", "").split(",") if kind in OrgUnit.Kind.values]
    options = unit_options_for_user(
        user=request.user, q=request.GET.get("picker_q", ""), kinds=kinds, by_code=request.GET.get("value") == "code"
    )
    return _picker_options(request, options)


@view_access()
@require_GET
def cadre_options(request):
    """htmx: cadres of the user's subtree matching ?q= (leaders only with ?leaders=1)."""
    leaders_only = request.GET.get("leaders") == "1"
    options = cadre_options_for_user(user=request.user, q=request.GET.get("picker_q", ""), leaders_only=leaders_only)
    return _picker_options(request, options)
